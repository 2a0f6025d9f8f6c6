"""Shared resources: the list with its two forms to share, the files themselves, removing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from twinning.common.errors import ServiceError
from twinning.common.http import stored_file_response
from twinning.common.keyset import keyset_page
from twinning.common.uploads import UploadRefused
from twinning.communities import queries, rules, services
from twinning.communities.forms import FileForm, LinkForm
from twinning.communities.models import Resource

from ._common import PAGE_SIZE, _context, _post_only
from .folders import filing


@login_required
def resources(request, pk: int):
    write = request.method == "POST"
    community = rules.get_community_inside(request.user, pk, write=write)
    what = request.POST.get("what")
    file_form = FileForm(request.POST if what == "file" else None, request.FILES if what == "file" else None)
    link_form = LinkForm(request.POST if what == "link" else None)
    if write:
        form = file_form if what == "file" else link_form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if what == "file":
                    services.share_file(
                        community=community,
                        by=request.user,
                        upload=data["file"],
                        title=data["title"],
                        description=data["description"],
                    )
                else:
                    services.share_link(
                        community=community,
                        by=request.user,
                        url=data["url"],
                        title=data["title"],
                        description=data["description"],
                    )
            except UploadRefused as refused:
                form.add_error("file", str(refused))
            except ServiceError as problem:
                form.add_error("url" if what == "link" else None, problem.message)
            else:
                messages.success(request, _("Shared with the community."))
                return redirect("communities:resources", pk=community.pk)
    page = keyset_page(
        request, queries.resources_of(community).filter(folder__isnull=True), keys=queries.RESOURCE_KEYS, size=PAGE_SIZE
    )
    return render(
        request,
        "communities/resources.html",
        _context(
            request,
            community,
            "resources",
            page=page,
            file_form=file_form,
            link_form=link_form,
            what=what,
            folders=queries.folders_of(community),
            can_make_folders=rules.can_make_folders(request.user, community),
            **filing(request, community),
        ),
        status=400 if write else 200,
    )


@login_required
def resource_file(request, pk: int, resource_pk: int):
    """The file itself, only for those who see inside the community, with the type found on upload."""
    community = rules.get_community_inside(request.user, pk)
    item = get_object_or_404(Resource, pk=resource_pk, community=community, kind=Resource.Kind.FILE)
    return stored_file_response(
        item.file,
        content_type=item.content_type,
        filename=item.original_name,
        inline=item.content_type.startswith("image/"),
    )


@login_required
def remove_resource(request, pk: int, resource_pk: int):
    """Moderators remove any resource; members remove what they shared themselves."""
    _post_only(request)
    community = rules.get_community_inside(request.user, pk, write=True)
    item = get_object_or_404(Resource, pk=resource_pk, community=community)
    if not (rules.can_moderate(request.user, community) or item.added_by_id == request.user.pk):
        raise Http404
    item.community = community
    try:
        services.remove_resource(resource=item, by=request.user)
    except ServiceError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, _("The resource is removed."))
    return redirect("communities:resources", pk=community.pk)
