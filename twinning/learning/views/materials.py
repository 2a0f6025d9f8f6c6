"""Materials: adding a file, serving it to those inside, removing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twinning.common.errors import ServiceError
from twinning.common.http import stored_file_response
from twinning.common.uploads import UploadRefused
from twinning.learning import rules, services
from twinning.learning.forms import MaterialForm
from twinning.learning.models import Material


@login_required
@require_POST
def material_add(request, pk: int):
    offering = rules.get_offering_for_organiser(request.user, pk)
    form = MaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to add."))
        return redirect("learning:offering", pk=offering.pk)
    try:
        services.add_material(offering=offering, by=request.user, upload=form.cleaned_data["file"])
    except (ServiceError, UploadRefused) as problem:
        messages.error(request, getattr(problem, "message", str(problem)))
    else:
        messages.success(request, _("The file is added to the materials."))
    return redirect("learning:offering", pk=offering.pk)


@login_required
def material(request, pk: int, material_pk: int):
    item = rules.get_material_for_user(request.user, pk, material_pk)
    return stored_file_response(
        item.file,
        content_type=item.content_type,
        filename=item.original_name,
        inline=item.content_type.startswith("image/"),
    )


@login_required
@require_POST
def material_remove(request, pk: int, material_pk: int):
    offering = rules.get_offering_for_organiser(request.user, pk)
    services.remove_material(material=get_object_or_404(Material, pk=material_pk, offering=offering), by=request.user)
    messages.success(request, _("The file is removed."))
    return redirect("learning:offering", pk=offering.pk)
