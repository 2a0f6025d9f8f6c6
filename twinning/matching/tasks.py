"""Background jobs of matching (`manage.py run_worker` is the worker)."""

from twinning.common.jobs import job
from twinning.matching import services


def _stopped(*, run_id: int, error: str) -> None:
    services.mark_cohort_run_stopped(run_id=run_id)


# A run that stopped with its worker three times is marked failed, with a button to run it again.
@job("matching.run_cohort", max_attempts=3, on_failure=_stopped)
def run_cohort(*, run_id: int) -> None:
    services.execute_cohort_run(run_id)
