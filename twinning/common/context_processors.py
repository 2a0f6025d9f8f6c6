from django.conf import settings
from django.utils import translation

from twinning.common.i18n import direction


def site(request):
    language = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "html_lang": language.split("-")[0],
        "html_dir": direction(language),
        "interface_languages": settings.LANGUAGES,
    }
