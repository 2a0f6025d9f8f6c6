"""Run the daily health job now: `python manage.py compute_health`."""

from django.core.management.base import BaseCommand

from twinning.coordination.services import compute_health


class Command(BaseCommand):
    help = "Judge every open twinning's health now and send the nudges that are due (each once)."

    def handle(self, *args, **options):
        counts = compute_health()
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in sorted(counts.items())) or "nothing to judge")
