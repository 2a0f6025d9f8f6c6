"""Pages where teachers manage their school's pupil accounts."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from twinning.accounts import pupils as service
from twinning.accounts import queries
from twinning.accounts.models import Pupil
from twinning.common.errors import ServiceError
from twinning.common.http import no_store, posted_ids
from twinning.schools.rules import can_seek_partners


class NewPupilsForm(forms.Form):
    names = forms.CharField(
        label=gettext_lazy("Pupils' names, one per line"),
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
        help_text=gettext_lazy("A first name and an initial (Maya K.) or a pseudonym. No surnames, no e-mail."),
    )


class PupilNamesForm(forms.ModelForm):
    class Meta:
        model = Pupil
        fields = ["display_name", "full_name"]


def _teacher(request):
    if not can_seek_partners(request.user):  # validated teachers, still at their school
        raise Http404


def _sheet(request, made):
    """The login sheet: the passwords exist only in this response, to be printed now."""
    return render(request, "accounts/pupil_sheet.html", {"made": made, "school": request.user.teacher.school})


@login_required
@no_store  # the login sheet with the new passwords is this page's answer to a POST
def pupils(request):
    """The school's pupil accounts; posted here, the form creates new ones."""
    _teacher(request)
    form = NewPupilsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = service.create_pupils(
                school=request.user.teacher.school, by=request.user, names=form.cleaned_data["names"].splitlines()
            )
        except ServiceError as error:
            form.add_error("names", error.message)
        else:
            return _sheet(request, made)
    return render(request, "accounts/pupils.html", {"form": form, "pupils": service.pupils_of_teacher(request.user)})


@login_required
@require_POST
@no_store  # the login sheet with the new passwords is the answer
def reset_pupil_passwords(request):
    """New passwords for the chosen pupils of the teacher's school."""
    _teacher(request)
    managed = service.pupils_of_teacher(request.user)
    chosen = list(managed.filter(pk__in=posted_ids(request, "pupil")))
    if chosen:
        return _sheet(request, service.reset_passwords(pupils=chosen, by=request.user))
    messages.error(request, _("Choose the pupils whose passwords you want to reset."))
    return render(request, "accounts/pupils.html", {"form": NewPupilsForm(), "pupils": managed})


@login_required
def pupil_consent(request, pk: int):
    """A pupil's names; what their family agreed to is shown here and recorded on the consent pages."""
    pupil = get_object_or_404(service.pupils_of_teacher(request.user), pk=pk)
    form = PupilNamesForm(request.POST or None, instance=pupil)
    if request.method == "POST" and form.is_valid():
        try:
            service.set_names(
                pupil=pupil,
                by=request.user,
                display_name=form.cleaned_data["display_name"],
                full_name=form.cleaned_data["full_name"],
            )
        except ServiceError as error:
            form.add_error("display_name", error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:pupils")
    exports = queries.exports_for_requester(request.user, subject=pupil.user)
    return render(request, "accounts/pupil_consent.html", {"form": form, "pupil": pupil, "exports": exports})
