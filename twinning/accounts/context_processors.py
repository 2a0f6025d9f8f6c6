from django.utils.functional import SimpleLazyObject

from twinning.accounts.rules import roles_of
from twinning.accounts.sessions import second_step_owed
from twinning.common.notifications import unread_count
from twinning.schools.rules import can_seek_partners


def roles(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    context = {"roles": roles_of(user)}
    if user.is_authenticated:
        # A plain int: plural rules (Arabic's uses n % 100) do arithmetic on it. One indexed COUNT.
        context["unread_notifications"] = unread_count(user)
        context["can_seek_partners"] = SimpleLazyObject(lambda: can_seek_partners(user))
        # The code (or setting up an app) still owed after the password: the header offers no pages.
        context["second_step_owed"] = SimpleLazyObject(lambda: second_step_owed(request) is not None)
        # Pupils have a username and no e-mail; only then is the pupil row looked up.
        context["is_pupil"] = SimpleLazyObject(
            lambda: bool(user.username) and not user.email and hasattr(user, "pupil")
        )
    return context
