"""Queue the light copies of shared photos, clips and sounds that have none yet (media shared
before copies were made, or whose copies failed with `--failed`); the job queue makes them."""

from django.core.management.base import BaseCommand

from twinning.common.uploads.variants import PREPARED_KINDS
from twinning.workspace import services
from twinning.workspace.models import MediaItem, Preparation


class Command(BaseCommand):
    help = "Queue the light copies (thumbnails, 360p/720p clips, compact sound) of existing workspace media."

    def add_arguments(self, parser):
        parser.add_argument("--failed", action="store_true", help="also try again the files whose copies failed")
        parser.add_argument("--batch", type=int, default=500, help="files queued per transaction (default 500)")

    def handle(self, *args, failed: bool = False, batch: int = 500, **options):
        states = [Preparation.NONE, Preparation.FAILED] if failed else [Preparation.NONE]
        waiting = MediaItem.objects.filter(kind__in=PREPARED_KINDS, preparation__in=states).order_by("pk")
        queued, last = 0, 0
        while chunk := list(waiting.filter(pk__gt=last).only("pk", "kind")[:batch]):
            queued += services.queue_variants(items=chunk)
            last = chunk[-1].pk
        self.stdout.write(f"Queued the light copies of {queued} file(s); `manage.py run_worker` makes them.")
