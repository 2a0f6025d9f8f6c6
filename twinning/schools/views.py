from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from twinning.accounts import oidc, sessions, throttle
from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.http import redirect_back
from twinning.common.keyset import keyset_page
from twinning.common.net import client_address
from twinning.schools import queries, rules, services
from twinning.schools.forms import (
    AccountSignUpForm,
    MembershipRequestForm,
    ProgrammeRulesForm,
    QueueFilterForm,
    RejectForm,
    SchoolForm,
    SignupDomainsForm,
    TeacherSignUpForm,
)
from twinning.schools.models import Country, School, ValidationStatus

PAGE_SIZE = 25


def _back(request):
    """Back to the page the decision was taken on (the queue with its filters, or a detail page)."""
    return redirect_back(request, request.POST.get("next", ""), "schools:queue")


def _signup_school_choices(form: TeacherSignUpForm) -> list[School]:
    """The schools to offer as radio buttons: the matches for the search, and the one chosen."""
    country = form.data.get("country", "")
    search = (form.data.get("school_search") or "").strip()
    choices = []
    if country and len(search) >= 2:
        choices = list(queries.schools_for_signup(country=country, search=search)[:15])
    chosen = form.data.get("school")
    if chosen and chosen.isdigit() and all(str(s.pk) != chosen for s in choices):
        school = School.objects.filter(pk=chosen, status=ValidationStatus.VALIDATED).first()
        if school is not None:
            choices.insert(0, school)
    return choices


def _signups_paused(form: TeacherSignUpForm, address: str) -> bool:
    """Count a sign-up from this client address; when it has sent too many this hour, say so on the form."""
    try:
        throttle.count_within_hour(
            scope=throttle.Scope.SIGNUP,
            key=throttle.address_key(address),
            limit=settings.SIGNIN_THROTTLE["SIGNUPS_PER_HOUR"],
        )
    except throttle.Refused as refused:
        # What was typed stays in the form; the person can send it again later.
        form.add_error(
            None,
            ngettext(
                "Many people have joined from your network in the last hour. Please try again in %(minutes)d minute.",
                "Many people have joined from your network in the last hour. Please try again in %(minutes)d minutes.",
                refused.minutes,
            )
            % {"minutes": refused.minutes},
        )
        return True
    return False


