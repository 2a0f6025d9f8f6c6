"""Build the partner-search index of this machine now (the worker's job does it every ten minutes).

    python manage.py build_search_index [--year 2026] [--force]

With web processes on several machines and `TWINNING_SEARCH_INDEX_DIR` on each machine's own disk,
run this from each machine's timer (docs/deployment.md): a periodic job runs on one worker only.
"""

from django.core.management.base import BaseCommand

from twinning.common.school_year import current_school_year
from twinning.matching import services


class Command(BaseCommand):
    help = "Build the partner-search index into TWINNING_SEARCH_INDEX_DIR and make it current."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="the school year (default: the current one)")
        parser.add_argument("--force", action="store_true", help="build even when nothing changed")

    def handle(self, *args, year=None, force=False, **options):
        school_year = year or current_school_year()
        version = services.build_search_index(school_year=school_year, force=force)
        if version is None:
            self.stdout.write(f"Nothing changed since the last build of {school_year}: the current index stays.")
        else:
            self.stdout.write(f"Built the partner-search index of {school_year}: version {version}.")
