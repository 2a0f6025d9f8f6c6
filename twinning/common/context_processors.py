from django.conf import settings

from twinning.common.i18n import current_language, direction


def site(request):
    language = current_language()
    return {
        "html_lang": language,
        "html_dir": direction(language),
        "interface_languages": settings.LANGUAGES,
        "data_saver": getattr(request, "data_saver", False),
    }
