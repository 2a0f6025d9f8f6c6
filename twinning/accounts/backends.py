"""The one way a password is checked: by e-mail or pupil username, throttled (see ``accounts.throttle``)."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from twinning.accounts import throttle
from twinning.accounts.models import User, normalise_login
from twinning.common.net import client_address


class SignInBackend(ModelBackend):
    """Django's model backend with the throttle around the password check.

    While an account or an address is paused, ``authenticate`` stops at once (no password is
    checked) and the request carries ``sign_in_refused`` (a ``throttle.Refused``) for the page
    that tells the person how long to wait.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        login = normalise_login(username)
        try:
            user = User.objects.get_by_natural_key(login)
        except User.DoesNotExist:
            user = None
        address = client_address(request) if request is not None else ""
        try:
            attempt = throttle.begin(login=login, user=user, address=address)
        except throttle.Refused as refused:
            if request is not None:
                request.sign_in_refused = refused
            # Stops Django trying any other backend, and sends user_login_failed.
            raise PermissionDenied from None
        if user is None:
            # As long as a real check, so the answer's timing does not tell that no account exists.
            User().set_password(password)
            correct = False
        else:
            correct = user.check_password(password) and self.user_can_authenticate(user)
        if correct:
            throttle.succeeded(attempt)
            return user
        throttle.failed(attempt, user=user)
        return None
