from django import forms
from django.utils.translation import gettext_lazy as _

from twinning.coordination.models import GuidanceEntry, State


class CaseloadFilter(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("Every state")), *State.choices])
    programme = forms.TypedChoiceField(label=_("Programme"), required=False, coerce=int, empty_value=None)
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("silent", _("Silent the longest first")),
            ("next_meeting", _("Next meeting first")),
            ("overdue", _("Most overdue steps first")),
            ("recent", _("Recently changed first")),
        ],
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", _("Every programme"))] + [(p.pk, p.name) for p in programmes]


class GuidanceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=GuidanceEntry.Kind.choices)
    text = forms.CharField(
        label=_("What happened or what is next"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    happened_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    due_on = forms.DateField(
        label=_("Due by (for a next step)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("due_on") and data.get("happened_on") and data["due_on"] < data["happened_on"]:
            self.add_error("due_on", _("A next step cannot be due before the day it was written."))
        return data


class PolicyForm(forms.Form):
    remind_after_days = forms.IntegerField(label=_("Remind a silent school after (days)"), min_value=3, max_value=90)
    alert_after_days = forms.IntegerField(label=_("Alert the coordinator after (days)"), min_value=4, max_value=180)

    def clean(self):
        data = super().clean()
        remind, alert = data.get("remind_after_days"), data.get("alert_after_days")
        if remind is not None and alert is not None and alert <= remind:
            self.add_error("alert_after_days", _("The coordinator is alerted later than the school is reminded."))
        return data
