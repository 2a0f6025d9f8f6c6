"""Background jobs of the API: client tokens are short-lived, and removed a day after they expire."""

from twinning.api import services
from twinning.common.jobs import daily, periodic


@periodic("api.forget_client_tokens", daily(hour=3, minute=50))
def forget_client_tokens() -> int:
    return services.forget_expired_client_tokens()
