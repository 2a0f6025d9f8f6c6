from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "twinning.common"
    label = "common"
    verbose_name = _("Common")

    def ready(self):
        # Every app's background jobs (`<app>/tasks.py`) are declared before a worker asks for them.
        autodiscover_modules("tasks")
        # Every app's notification kinds (`<app>/notifications.py`), so a notification says what its
        # app declared and `notify` refuses a kind that nobody did.
        autodiscover_modules("notifications")
        # How each app's audit entries read in an object's history (`<app>/history.py`).
        autodiscover_modules("history")
        # The privacy register: what personal data each app holds and how it is exported and erased
        # (`<app>/privacy.py`, and common's own tables in `personal_data.py`).
        import twinning.common.personal_data  # noqa: F401  # registers common's own models

        autodiscover_modules("privacy")
        # Reference data kept in memory is read again when one of its rows changes.
        from twinning.common import reference  # ready(): the models are loaded now

        reference.watch()
