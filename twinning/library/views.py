"""The activity library's pages: search, an activity, writing and reviewing versions, adding to a plan."""

import difflib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from twinning.common.errors import ServiceError
from twinning.common.http import stored_file_response
from twinning.common.i18n import current_language
from twinning.common.keyset import count_at_most, keyset_page
from twinning.common.uploads import UploadRefused
from twinning.library import queries, rules, services
from twinning.library.forms import AddToPlanForm, AttachmentForm, ReviewForm, SearchForm, VersionForm, WithdrawForm
from twinning.library.models import Activity, Attachment, Version

PAGE_SIZE = 20
REVIEW_SIZE = 50
# The fields a reviewer compares with the published text, in the order they appear on the page.
COMPARED = ("title", "summary", "goals", "steps", "materials")


def _reader(request):
    if not rules.can_read(request.user):
        raise Http404


@login_required
def index(request):
    """Search the published library; writers see their drafts and reviewers the queue's length."""
    _reader(request)
    form = SearchForm(request.GET or None)
    form.is_valid()  # the valid filters apply even when another is mistyped
    filters = form.filters() if form.is_bound else {}
    found = queries.library_for(request.user, **filters)
    keys = queries.SORTS[filters.get("sort", "used")]
    page = keyset_page(request, found, keys=keys, size=PAGE_SIZE)
    reviewer = rules.can_review(request.user)
    return render(
        request,
        "library/index.html",
        {
            "form": form,
            "page": page,
            "found": count_at_most(found),
            "for_twinning": form.cleaned_data.get("twinning") if form.is_bound and form.is_valid() else None,
            "can_write": rules.can_write(request.user),
            "drafts": queries.drafts_of(request.user)[:10],
            "waiting": queries.review_queue_for(request.user).count() if reviewer else None,
        },
    )


def _save(request, form, version=None, *, submit: bool):
    """Write the form into a version (a new activity when there is none), and send it for review when
    asked; the version when it is saved, None when the form gets the reason why not."""
    try:
        if version is None:
            version = services.start_activity(by=request.user, text=form.text())
        else:
            services.save_version(version=version, by=request.user, text=form.text())
        if submit:
            services.submit(version=version, by=request.user)
    except ServiceError as problem:
        form.add_error(None, problem.message)
        return None
    if version.state == Version.State.SUBMITTED:
        messages.success(request, _("Sent for review. A coordinator will read it before it is published."))
    else:
        messages.success(request, _("Saved as a draft. Only you and the reviewers see it."))
    return version


def _new(request, *, submit: bool):
    _reader(request)
    if not rules.can_write(request.user):
        raise Http404
    language = current_language()
    form = VersionForm(
        request.POST or None,
        initial={"age_from": 10, "age_to": 14, "duration_minutes": 45, "text_language": language},
    )
    if request.method == "POST" and form.is_valid():
        version = _save(request, form, submit=submit)
        if version is not None:
            return redirect("library:edit", pk=version.activity_id)
    return render(request, "library/edit.html", {"form": form, "activity": None, "version": None})


@login_required
def new(request):
    """Write a new activity; posted here, it is saved as a draft."""
    return _new(request, submit=False)


@login_required
def new_submit(request):
    """A new activity saved and sent for review in one step."""
    if request.method != "POST":
        raise Http404
    return _new(request, submit=True)


