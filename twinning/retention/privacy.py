"""Personal data held by the retention app: only who last changed an NSO's policy, declared in the
privacy register (`common.privacy`)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.privacy import AS_RECORD, NOT_THEIRS, Basis, Erase, PersonalData, register

register(
    PersonalData(
        "retention.RetentionPolicy",
        fields=("pupil_account_days", "pupil_work_months", "audit_years", "updated_at"),
        purpose=_("Keeping each NSO's decision on how long pupils' data is kept, and who made it."),
        basis=Basis.LEGAL_OBLIGATION,
        retention=AS_RECORD,
        links=("updated_by",),
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
    ),
)
