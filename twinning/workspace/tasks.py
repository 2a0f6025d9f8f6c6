"""Background jobs of the workspace: the light copies of shared photos, clips and sounds."""

from twinning.common.jobs import job
from twinning.workspace import services


def _failed(*, error: str, item_id: int) -> None:
    services.variants_failed(item_id=item_id, error=error)


@job("workspace.prepare_media", max_attempts=3, on_failure=_failed)
def prepare_media(*, item_id: int) -> int:
    """Thumbnails and screen sizes of a photo, 360p/720p copies and a poster of a clip, a compact
    sound (safe to run again: a second run replaces the first one's copies)."""
    return services.prepare_variants(item_id=item_id)
