"""The roles page: who holds which role in the viewer's scope, appointing and removing, the history.

One view per action. Anything out of the viewer's reach (a school, a role) is a 404; a scope that is
not theirs, posted by hand, is a form error; nothing is ever granted outside their scope.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from twinning.accounts import queries, rules, services
from twinning.accounts.models import Role, User
from twinning.accounts.role_forms import AppointForm, AppointPrincipalForm, RemoveRoleForm
from twinning.common.errors import ServiceError
from twinning.common.keyset import keyset_page
from twinning.schools.models import NSO, Programme, ValidationStatus

PAGE_SIZE = 25

# What the appointer is told, one whole sentence per kind of role.
GRANTED = {
    Role.Kind.NSO_STAFF: _("%(name)s is now on the staff of %(scope)s, and has been told."),
    Role.Kind.COORDINATOR: _("%(name)s is now a pedagogic coordinator of %(scope)s, and has been told."),
    Role.Kind.PRINCIPAL: _("%(name)s is now a principal of %(scope)s, and has been told."),
    Role.Kind.PROGRAMME_ADMIN: _("%(name)s is now an administrator of the programme %(scope)s, and has been told."),
}
REMOVED = {
    Role.Kind.NSO_STAFF: _("%(name)s is no longer on the staff of %(scope)s, and has been told."),
    Role.Kind.COORDINATOR: _("%(name)s is no longer a pedagogic coordinator of %(scope)s, and has been told."),
    Role.Kind.PRINCIPAL: _("%(name)s is no longer a principal of %(scope)s, and has been told."),
    Role.Kind.PROGRAMME_ADMIN: _(
        "%(name)s is no longer an administrator of the programme %(scope)s, and has been told."
    ),
}


def _manager(request):
    if not rules.may_manage_roles(request.user):
        raise Http404


def _coordinator_form(user, data=None, email: str = "") -> AppointForm | None:
    nsos, programmes = rules.coordinator_scopes_for(user)
    scopes = [*nsos, *programmes]
    return AppointForm(data, scopes=scopes, prefix="coordinator", initial={"email": email}) if scopes else None


def _admin_form(user, model, kind: str, data=None, email: str = "") -> AppointForm | None:
    """The form for a role only administrators appoint, in any NSO or programme; None for others."""
    if not rules.may_appoint_kind(user, kind):
        return None
    return AppointForm(data, scopes=list(model.objects.all()), prefix=kind, initial={"email": email})


def _roles_page(request, *, bound: dict | None = None, status: int = 200):
    """The page, with a posted form and its errors in place of its empty one."""
    user = request.user
    kinds = [(value, label) for value, label in Role.Kind.choices if value in rules.kinds_managed_by(user)]
    kind = request.GET.get("kind", "")
    if kind not in dict(kinds):
        kind = ""
    search = request.GET.get("school", "").strip()[:100]
    # "Appoint" beside a person found below: their address is written into the forms.
    email = request.GET.get("email", "").strip()[:254]
    forms = {
        "coordinator_form": _coordinator_form(user, email=email),
        "nso_staff_form": _admin_form(user, NSO, Role.Kind.NSO_STAFF, email=email),
        "programme_admin_form": _admin_form(user, Programme, Role.Kind.PROGRAMME_ADMIN, email=email),
        **(bound or {}),
    }
    person_search = request.GET.get("person", "").strip()[:100]
    people = keyset_page(
        request,
        queries.people_for_appointer(user, search=person_search),
        keys=queries.PEOPLE_KEYS,
        size=PAGE_SIZE,
        prefix="people_",
    )
    principal_schools = set(
        rules.schools_for_principals_by(user)
        .filter(pk__in=[p.teacher.school_id for p in people if hasattr(p, "teacher")])
        .values_list("pk", flat=True)
    )
    page = keyset_page(request, queries.roles_for_manager(user, kind=kind), keys=queries.ROLE_KEYS, size=PAGE_SIZE)
    return render(
        request,
        "accounts/roles.html",
        {
            **forms,
            "page": page,
            "kind": kind,
            "kinds": kinds,
            "appoints_principals": rules.may_appoint_kind(user, Role.Kind.PRINCIPAL),
            "school_search": search,
            "person_search": person_search,
            "people": people,
            "principal_schools": principal_schools,
            "schools": queries.schools_for_principals(user, search=search),
            "history": queries.role_history_for(user),
        },
        status=status,
    )


@login_required
def roles(request):
    _manager(request)
    return _roles_page(request)


def _appoint(request, *, kind: str, form: AppointForm, form_name: str):
    if not form.is_valid():
        return _roles_page(request, bound={form_name: form}, status=400)
    person, scope = form.cleaned_data["email"], form.cleaned_data["scope"]
    try:
        services.grant_role(by=request.user, person=person, kind=kind, scope=scope, reason=form.cleaned_data["reason"])
    except ServiceError as error:
        form.add_error(None, error.message)
        return _roles_page(request, bound={form_name: form}, status=400)
    messages.success(request, GRANTED[kind] % {"name": person.full_name, "scope": scope.name})
    return redirect("accounts:roles")


@login_required
@require_POST
def appoint_coordinator(request):
    _manager(request)
    form = _coordinator_form(request.user, request.POST)
    if form is None:
        raise Http404
    return _appoint(request, kind=Role.Kind.COORDINATOR, form=form, form_name="coordinator_form")


@login_required
@require_POST
def appoint_nso_staff(request):
    form = _admin_form(request.user, NSO, Role.Kind.NSO_STAFF, request.POST)
    if form is None:
        raise Http404
    return _appoint(request, kind=Role.Kind.NSO_STAFF, form=form, form_name="nso_staff_form")


@login_required
@require_POST
def appoint_programme_admin(request):
    form = _admin_form(request.user, Programme, Role.Kind.PROGRAMME_ADMIN, request.POST)
    if form is None:
        raise Http404
    return _appoint(request, kind=Role.Kind.PROGRAMME_ADMIN, form=form, form_name="programme_admin_form")


# --- A school's principals ----------------------------------------------------------------------


def _school_teachers(school):
    return User.objects.filter(
        teacher__school=school, teacher__status=ValidationStatus.VALIDATED, teacher__left_at__isnull=True
    ).order_by("full_name", "pk")


def _school_page(request, school, *, form=None, status: int = 200):
    return render(
        request,
        "accounts/school_roles.html",
        {
            "school": school,
            "principals": queries.principals_of(school),
            "form": form
            or AppointPrincipalForm(
                teachers=_school_teachers(school), initial={"email": request.GET.get("email", "").strip()[:254]}
            ),
        },
        status=status,
    )


@login_required
def school_roles(request, pk: int):
    """A school's principals, and the form to appoint one."""
    return _school_page(request, rules.get_school_for_principals(request.user, pk))


