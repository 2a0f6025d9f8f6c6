"""Run the nightly retention job now: `python manage.py apply_retention [--dry-run] [--nso SLUG | --programme SLUG]`."""

from django.core.management.base import BaseCommand, CommandError

from twinning.retention.services import apply_policies
from twinning.schools.models import NSO, Programme


class Command(BaseCommand):
    help = (
        "Apply every NSO's and programme's retention policy now "
        "(or, with --dry-run, print what it would do, writing nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be removed; change nothing.")
        parser.add_argument("--nso", help="Only this NSO's part (and the network's), by its slug.")
        parser.add_argument("--programme", help="Only this programme's part (and the network's), by its slug.")

    def handle(self, *args, **options):
        nso = None
        if options["nso"]:
            nso = NSO.objects.filter(slug=options["nso"]).first()
            if nso is None:
                raise CommandError(f"No NSO has the slug {options['nso']!r}.")
        programme = None
        if options["programme"]:
            if nso is not None:
                raise CommandError("Give --nso or --programme, not both.")
            programme = Programme.objects.filter(slug=options["programme"]).first()
            if programme is None:
                raise CommandError(f"No programme has the slug {options['programme']!r}.")
        found = apply_policies(dry_run=options["dry_run"], nso=nso, programme=programme).as_json()
        counts = {**found["nso"], **{f"programme {pk}": kinds for pk, kinds in found["programme"].items()}}
        if not counts:
            self.stdout.write("nothing is due")
        for scope, kinds in sorted(counts.items()):
            self.stdout.write(f"{scope}: " + ", ".join(f"{kind}: {n}" for kind, n in sorted(kinds.items())))
