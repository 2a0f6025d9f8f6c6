"""The reports' figures counted again by the job queue, so that no page counts them
(`services.refresh_kept_reports`)."""

from twinning.common.jobs import every, job, periodic
from twinning.reporting import services


@periodic("reporting.refresh_figures", every(minutes=services.REFRESH_MINUTES))
def refresh_figures() -> dict:
    """Every hour: the whole network's report figures and those of every scope read lately, counted again."""
    return services.refresh_kept_reports()


@job("reporting.count_scope")
def count_scope(*, scope: str) -> bool:
    """Once, for a person just given a role that reads reports: their scope's figures, if none are kept yet."""
    return services.count_scope(scope)
