from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The front page and the dashboard. The top layer: it reads every app below it, none reads it."""

    name = "twinning.home"
    label = "home"
