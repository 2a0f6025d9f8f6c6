from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The JSON API (`/api/v1/`) and the personal access tokens that open it.

    The top layer: each operation reads through the apps' own access functions and writes through
    their services, so the API holds no second copy of a permission or a write.
    """

    name = "twinning.api"
    label = "api"
    verbose_name = _("API")
