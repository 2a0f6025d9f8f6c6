"""Background jobs of matching, on the Huey queue (`manage.py run_huey` is the worker)."""

from huey.contrib.djhuey import db_task

from twinning.matching import services


@db_task()
def run_cohort(run_id: int) -> None:
    services.execute_cohort_run(run_id)
