"""The framework's sentences that Django's own Hebrew or Arabic catalogue leaves in English.

People see them: password rules on sign-up, form errors, the admin site's password pages. Naming
them here keeps them in the project's catalogues (``make messages``), where they are translated;
Django reads the project's catalogues first. ``common/tests/test_translations.py`` looks up every
sentence of Django's catalogues in each language and fails on one that stays in English, so a new
Django version's new sentence shows up as a failing test, to be added here and translated.
"""

# ruff: noqa: E501 (each sentence is Django's, character for character, so it stays on one line)
from django.utils.translation import gettext_noop, ngettext_lazy

SENTENCES = (
    gettext_noop("Central Kurdish (Sorani)"),
    gettext_noop("Malay"),
    gettext_noop("Uyghur"),
    gettext_noop("Enter a valid domain name."),
    gettext_noop("Enter a valid %(protocol)s address."),
    gettext_noop("Ensure this value is a multiple of step size %(limit_value)s."),
    gettext_noop(
        "Ensure this value is a multiple of step size %(limit_value)s, starting from %(offset)s, e.g. %(offset)s, %(valid_value1)s, %(valid_value2)s, and so on."
    ),
    gettext_noop("Constraint “%(name)s” is violated."),
    gettext_noop("String (unlimited)"),
    gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice."),
    gettext_noop("Conflicting form data submitted. Please try again."),
    gettext_noop("Password-based authentication was disabled."),
    gettext_noop("Set password: %s"),
    gettext_noop("Reset password"),
    gettext_noop(
        "Whether the user will be able to authenticate using a password or not. If disabled, they may still be able to authenticate using other backends, such as Single Sign-On or LDAP."
    ),
    gettext_noop("Password-based authentication"),
    gettext_noop("Enabled"),
    gettext_noop("Disabled"),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
    gettext_noop("Enable password-based authentication for this user by setting a password."),
    gettext_noop(
        "Enter a valid username. This value may contain only unaccented lowercase a-z and uppercase A-Z letters, numbers, and @/./+/-/_ characters."
    ),
    # The admin site, used by the platform's administrators.
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Error:"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("In case you’ve forgotten, you are:"),
)

PLURALS = (
    ngettext_lazy("Please submit at most %(num)d form.", "Please submit at most %(num)d forms.", "count"),
    ngettext_lazy("Please submit at least %(num)d form.", "Please submit at least %(num)d forms.", "count"),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "count",
    ),
)
