"""Parents' consent in the demo: every answer a family can give, through the consent services.

Pupils in the demo's twinnings take turns: one family agreed to everything on paper, one in part
through its link, one refused, one agreed and then withdrew, one has not answered its e-mail yet,
and one was never asked. The e-mail addresses are at example.org.
"""

from twinning.accounts.models import Pupil
from twinning.consent import services
from twinning.consent.models import Use

STATES = ("agreed", "partial", "refused", "withdrawn", "pending", "none")
LANGUAGES = ("he", "ar", "en")


def _every(value: bool, **but: bool) -> dict[str, bool]:
    return {use: but.get(use, value) for use in Use.values}


def load_consent() -> dict[str, int]:
    """Answers for the pupils who have a teacher; returns how many pupils were left in each state."""
    counts = dict.fromkeys(STATES, 0)
    pupils = Pupil.objects.filter(created_by__isnull=False).select_related("school", "created_by", "user")
    for n, pupil in enumerate(pupils.order_by("pk")):
        state, language, teacher = STATES[n % len(STATES)], LANGUAGES[n % len(LANGUAGES)], pupil.created_by
        email = f"family.{pupil.pk}@example.org"
        if state == "agreed":
            services.record_paper_answers(pupil=pupil, by=teacher, answers=_every(True), language=language)
        elif state == "refused":
            services.record_paper_answers(pupil=pupil, by=teacher, answers=_every(False), language=language)
        elif state in ("partial", "withdrawn", "pending"):
            form = services.send_consent_link(pupil=pupil, by=teacher, email=email, language=language)
            if state == "partial":
                partial = _every(False, photos=True, live=True, voice=True)
                services.answer_by_link(form=form, answers=partial, language=language)
            elif state == "withdrawn":
                services.answer_by_link(form=form, answers=_every(True), language=language)
                services.withdraw_by_link(form=form, language=language)
        counts[state] += 1
    return counts
