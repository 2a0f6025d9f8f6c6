"""Remove stored files that no row names (after a grace period) and report rows without their file."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from twinning.common.files import sweep


class Command(BaseCommand):
    help = "Remove stored files no row names, older than --grace-hours; list rows whose file is missing."

    def add_arguments(self, parser):
        parser.add_argument("--grace-hours", type=float, default=24.0, help="keep younger unnamed files (default 24)")
        parser.add_argument("--dry-run", action="store_true", help="report only, remove nothing")

    def handle(self, *args, grace_hours, dry_run, **options):
        report = sweep(grace=timedelta(hours=grace_hours), dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(
            f"{report.files} stored file(s); {verb} {len(report.removed)} that no row names; "
            f"{len(report.recent)} unnamed but younger than {grace_hours:g} h kept; "
            f"{len(report.missing)} row(s) without their file."
        )
        for name in report.removed:
            self.stdout.write(f"  {verb}: {name}")
        for label, pk, name in report.missing:
            self.stdout.write(f"  missing: {label} #{pk} {name}")