def _edit(request, pk: int, *, submit: bool):
    activity = rules.get_activity_for_editor(request.user, pk)
    open_version = activity.versions.filter(state__in=Version.OPEN).select_related("author").first()
    base = open_version or activity.versions.order_by("-number").first()
    # A fresh draft starts from the latest words, with an empty note of what changed.
    initial = {"change_note": ""} if open_version is None else {}
    form = VersionForm(request.POST or None, instance=base, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = open_version or services.open_version(activity=activity, by=request.user)
        if _save(request, form, version, submit=submit) is not None:
            return redirect("library:edit", pk=activity.pk)
    return render(
        request,
        "library/edit.html",
        {
            "form": form,
            "activity": activity,
            "version": open_version,
            "attachments": open_version.attachments.all() if open_version else (),
            "attachment_form": AttachmentForm(),
        },
    )


@login_required
def edit(request, pk: int):
    """Write the next version; posted here, it is saved as a draft. The published text stays as it is
    until a reviewer publishes this one."""
    return _edit(request, pk, submit=False)


@login_required
def submit(request, pk: int):
    """The next version saved and sent for review in one step."""
    if request.method != "POST":
        raise Http404
    return _edit(request, pk, submit=True)


@login_required
def attach(request, pk: int):
    if request.method != "POST":
        raise Http404
    activity = rules.get_activity_for_editor(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return redirect("library:edit", pk=activity.pk)
    try:
        version = services.open_version(activity=activity, by=request.user)
        services.attach(version=version, by=request.user, upload=form.cleaned_data["file"])
    except (ServiceError, UploadRefused) as problem:
        messages.error(request, getattr(problem, "message", str(problem)))
    else:
        messages.success(request, _("The file is attached."))
    return redirect("library:edit", pk=activity.pk)


@login_required
def detach(request, pk: int, attachment_pk: int):
    if request.method != "POST":
        raise Http404
    activity = rules.get_activity_for_editor(request.user, pk)
    attachment = get_object_or_404(
        Attachment.objects.select_related("version"),
        pk=attachment_pk,
        version__activity=activity,
        version__state__in=Version.OPEN,
    )
    try:
        services.detach(attachment=attachment)
    except ServiceError as problem:
        messages.error(request, problem.message)
    return redirect("library:edit", pk=activity.pk)


@login_required
def attachment(request, pk: int, attachment_pk: int):
    """A file of a version the person may see, downloaded with the type found on upload."""
    activity = rules.get_activity_for_user(request.user, pk)
    item = get_object_or_404(Attachment.objects.select_related("version"), pk=attachment_pk, version__activity=activity)
    if not rules.can_see_version(request.user, item.version):
        raise Http404
    return stored_file_response(
        item.file,
        content_type=item.content_type,
        filename=item.original_name,
        inline=item.content_type.startswith("image/"),
    )


@login_required
def activity(request, pk: int):
    """The published activity, its history, and the one-step form to put it in a twinning's plan."""
    activity = rules.get_activity_for_user(request.user, pk)
    if activity.published_id is None:
        latest = activity.versions.order_by("-number").first()
        return redirect("library:version", pk=activity.pk, number=latest.number)
    twinnings = list(rules.plans_editable_by(request.user).order_by("-changed_at")[:50])
    chosen = request.GET.get("twinning", "")
    plan_form = AddToPlanForm(
        twinnings=twinnings, initial={"twinning": int(chosen)} if chosen.isascii() and chosen.isdigit() else {}
    )
    return _page(request, activity, plan_form=plan_form, twinnings=twinnings)


def _page(request, activity: Activity, *, plan_form, twinnings, status=200):
    version = queries.version_with_everything(activity.published)
    open_version = activity.versions.filter(state__in=Version.OPEN).first()
    return render(
        request,
        "library/activity.html",
        {
            "activity": activity,
            "version": version,
            "history": activity.versions.filter(state__in=[Version.State.PUBLISHED, Version.State.SUPERSEDED])
            .select_related("author")
            .order_by("-number"),
            "open_version": open_version
            if open_version and rules.can_see_version(request.user, open_version)
            else None,
            "plan_form": plan_form if twinnings else None,
            "can_edit": rules.can_edit(request.user, activity),
            "can_review": rules.can_review(request.user),
            "withdraw_form": WithdrawForm(),
        },
        status=status,
    )


@login_required
def add_to_plan(request, pk: int):
    """One step: the published version becomes a step of the chosen twinning's plan."""
    if request.method != "POST":
        raise Http404
    activity = rules.get_activity_for_user(request.user, pk)
    twinnings = list(rules.plans_editable_by(request.user).order_by("-changed_at")[:50])
    form = AddToPlanForm(request.POST, twinnings=twinnings)
    if form.is_valid():
        # The choice is checked again against the plans this person may edit (a tampered id is a 404).
        twinning = get_object_or_404(rules.plans_editable_by(request.user), pk=form.cleaned_data["twinning"])
        try:
            use = services.add_to_plan(
                activity=activity,
                twinning=twinning,
                by=request.user,
                starts_on=form.cleaned_data["starts_on"],
                due_on=form.cleaned_data["due_on"],
            )
        except ServiceError as problem:
            form.add_error(None, problem.message)
        else:
            messages.success(request, _("The activity is in the plan."))
            return redirect(f"{_plan_url(twinning.pk)}#activity-{use.step_id}")
    if activity.published_id is None:
        raise Http404
    return _page(request, activity, plan_form=form, twinnings=twinnings, status=400)


def _plan_url(twinning_pk: int) -> str:
    return reverse("workspace:plan", args=[twinning_pk])


def _changes(old: Version | None, new: Version) -> list[dict]:
    """What a version changes in the published text, field by field, line by line."""
    if old is None or old.pk == new.pk:
        return []
    changes = []
    for name in COMPARED:
        before, after = getattr(old, name).splitlines(), getattr(new, name).splitlines()
        if before == after:
            continue
        lines = [
            {"op": line[0], "text": line[2:]}
            for line in difflib.ndiff(before, after)
            if line[:1] in "+- " and not line.startswith("? ")
        ]
        changes.append({"label": Version._meta.get_field(name).verbose_name, "lines": lines})
    return changes


@login_required
def version(request, pk: int, number: int):
    """One version as written, what it changes, and (for a reviewer) the form to publish or return it."""
    version = rules.get_version_for_user(request.user, pk, number)
    if request.method == "POST":
        raise Http404  # a review is posted to publish or return
    return _version_page(request, version, ReviewForm())


def _version_page(request, version: Version, form: ReviewForm):
    activity = version.activity
    # An open version is compared with what readers see now; an earlier one with the one before it.
    base = activity.published if version.is_open else activity.versions.filter(number__lt=version.number).first()
    return render(
        request,
        "library/version.html",
        {
            "activity": activity,
            "version": queries.version_with_everything(version),
            "changes": _changes(base, version),
            "compared_with_published": version.is_open,
            "review_form": form if rules.may_review(request.user, version) else None,
            "can_edit": version.is_open and rules.can_edit(request.user, activity),
        },
    )


def _version_for_review(request, pk: int, number: int) -> Version:
    if request.method != "POST":
        raise Http404
    version = rules.get_version_for_user(request.user, pk, number)
    if not rules.may_review(request.user, version):
        raise Http404
    return version


@login_required
def publish(request, pk: int, number: int):
    """A reviewer publishes a submitted version, with a note to its author."""
    version = _version_for_review(request, pk, number)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.publish(version=version, by=request.user, note=form.cleaned_data["note"])
        except ServiceError as problem:
            form.add_error("note", problem.message)
        else:
            messages.success(request, _("Published. Everybody can now find and use this version."))
            return redirect("library:activity", pk=pk)
    return _version_page(request, version, form)


@login_required
def return_version(request, pk: int, number: int):
    """A reviewer sends a submitted version back to its author with a note of what to change."""
    version = _version_for_review(request, pk, number)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.return_version(version=version, by=request.user, note=form.cleaned_data["note"])
        except ServiceError as problem:
            form.add_error("note", problem.message)
        else:
            messages.success(request, _("Returned to the author with your note."))
            return redirect("library:review")
    return _version_page(request, version, form)


@login_required
def review(request):
    if not rules.can_review(request.user):
        raise Http404
    page = keyset_page(request, queries.review_queue_for(request.user), keys=queries.REVIEW_KEYS, size=REVIEW_SIZE)
    return render(request, "library/review.html", {"page": page})


@login_required
def withdraw(request, pk: int):
    if request.method != "POST" or not rules.can_review(request.user):
        raise Http404
    activity = rules.get_activity_for_user(request.user, pk)
    try:
        if activity.status == Activity.Status.WITHDRAWN:
            services.restore(activity=activity, by=request.user)
            messages.success(request, _("The activity is back in the library."))
        else:
            form = WithdrawForm(request.POST)
            services.withdraw(
                activity=activity, by=request.user, reason=form.cleaned_data["reason"] if form.is_valid() else ""
            )
            messages.success(request, _("Withdrawn: it no longer appears in the library; plans keep their steps."))
    except ServiceError as problem:
        messages.error(request, problem.message)
    return redirect("library:activity", pk=activity.pk)
