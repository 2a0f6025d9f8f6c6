"""Background jobs of onboarding: the invitations' e-mails."""

from twinning.common.jobs import job
from twinning.onboarding import services


@job("onboarding.send_invitations", max_attempts=5)
def send_invitations(*, invitation_ids: list[int]) -> int:
    """The e-mails of a batch of invitations, each in its teacher's language (safe to run again)."""
    return services.send_invitation_mails(invitation_ids=invitation_ids)
