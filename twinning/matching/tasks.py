"""Background jobs of matching (`manage.py run_worker` is the worker)."""

from twinning.common.jobs import every, job, periodic
from twinning.common.school_year import current_school_year
from twinning.matching import services


def _stopped(*, run_id: int, error: str) -> None:
    services.mark_cohort_run_stopped(run_id=run_id)


# A run that stopped with its worker three times is marked failed, with a button to run it again.
@job("matching.run_cohort", max_attempts=3, on_failure=_stopped)
def run_cohort(*, run_id: int) -> None:
    services.execute_cohort_run(run_id)


# The partner-search index, built where the web processes of this machine map it. Queued by a web
# process that finds none built yet, or too many schools changed since the last build.
@job("matching.build_search_index", max_attempts=3)
def build_search_index(*, school_year: int) -> None:
    services.build_search_index(school_year=school_year)


# Every ten minutes the changes since the last build are folded into a new one (nothing is done
# when nothing changed). With web processes on several machines, each machine runs a worker
# that builds its own copy, or the folder is one shared volume (docs/architecture.md).
@periodic("matching.refresh_search_index", every(minutes=10))
def refresh_search_index() -> None:
    services.build_search_index(school_year=current_school_year())
