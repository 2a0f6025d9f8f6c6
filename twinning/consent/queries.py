"""Reads: a family's current answers, the state of each pupil at a glance, a link's form."""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.db.models import Prefetch

from twinning.accounts.models import Pupil
from twinning.common.school_year import current_school_year
from twinning.consent.models import ConsentAnswer, ConsentRequest, Use

# Links of consent forms are signed apart from every other signed value of the site.
LINK_SALT = "twinning.consent.link"


def link_token(form: ConsentRequest) -> str:
    """The token of the form's link: its number and random key, signed. It names nobody."""
    return signing.Signer(salt=LINK_SALT).sign(f"{form.pk}.{form.link_key}")


def request_for_token(token: str) -> ConsentRequest | None:
    """The form a link opens, or None for a link that was changed, cut or made up."""
    if not token or len(token) > 200:
        return None
    try:
        pk, key = signing.Signer(salt=LINK_SALT).unsign(token).split(".", 1)
    except (signing.BadSignature, ValueError):
        return None
    if not pk.isdigit() or not key:
        return None
    return (
        ConsentRequest.objects.filter(pk=int(pk), link_key=key)
        .select_related("pupil__school__country", "pupil__user", "created_by")
        .first()
    )


def current_answers(pupil: Pupil, *, year: int | None = None) -> dict[str, ConsentAnswer]:
    """{use: its newest answer} over all of the pupil's forms of the school year (none: no answer yet)."""
    year = current_school_year() if year is None else year
    answers: dict[str, ConsentAnswer] = {}
    rows = ConsentAnswer.objects.filter(request__pupil=pupil, request__school_year=year).order_by("-at", "-pk")
    for answer in rows:
        answers.setdefault(answer.use, answer)
    return answers


def pupils_without_consent(pupils, use: str, *, year: int | None = None) -> list[Pupil]:
    """Those of ``pupils`` whose family's newest answer of the school year to ``use`` is not a yes."""
    year = current_school_year() if year is None else year
    pupils = list(pupils)
    newest: dict[int, bool] = {}
    rows = (
        ConsentAnswer.objects.filter(request__pupil__in=[p.pk for p in pupils], request__school_year=year, use=use)
        .order_by("-at", "-pk")
        .values_list("request__pupil_id", "given")
    )
    for pupil_id, given in rows:
        newest.setdefault(pupil_id, given)
    return [pupil for pupil in pupils if not newest.get(pupil.pk, False)]


@dataclass(frozen=True)
class PupilState:
    """One pupil's consent at a glance."""

    pupil: Pupil
    state: str  # "none", "pending", "agreed", "partial", "refused", "withdrawn"
    agreed: tuple[str, ...]  # the uses agreed to
    latest: ConsentRequest | None

    @property
    def agreed_labels(self) -> list[str]:
        return [str(Use(use).label) for use in self.agreed]


def _state(requests: list[ConsentRequest]) -> tuple[str, tuple[str, ...]]:
    answers: dict[str, ConsentAnswer] = {}
    for request in requests:
        for answer in request.answers.all():
            known = answers.get(answer.use)
            if known is None or (answer.at, answer.pk) > (known.at, known.pk):
                answers[answer.use] = answer
    if not answers:
        return ("pending" if requests else "none"), ()
    agreed = tuple(use.value for use in Use if use.value in answers and answers[use.value].given)
    if any(answer.method == ConsentAnswer.Method.WITHDRAWN for answer in answers.values()) and not agreed:
        return "withdrawn", ()
    if len(agreed) == len(Use):
        return "agreed", agreed
    return ("partial" if agreed else "refused"), agreed


def consent_states_for_teacher(pupils) -> list[PupilState]:
    """Each of these pupils with their family's answers of this school year: three queries in all."""
    year = current_school_year()
    requests = ConsentRequest.objects.filter(school_year=year).prefetch_related("answers").order_by("-created_at")
    states = []
    for pupil in pupils.prefetch_related(Prefetch("consent_requests", queryset=requests, to_attr="this_year")):
        state, agreed = _state(pupil.this_year)
        states.append(PupilState(pupil=pupil, state=state, agreed=agreed, latest=next(iter(pupil.this_year), None)))
    return states


def history_of(pupil: Pupil):
    """Every answer ever recorded for the pupil, newest first, with the form it belongs to."""
    return ConsentAnswer.objects.filter(request__pupil=pupil).select_related("request", "recorded_by", "text")


def forms_of(pupil: Pupil):
    return ConsentRequest.objects.filter(pupil=pupil).select_related("created_by")
