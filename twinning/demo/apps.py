from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo network (`manage.py load_demo`, `manage.py demo_code`). The top layer: it writes
    through every app's services and models, and no app imports it."""

    name = "twinning.demo"
    label = "demo"