@login_required
@require_POST
def appoint_principal(request, pk: int):
    school = rules.get_school_for_principals(request.user, pk)
    form = AppointPrincipalForm(request.POST, teachers=_school_teachers(school))
    if not form.is_valid():
        return _school_page(request, school, form=form, status=400)
    person = form.cleaned_data["person"]
    try:
        services.grant_role(
            by=request.user, person=person, kind=Role.Kind.PRINCIPAL, scope=school, reason=form.cleaned_data["reason"]
        )
    except ServiceError as error:
        form.add_error(None, error.message)
        return _school_page(request, school, form=form, status=400)
    messages.success(request, GRANTED[Role.Kind.PRINCIPAL] % {"name": person.full_name, "scope": school.name})
    return redirect("accounts:school_roles", pk=school.pk)


# --- Removing a role ----------------------------------------------------------------------------


@login_required
def remove_role(request, pk: int):
    """Asks why, then removes the role (a GET shows the question, a POST removes)."""
    role = rules.get_role_for_manager(request.user, pk)
    form = RemoveRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_role(by=request.user, role=role, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, REMOVED[role.kind] % {"name": role.user.full_name, "scope": role.scope.name})
            if (
                role.kind == Role.Kind.PRINCIPAL
                and rules.schools_for_principals_by(request.user).filter(pk=role.school_id).exists()
            ):
                return redirect("accounts:school_roles", pk=role.school_id)
            return redirect("accounts:roles")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/remove_role.html", {"role": role, "form": form}, status=status)
