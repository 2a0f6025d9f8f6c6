from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "twinning.meetings"
    label = "meetings"
    verbose_name = _("Meetings and school calendars")

    def ready(self) -> None:
        # A school registered at sign-up keeps the region its teacher gave, for its holidays.
        from twinning.meetings.services import new_school_calendar  # ready(): the app registry is loaded
        from twinning.schools.services import add_new_school_step

        add_new_school_step(new_school_calendar)
