"""Write a backup of the whole site (every row and every stored file) to one .tar.gz file."""

from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand

from twinning.common.backup import backup


class Command(BaseCommand):
    help = "Back up every row of the database and every stored file into one .tar.gz (see common/backup.py)."

    def add_arguments(self, parser):
        parser.add_argument("out", nargs="?", help="the file to write (default: twinning-backup-<UTC time>.tar.gz)")

    def handle(self, *args, out, **options):
        path = Path(out or f"twinning-backup-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.tar.gz")
        manifest = backup(path)
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"{path}: {rows} rows in {len(manifest['counts'])} tables, {len(manifest['files'])} files.")
