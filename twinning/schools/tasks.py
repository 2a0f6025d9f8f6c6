"""The schools' and teachers' totals counted again by the job queue, so that no page counts them
(`services.count_figures`)."""

from twinning.common.jobs import every, periodic
from twinning.schools import services


@periodic("schools.count_figures", every(minutes=services.COUNT_EVERY_MINUTES))
def count_figures() -> dict:
    """Every quarter of an hour: the validated schools and teachers, and the recent decisions, per group of
    schools, counted again."""
    counting = services.count_figures()
    return {"groups": counting.groups.count(), "counted_at": counting.counted_at.isoformat()}
