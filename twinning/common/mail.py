"""E-mail to one person, written in that person's own language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from twinning.common.i18n import direction


def send_to_person(*, user, template: str, context: dict) -> None:
    """Render ``<template>_subject.txt``, ``.txt`` and ``.html`` in the recipient's language and send.

    The HTML part carries ``lang`` and ``dir`` so Hebrew and Arabic mail reads right-to-left.
    """
    if not user.email:
        return
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            **context,
            "recipient": user,
            "site_url": settings.SITE_URL,
            "mail_lang": language,
            "mail_dir": direction(language),
        }
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()
