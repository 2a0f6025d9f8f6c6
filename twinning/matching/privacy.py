"""Personal data held by matching: only links to the teachers and staff who wrote a profile or a
proposal, or ran a cohort, declared in the privacy register (`common.privacy`)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.privacy import (
    AS_RECORD,
    NOT_THEIRS,
    Basis,
    Erase,
    PersonalData,
    register,
)

PURPOSE = _("Finding partner schools: profiles, searches and proposals.")


def _kept(model: str, fields: tuple[str, ...], links: tuple[str, ...], **kwargs) -> PersonalData:
    return PersonalData(
        model,
        fields=fields,
        purpose=PURPOSE,
        basis=Basis.PROGRAMME,
        retention=AS_RECORD,
        links=links,
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
        **kwargs,
    )


register(
    _kept("matching.TwinningProfile", ("vision",), ("created_by",)),
    _kept(
        "matching.Proposal",
        ("message", "reason"),
        ("left_accepted_by", "right_accepted_by", "created_by", "decided_by"),
        label=_("Proposals"),
    ),
    _kept("matching.CohortRun", ("error",), ("created_by", "approved_by")),
    _kept("matching.CohortRule", ("kind",), ("created_by",), label=_("Cohort rules")),
)
