"""Folders of a community's resources: the page to make, rename, order and delete them, one folder's
resources, and moving a resource between folders. Each change is a POST to its own address."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from twinning.common.errors import ServiceError
from twinning.common.http import redirect_back
from twinning.common.keyset import keyset_page
from twinning.common.ordering import seen_order
from twinning.communities import queries, rules, services
from twinning.communities.forms import FolderForm, ResourceInFolderForm
from twinning.communities.models import Folder, Resource

from ._common import PAGE_SIZE, _context


def filing(request, community) -> dict:
    """What a list of resources needs for its "move to a folder" forms."""
    if not rules.can_post(request.user, community):
        return {"folder_choices": []}
    return {"folder_choices": list(Folder.objects.filter(community=community).values_list("pk", "name"))}


@login_required
def folders(request, pk: int):
    """Members who share make folders here; each folder's maker and the moderators rename, order and delete."""
    community = rules.get_community_inside(request.user, pk, write=request.method == "POST")
    if not rules.can_make_folders(request.user, community):
        raise Http404
    form = FolderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            folder = services.create_folder(community=community, by=request.user, name=form.cleaned_data["name"])
        except ServiceError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, _("The folder “%(name)s” is ready.") % {"name": folder.name})
            return redirect("communities:folders", pk=community.pk)
    return _folders_page(request, community, form=form)


def _folders_page(request, community, *, form=None, renaming=None, rename_form=None):
    shown = queries.folders_of(community)
    for folder in shown:
        folder.may_change = rules.may_change_folder(request.user, community, folder)
        folder.rename_form = (
            rename_form
            if renaming is not None and folder.pk == renaming.pk
            else FolderForm(initial={"name": folder.name}, auto_id=f"id_folder_{folder.pk}_%s")
        )
    return render(
        request,
        "communities/folders.html",
        _context(
            request,
            community,
            "resources",
            folders=shown,
            form=form or FolderForm(),
            seen=",".join(str(folder.pk) for folder in shown),
        ),
        status=400 if rename_form is not None or (form is not None and form.is_bound) else 200,
    )


def _folder_to_change(request, pk: int, folder_pk: int):
    """(community, folder) for a change; folder None when it was deleted meanwhile (the person is told
    rather than sent a 404: a page open since is stale, not wrong)."""
    community = rules.get_community_inside(request.user, pk, write=True)
    if not Folder.objects.filter(pk=folder_pk, community=community).exists():
        messages.error(request, _("This folder was deleted meanwhile."))
        return community, None
    return community, rules.get_folder_inside(request.user, pk, folder_pk, write=True)


@login_required
@require_POST
def rename_folder(request, pk: int, folder_pk: int):
    community, folder = _folder_to_change(request, pk, folder_pk)
    if folder is None:
        # What was typed is kept, in the form that makes a folder.
        return _folders_page(request, community, form=FolderForm(initial={"name": request.POST.get("name", "")}))
    form = FolderForm(request.POST, auto_id=f"id_folder_{folder.pk}_%s")
    if form.is_valid():
        try:
            services.rename_folder(folder=folder, by=request.user, name=form.cleaned_data["name"])
        except ServiceError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, _("Renamed."))
            return redirect("communities:folders", pk=pk)
    folder.refresh_from_db(fields=["name"])
    return _folders_page(request, folder.community, renaming=folder, rename_form=form)


def _move(request, pk: int, folder_pk: int, *, offset: int):
    _community, folder = _folder_to_change(request, pk, folder_pk)
    if folder is None:
        return redirect("communities:folders", pk=pk)
    seen = seen_order(request)
    try:
        services.move_folder(folder=folder, by=request.user, offset=offset, seen=seen)
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect(f"{reverse('communities:folders', args=[pk])}#folder-{folder.pk}")


@login_required
@require_POST
def move_folder_up(request, pk: int, folder_pk: int):
    return _move(request, pk, folder_pk, offset=-1)


@login_required
@require_POST
def move_folder_down(request, pk: int, folder_pk: int):
    return _move(request, pk, folder_pk, offset=1)


@login_required
@require_POST
def delete_folder(request, pk: int, folder_pk: int):
    """Deleting a folder keeps its resources: they return to the list, not in a folder."""
    _community, folder = _folder_to_change(request, pk, folder_pk)
    if folder is None:
        return redirect("communities:folders", pk=pk)
    name = folder.name
    try:
        count = services.delete_folder(folder=folder, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "The folder “%(name)s” is deleted; its %(count)d resource is in the list, not in a folder.",
                "The folder “%(name)s” is deleted; its %(count)d resources are in the list, not in a folder.",
                count,
            )
            % {"name": name, "count": count},
        )
    return redirect("communities:folders", pk=pk)


@login_required
def folder(request, pk: int, folder_pk: int):
    """One folder's resources, read by everyone who reads the community's resources."""
    if request.method == "POST":
        raise Http404  # each change is posted to its own address
    shown = rules.get_folder_inside(request.user, pk, folder_pk)
    community = shown.community
    page = keyset_page(
        request, queries.resources_of(community).filter(folder=shown), keys=queries.RESOURCE_KEYS, size=PAGE_SIZE
    )
    return render(
        request,
        "communities/folder.html",
        _context(request, community, "resources", folder=shown, page=page, **filing(request, community)),
    )


@login_required
@require_POST
def file_resource(request, pk: int, resource_pk: int):
    """Its sharer or a moderator puts a resource in a folder, moves it to another, or takes it out."""
    community = rules.get_community_inside(request.user, pk, write=True)
    resource = get_object_or_404(Resource, pk=resource_pk, community=community)
    if not rules.may_file_resource(request.user, community, resource):
        raise Http404
    resource.community = community
    form = ResourceInFolderForm(request.POST, folders=Folder.objects.filter(community=community))
    if not form.is_valid():
        for error in form.errors.get("folder", []):
            messages.error(request, error)
    else:
        target = form.cleaned_data["folder"]
        try:
            services.file_resource(resource=resource, folder=target, by=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            if target is None:
                messages.success(request, _("The resource is now in the list, not in a folder."))
            else:
                messages.success(request, _("The resource is now in the folder “%(name)s”.") % {"name": target.name})
    return redirect_back(request, request.POST.get("next", ""), reverse("communities:resources", args=[pk]))
