from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "twinning.accounts"
    label = "accounts"
    verbose_name = _("People")

    def ready(self):
        # Imported when every app is loaded: sessions reads the models.
        from django.contrib.auth.signals import user_logged_in

        from twinning.accounts import sessions

        user_logged_in.connect(sessions.on_user_logged_in, dispatch_uid="twinning.accounts.sessions.start")
