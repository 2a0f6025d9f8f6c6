from django import forms

from twinning.retention.models import (
    AUDIT_YEARS,
    PUPIL_ACCOUNT_DAYS,
    PUPIL_WORK_MONTHS,
    RetentionPolicy,
)


class PolicyForm(forms.ModelForm):
    """An NSO's three periods; each outside its bounds is refused with the bounds in words."""

    class Meta:
        model = RetentionPolicy
        fields = ("pupil_account_days", "pupil_work_months", "audit_years")
        widgets = {
            "pupil_account_days": forms.NumberInput(
                attrs={"min": PUPIL_ACCOUNT_DAYS[0], "max": PUPIL_ACCOUNT_DAYS[1], "inputmode": "numeric"}
            ),
            "pupil_work_months": forms.NumberInput(
                attrs={"min": PUPIL_WORK_MONTHS[0], "max": PUPIL_WORK_MONTHS[1], "inputmode": "numeric"}
            ),
            "audit_years": forms.NumberInput(
                attrs={"min": AUDIT_YEARS[0], "max": AUDIT_YEARS[1], "inputmode": "numeric"}
            ),
        }
