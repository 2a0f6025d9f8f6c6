"""One GET to a provider, with a short timeout: every way it can fail becomes a RoomError."""

from __future__ import annotations

import urllib.error
import urllib.request

from twinning.meetings.rooms import RoomError

MAX_BODY = 1_000_000  # an API answer is a few hundred bytes; more is not an answer


def get(url: str, *, timeout: float) -> bytes:
    """The body of a 2xx answer; RoomError(UNREACHABLE) for a closed port, a timeout or an HTTP error."""
    if not url.startswith(("https://", "http://")):
        raise RoomError(RoomError.NOT_CONFIGURED, "The provider's address must start with https:// or http://.")
    request = urllib.request.Request(url, headers={"Accept": "application/xml, text/xml"})  # noqa: S310  # scheme checked above
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # nosec B310  # scheme checked above
            body: bytes = response.read(MAX_BODY + 1)
    except urllib.error.HTTPError as error:
        raise RoomError(RoomError.UNREACHABLE, f"The provider answered HTTP {error.code}.") from error
    except TimeoutError as error:
        raise RoomError(RoomError.UNREACHABLE, f"The provider did not answer within {timeout:g} s.") from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            raise RoomError(RoomError.UNREACHABLE, f"The provider did not answer within {timeout:g} s.") from error
        raise RoomError(RoomError.UNREACHABLE, f"The provider could not be reached: {reason}.") from error
    if len(body) > MAX_BODY:
        raise RoomError(RoomError.REFUSED, "The provider's answer is too long to be an API answer.")
    return body