def signup(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    if request.method == "POST":
        form = TeacherSignUpForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            address = client_address(request)
            if _signups_paused(form, address):
                return _signup_page(request, form, status=429)
            try:
                services.register_teacher(
                    full_name=data["full_name"],
                    email=data["email"],
                    password=data["password1"],
                    language=request.LANGUAGE_CODE,
                    time_zone=data["school"].time_zone if data["school"] else data["new_school_time_zone"],
                    school=data["school"],
                    new_school=form.new_school(),
                    subjects=list(data["subjects"]),
                    languages=list(data["languages"]),
                    address=address,
                    programme=data.get("programme"),
                )
            except ServiceError as error:
                form.add_error(None, error.message)
            else:
                # The same answer whether the address was new (an account is waiting for its
                # confirmation) or already had an account (its owner has been told by e-mail).
                return redirect("schools:signup_sent")
    else:
        # A programme's "how to join" links here with ?programme=<slug>: the form chooses it.
        form = TeacherSignUpForm(
            initial={"country": request.GET.get("country"), "programme": request.GET.get("programme")}
        )
    return _signup_page(request, form)


@require_POST
def signup_find_school(request):
    """ "Find my school" without JavaScript: the sign-up form's second button posts it here to show
    the matches. Everything typed is kept, and nothing is said about errors until the person
    actually signs up. It posts, not gets, because the form holds the chosen password."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    return _signup_page(request, TeacherSignUpForm(request.POST), searching=True)


def _signup_page(request, form: TeacherSignUpForm, *, searching: bool = False, status: int = 200):
    return render(
        request,
        "schools/signup.html",
        {
            "form": form,
            "searching": searching,
            "school_choices": _signup_school_choices(form),
            "chosen": str(form.data.get("school", "")),
            "oidc_providers": oidc.allow_forms_to_providers(request),
        },
        status=status,
    )


def signup_with_account(request):
    """The rest of a sign-up through a school's account (``accounts.oidc_views``): the provider has
    vouched for the name and the verified address; the teacher says what they teach and chooses or
    registers their school, as on the usual form. The NSO then validates them as any teacher."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    identity = oidc.signup_identity(request)
    if identity is None:
        messages.error(request, _("Your sign-up with your school account took too long or did not start. Start again."))
        return redirect("schools:signup")
    if request.method == "POST":
        form = AccountSignUpForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            address = client_address(request)
            if _signups_paused(form, address):
                return _account_signup_page(request, form, identity, status=429)
            try:
                teacher = services.register_teacher(
                    full_name=data["full_name"],
                    email=identity.email,
                    password=None,
                    language=request.LANGUAGE_CODE,
                    time_zone=data["school"].time_zone if data["school"] else data["new_school_time_zone"],
                    school=data["school"],
                    new_school=form.new_school(),
                    subjects=list(data["subjects"]),
                    languages=list(data["languages"]),
                    address=address,
                    programme=data.get("programme"),
                    identity=identity,
                )
            except ServiceError as error:
                form.add_error(None, error.message)
            else:
                if teacher is None:  # never: a sign-up with an identity is refused rather than hidden
                    raise Http404
                oidc.forget_signup_identity(request)
                messages.success(
                    request,
                    _("Welcome! Your national support organisation will now check that you teach at %(school)s.")
                    % {"school": teacher.school.name},
                )
                return redirect(sessions.sign_in(request, teacher.user, next_url=reverse("dashboard")))
    else:
        form = AccountSignUpForm(initial={"full_name": identity.name, "programme": request.GET.get("programme")})
    return _account_signup_page(request, form, identity)


@require_POST
def signup_with_account_find_school(request):
    """ "Find my school" without JavaScript, on the sign-up through a school account (see ``signup_find_school``)."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    identity = oidc.signup_identity(request)
    if identity is None:
        return redirect("schools:signup")
    return _account_signup_page(request, AccountSignUpForm(request.POST), identity, searching=True)


def _account_signup_page(request, form, identity, *, searching: bool = False, status: int = 200):
    return render(
        request,
        "schools/signup_with_account.html",
        {
            "form": form,
            "identity": identity,
            "provider": oidc.provider_named(identity.provider),
            "searching": searching,
            "school_choices": _signup_school_choices(form),
            "chosen": str(form.data.get("school", "")),
        },
        status=status,
    )


def signup_sent(request):
    """After a sign-up: check your e-mail. Shown whatever the address was (see ``signup``)."""
    return render(request, "schools/signup_sent.html")


def signup_school_search(request):
    """htmx: the schools matching what is typed, as the radio buttons of the sign-up form."""
    form = TeacherSignUpForm(request.GET)
    return render(
        request,
        "schools/_school_choices.html",
        {
            "school_choices": _signup_school_choices(form),
            "chosen": request.GET.get("school", ""),
        },
    )


@login_required
def validation_queue(request):
    if not rules.can_validate(request.user):
        raise Http404
    countries = list(queries.countries_for_staff(request.user))
    filters = QueueFilterForm(request.GET, countries=countries)
    filters.is_valid()
    search, country = filters.cleaned_data.get("q", ""), filters.cleaned_data.get("country", "")
    page = keyset_page(
        request,
        queries.validation_queue_for_staff(request.user, country=country, search=search),
        keys=queries.QUEUE_KEYS,
        size=PAGE_SIZE,
    )
    counting = services.kept_counts()
    return render(
        request,
        "schools/queue.html",
        {
            "page": page,
            "filters": filters,
            "countries": countries,
            "pending_schools": queries.pending_schools_for_staff(request.user)[:PAGE_SIZE],
            "counts": queries.validation_counts_for_staff(request.user, counting),
            "counted_at": counting.counted_at,
            "count_every": services.COUNT_EVERY_MINUTES,
            "reject_form": RejectForm(),
            "managed_nsos": rules.nsos_managed_by(request.user),
        },
    )


def _teacher_page(request, teacher, *, reject_form, status=200):
    return render(
        request,
        "schools/teacher_validation.html",
        {
            "teacher": teacher,
            "history": keyset_page(
                request, audit.entries_for(teacher), keys=audit.HISTORY_KEYS, size=50, prefix="history_"
            ),
            "school_history": keyset_page(
                request, audit.entries_for(teacher.school), keys=audit.HISTORY_KEYS, size=20, prefix="school_history_"
            ),
            "reject_form": reject_form,
        },
        status=status,
    )


@login_required
def teacher_for_validation(request, pk):
    return _teacher_page(request, rules.get_teacher_for_validator(request.user, pk), reject_form=RejectForm())


@login_required
@require_POST
def approve_teacher(request, pk):
    teacher = rules.get_teacher_for_validator(request.user, pk)
    # Validating the first teacher of a new school validates the school too (the button says so).
    new_school = teacher.school.status == ValidationStatus.PENDING
    try:
        services.approve_teacher(teacher=teacher, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        names = {"name": teacher.user.full_name, "school": teacher.school.name}
        if new_school:
            done = _("%(name)s and the new school %(school)s are validated; %(name)s has been told by e-mail.")
        else:
            done = _("%(name)s is validated and has been told by e-mail.")
        messages.success(request, done % names)
    return _back(request)


@login_required
@require_POST
def reject_teacher(request, pk):
    teacher = rules.get_teacher_for_validator(request.user, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _teacher_page(request, teacher, reject_form=form, status=400)
    try:
        services.reject_teacher(teacher=teacher, by=request.user, reason=form.cleaned_data["reason"])
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(name)s has been told, with your reason, by e-mail.") % {"name": teacher.user.full_name}
        )
    return _back(request)


@login_required
@require_POST
def approve_school(request, pk):
    school = rules.get_school_for_validator(request.user, pk)
    try:
        services.approve_school(school=school, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(school)s is validated.") % {"school": school.name})
    return redirect("schools:queue")


@login_required
@require_POST
def reject_school(request, pk):
    school = rules.get_school_for_validator(request.user, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why, so the school knows what to change."))
        return redirect("schools:queue")
    try:
        services.reject_school(school=school, by=request.user, reason=form.cleaned_data["reason"])
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(school)s was turned down.") % {"school": school.name})
    return redirect("schools:queue")


@login_required
@require_POST
def vouch_for_teacher(request, pk):
    teacher = rules.get_teacher_for_principal(request.user, pk)
    try:
        services.vouch_for_teacher(teacher=teacher, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Thank you: the NSO will see that you vouched for %(name)s.") % {"name": teacher.user.full_name}
        )
    return redirect("dashboard")


@login_required
@require_POST
def resubmit(request):
    """A turned-down teacher asks their national support organisation to look at them again."""
    if not rules.may_resubmit(request.user):
        raise Http404
    try:
        services.resubmit_teacher(teacher=request.user.teacher)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your national support organisation will look at your profile again."))
    return redirect("dashboard")


@login_required
def school_detail(request, pk):
    school = rules.get_school_for_user(request.user, pk)
    # Pupils see a school's page without its teachers.
    sees_teachers = rules.may_browse_schools(request.user)
    page = None
    if sees_teachers:
        page = keyset_page(request, queries.validated_teachers_of(school), keys=queries.TEACHER_KEYS, size=PAGE_SIZE)
    # The school's own people see its requests to programmes and ask to join others.
    asks = rules.may_request_membership(request.user, school)
    open_programmes = queries.programmes_open_to(school) if asks else None
    return render(
        request,
        "schools/school_detail.html",
        {
            "school": school,
            "page": page,
            "sees_teachers": sees_teachers,
            "can_edit": rules.school_editable_by(request.user, school),
            "can_propose": rules.may_propose_to(request.user, school),
            "is_principal": rules.is_principal_of(request.user, school),
            "responsiveness": queries.responsiveness_of([school.pk]).get(school.pk),
            "may_request_membership": asks,
            "memberships": list(queries.memberships_of(school)) if asks else [],
            "join_form": MembershipRequestForm(programmes=open_programmes) if open_programmes else None,
        },
    )


@login_required
def edit_school(request, pk):
    school = rules.get_school_for_editor(request.user, pk)
    form = SchoolForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields if name != "languages"}
        try:
            services.update_school(
                school=school, by=request.user, fields=fields, languages=list(form.cleaned_data["languages"])
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The school's details are saved."))
            return redirect("schools:detail", pk=school.pk)
    return render(request, "schools/school_edit.html", {"school": school, "form": form})


@login_required
def school_directory(request):
    if not rules.may_browse_schools(request.user):
        raise Http404
    search = request.GET.get("q", "").strip()[:100]
    country = request.GET.get("country", "")
    page = keyset_page(
        request,
        queries.schools_for_directory(request.user, search=search, country=country),
        keys=queries.DIRECTORY_KEYS,
        size=PAGE_SIZE,
    )
    return render(
        request,
        "schools/directory.html",
        {
            "page": page,
            "search": search,
            "country": country,
            "countries": Country.objects.all(),
        },
    )


@login_required
def nso_settings(request, pk: int):
    """An NSO's staff restrict the sign-up of its schools' teachers to their education domains."""
    nso = rules.get_nso_for_staff(request.user, pk)
    if request.method == "POST":
        form = SignupDomainsForm(request.POST)
        if form.is_valid():
            try:
                services.set_signup_domains(nso=nso, by=request.user, domains=form.cleaned_data["domains"])
            except ServiceError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Saved: teachers of your schools now join as these settings say."))
                return redirect("schools:nso_settings", pk=nso.pk)
    else:
        form = SignupDomainsForm(initial={"domains": nso.signup_domains})
    return render(request, "schools/nso_settings.html", {"nso": nso, "form": form})


@login_required
def programme_rules(request, slug: str):
    """A programme's pairing rules: its administrators and coordinators (and the platform's) change them."""
    programme = rules.get_programme_for_rules(request.user, slug)
    form = ProgrammeRulesForm(
        request.POST or None,
        initial={
            "max_age_gap": programme.max_age_gap,
            "partners_from_other_countries": programme.partners_from_other_countries,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_programme_rules(
                programme=programme,
                by=request.user,
                max_age_gap=form.cleaned_data["max_age_gap"],
                other_country=form.cleaned_data["partners_from_other_countries"],
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The programme's pairing rules are saved."))
            return redirect("schools:programme_rules", slug=programme.slug)
    return render(request, "schools/programme_rules.html", {"programme": programme, "form": form})
