from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShowcaseConfig(AppConfig):
    name = "twinning.showcase"
    label = "showcase"
    verbose_name = _("Programmes' public pages and showcase")

    def ready(self):
        # Imported when every app is loaded: the hook of the consent app below is filled in from here.
        from twinning.consent.services import add_withdrawal_step
        from twinning.showcase.services import remove_photos_after_withdrawal

        # A family taking back public-use consent takes their child's photos off the public pages at once.
        add_withdrawal_step(remove_photos_after_withdrawal)
