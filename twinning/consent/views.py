"""Parents' consent pages: the teacher's (one view per action) and the family's, reached by a link."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from twinning.common.errors import ServiceError
from twinning.common.http import no_store, stored_file_response
from twinning.common.i18n import language_codes
from twinning.common.school_year import current_school_year
from twinning.common.throttle import FailureLimit
from twinning.common.uploads import UploadRefused
from twinning.consent import queries, rules, services
from twinning.consent.forms import AnswersForm, PaperAnswersForm, SendLinkForm
from twinning.consent.models import ConsentAnswer, Use
from twinning.consent.texts import statement

# Links that do not exist one address may try in a quarter of an hour. A token cannot be guessed
# (256 random bits): this only keeps a script from hammering the page. A real link always answers.
UNKNOWN_LINKS = FailureLimit("consent-link", limit=20, window=15 * 60)


# --- The teacher's pages ------------------------------------------------------------------------


@login_required
def overview(request):
    """Every pupil of the teacher's school with their family's answers at a glance."""
    if not rules.may_manage_consent(request.user):
        raise Http404
    states = queries.consent_states_for_teacher(rules.pupils_for_consent(request.user))
    return render(request, "consent/overview.html", {"states": states, "uses": list(Use)})


def _pupil_page(request, pupil, *, send_form=None, paper_form=None, status=200):
    year = current_school_year()
    shown = statement(pupil, request.LANGUAGE_CODE, year=year)
    answers = queries.current_answers(pupil, year=year)
    return render(
        request,
        "consent/pupil.html",
        {
            "pupil": pupil,
            "rows": [(use, answers.get(use.value)) for use in Use],
            "send_form": send_form or SendLinkForm(initial={"language": request.LANGUAGE_CODE}),
            "paper_form": paper_form
            or PaperAnswersForm(questions=shown.questions, initial={"language": request.LANGUAGE_CODE}),
            "forms": queries.forms_of(pupil)[:20],
            "history": queries.history_of(pupil)[:60],
        },
        status=status,
    )


@login_required
def pupil(request, pk: int):
    return _pupil_page(request, rules.get_pupil_for_consent(request.user, pk))


@login_required
@require_POST
def send_link(request, pk: int):
    pupil = rules.get_pupil_for_consent(request.user, pk)
    form = SendLinkForm(request.POST)
    if form.is_valid():
        try:
            services.send_consent_link(
                pupil=pupil, by=request.user, email=form.cleaned_data["email"], language=form.cleaned_data["language"]
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The consent form is on its way to the family."))
            return redirect("consent:pupil", pk=pupil.pk)
    return _pupil_page(request, pupil, send_form=form, status=400)


@login_required
def paper_form(request, pk: int):
    """The printable form, the same text in each of the site's languages."""
    pupil = rules.get_pupil_for_consent(request.user, pk)
    year = current_school_year()
    versions = [statement(pupil, code, year=year) for code in language_codes()]
    return render(request, "consent/paper.html", {"pupil": pupil, "versions": versions})


@login_required
@require_POST
def record_paper(request, pk: int):
    pupil = rules.get_pupil_for_consent(request.user, pk)
    shown = statement(pupil, request.LANGUAGE_CODE, year=current_school_year())
    form = PaperAnswersForm(request.POST, request.FILES, questions=shown.questions)
    if form.is_valid():
        try:
            services.record_paper_answers(
                pupil=pupil,
                by=request.user,
                answers=form.answers(),
                language=form.cleaned_data["language"],
                scan=form.cleaned_data["scan"],
            )
        except UploadRefused as refused:
            form.add_error("scan", str(refused))
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The family's answers are recorded."))
            return redirect("consent:pupil", pk=pupil.pk)
    return _pupil_page(request, pupil, paper_form=form, status=400)


@login_required
def scan(request, pk: int):
    form = rules.get_form_for_teacher(request.user, pk)
    if not form.scan:
        raise Http404
    return stored_file_response(
        form.scan, content_type=form.scan_type, filename=form.scan.name.rsplit("/", 1)[-1], inline=False
    )


# --- The family's pages (no account: the link is the key) ---------------------------------------


