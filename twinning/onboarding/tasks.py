"""Background jobs of onboarding: a checked file's import, and the invitations' e-mails."""

from twinning.common.jobs import job
from twinning.onboarding import services


@job("onboarding.send_invitations", max_attempts=5)
def send_invitations(*, invitation_ids: list[int]) -> int:
    """The e-mails of a batch of invitations, each in its teacher's language (safe to run again)."""
    return services.send_invitation_mails(invitation_ids=invitation_ids)


@job("onboarding.run_import", max_attempts=3)
def run_queued_import(*, import_file_id: int, by_id: int, separate: list[int]) -> dict:
    """A checked file's import, queued from its page (safe to run again: a file imported already is left)."""
    return services.import_queued(import_file_id=import_file_id, by_id=by_id, separate=separate)
