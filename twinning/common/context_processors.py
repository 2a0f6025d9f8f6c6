from django.conf import settings

from twinning.common.i18n import current_language, direction
from twinning.common.offline import device_key


def site(request):
    language = current_language()
    user = getattr(request, "user", None)
    return {
        "html_lang": language,
        "html_dir": direction(language),
        "interface_languages": settings.LANGUAGES,
        # The name of this person's offline copies on the device (common.offline, common/offline.js).
        "offline_key": device_key(user) if user is not None and user.is_authenticated else "",
        "data_saver": getattr(request, "data_saver", False),
    }