def _family_language(request, form) -> str:
    """The language the teacher chose for the family, unless they picked another on the page."""
    asked = request.POST.get("language") or request.GET.get("lang")
    if asked in language_codes():
        return asked
    return form.language if form is not None else translation.get_language()


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The link is the key: never sent to another site. "no-referrer" would also blank the Origin of
    # the page's own forms, which the CSRF check then refuses.
    response["Referrer-Policy"] = "same-origin"
    return response


def _unknown_link(request):
    language = _family_language(request, None)
    with translation.override(language):
        if UNKNOWN_LINKS.exceeded(request):
            response = render(
                request, "consent/family_invalid.html", {"busy": True, "minutes": UNKNOWN_LINKS.minutes}, status=429
            )
            response["Retry-After"] = str(UNKNOWN_LINKS.window)
            return _private(response)
        UNKNOWN_LINKS.record_failure(request)
        return _private(render(request, "consent/family_invalid.html", {"busy": False}, status=404))


def _family_page(request, form, token: str, *, answers_form=None, status=200, language=None):
    language = language or _family_language(request, form)
    with translation.override(language):
        shown = statement(form.pupil, language, year=form.school_year)
        valid = rules.link_is_valid(form)
        current = queries.current_answers(form.pupil, year=form.school_year) if valid else {}
        if answers_form is None:
            answers_form = AnswersForm(
                questions=shown.questions,
                initial={use: ("yes" if answer.given else "no") for use, answer in current.items()},
            )
        response = render(
            request,
            "consent/family.html",
            {
                "form": form,
                "token": token,
                "shown": shown,
                "valid": valid,
                "answers_form": answers_form,
                "answered": bool(current),
                "withdrawn": bool(current)
                and all(a.method == ConsentAnswer.Method.WITHDRAWN and not a.given for a in current.values()),
                "agreed": [str(Use(use).label) for use, a in current.items() if a.given],
                "may_ask": rules.may_ask_for_new_link(form),
                "language": language,
                "other_languages": [(code, name) for code, name in settings.LANGUAGES if code != language],
            },
            status=status,
        )
    return _private(response)


@no_store
@require_safe
def family(request, token: str):
    """What the family reads: the twinning, who sees what, and one question per use."""
    form = queries.request_for_token(token)
    if form is None:
        return _unknown_link(request)
    return _family_page(request, form, token)


@no_store
@require_POST
def family_answer(request, token: str):
    form = queries.request_for_token(token)
    if form is None:
        return _unknown_link(request)
    language = _family_language(request, form)
    if not rules.link_is_valid(form):
        return _family_page(request, form, token, status=410, language=language)
    shown = statement(form.pupil, language, year=form.school_year)
    with translation.override(language):
        answers_form = AnswersForm(request.POST, questions=shown.questions)
        if not answers_form.is_valid():
            return _family_page(request, form, token, answers_form=answers_form, status=400, language=language)
        services.answer_by_link(form=form, answers=answers_form.answers(), language=language)
        messages.success(
            request, _("Thank you: your answers are saved. You can change them with this link at any time.")
        )
    return redirect(f"{services.link_path(token)}?lang={language}")


@no_store
@require_POST
def family_withdraw(request, token: str):
    form = queries.request_for_token(token)
    if form is None:
        return _unknown_link(request)
    language = _family_language(request, form)
    if not rules.link_is_valid(form):
        return _family_page(request, form, token, status=410, language=language)
    services.withdraw_by_link(form=form, language=language)
    with translation.override(language):
        messages.success(
            request,
            _("Your consent is withdrawn. What was shared of your child is now hidden from the partner school."),
        )
    return redirect(f"{services.link_path(token)}?lang={language}")


@no_store
@require_POST
def family_ask(request, token: str):
    """A family whose link has expired asks the teacher for a new one."""
    form = queries.request_for_token(token)
    if form is None:
        return _unknown_link(request)
    language = _family_language(request, form)
    if not rules.may_ask_for_new_link(form):
        return _family_page(request, form, token, status=400, language=language)
    services.ask_for_new_link(form=form)
    with translation.override(language):
        messages.success(request, _("The teacher has been asked to send you a new link."))
    return redirect(f"{services.link_path(token)}?lang={language}")
