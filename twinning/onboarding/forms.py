"""The forms of onboarding: the file and where it goes, the merges to undo, and the new password."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

SUFFIXES = (".csv", ".xlsx")


class ImportForm(forms.Form):
    """The importer's scope (``nso:ID`` or ``programme:ID`` among theirs) and the spreadsheet."""

    scope = forms.ChoiceField(label=_("Import into"))
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={"required": _("Choose the file to import."), "empty": _("The file is empty.")},
    )

    def __init__(self, *args, nsos, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self._scopes = {f"nso:{nso.pk}": nso for nso in nsos} | {f"programme:{p.pk}": p for p in programmes}
        self.fields["scope"].choices = [(key, scope.name) for key, scope in self._scopes.items()]
        if len(self._scopes) == 1:
            self.fields["scope"].initial = next(iter(self._scopes))

    def clean_scope(self):
        return self._scopes[self.cleaned_data["scope"]]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(_("Send a CSV file (.csv) or an Excel workbook (.xlsx)."), code="type")
        if upload.size > settings.ONBOARDING_MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("This file is larger than %(limit)s: split it into several files.")
                % {"limit": filesizeformat(settings.ONBOARDING_MAX_FILE_BYTES)},
                code="size",
            )
        return upload


class RunForm(forms.Form):
    """The schools offered for merging that the importer wants created anew instead (by their line)."""

    separate = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, lines: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["separate"].choices = [(line, line) for line in lines]


class AcceptForm(SetPasswordForm):
    """Django's new-password form (with the project's password rules)."""
