"""The data-saver mode: no autoplay, photos only on tap, the feed as text first.

A person switches it on or off; the choice is kept on their account (``accounts.User.data_saver``)
and, for the pages read signed out, in a cookie. Without a choice it follows the browser: on when it
sends ``Save-Data: on`` (a phone's "lite mode", a metered connection).
"""

COOKIE_NAME = "data_saver"
COOKIE_AGE = 365 * 24 * 3600
CHOICES = {"on": True, "off": False}


def chosen(request) -> bool | None:
    """The person's own choice: their account's, else this device's cookie; None when they made none."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "data_saver", None) is not None:
        return user.data_saver
    return CHOICES.get(request.COOKIES.get(COOKIE_NAME, ""))


def is_on(request) -> bool:
    """Whether this page is served light: the person's choice, else what the browser asks."""
    choice = chosen(request)
    if choice is not None:
        return choice
    return request.headers.get("Save-Data", "").strip().lower() == "on"
