"""The API: proposals to twin, through matching's own rules and services.

A validated teacher asks a school looking for partners this year to twin with theirs (as from the
partner search); either school's teachers accept or decline a proposal made to their school (a decline
says why), as on the proposal's page. Two yeses open the twinning, waiting for the coordinator.
"""

from datetime import datetime

from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from twinning.api import scopes
from twinning.api.auth import channel, need
from twinning.api.v1.base import REFUSALS, ErrorOut, Id, PageQuery, paged
from twinning.common import audit
from twinning.matching import rules as matching_rules
from twinning.matching import services as matching_services
from twinning.matching.models import Proposal, TwinningProfile
from twinning.matching.queries import pair_score


class SideOut(Schema):
    profile_id: int
    school_id: int
    school_name: str
    country: str = Field(description="ISO 3166 code")
    accepted: bool


class ProposalOut(Schema):
    id: int
    status: str = Field(description="pending, accepted, declined or withdrawn")
    origin: str = Field(description="search (a teacher asked) or cohort (a coordinator's matching)")
    school_year: int
    asking: SideOut = Field(description="The school that asked (or the first of a cohort's pair)")
    asked: SideOut
    message: str
    reason: str = Field(description="Why it was declined, if it was")
    created_at: datetime
    decided_at: datetime | None


class ProposalPage(Schema):
    items: list[ProposalOut]
    next: str | None


class ProposalIn(Schema):
    model_config = ConfigDict(extra="forbid")
    partner_profile_id: int = Field(ge=1, le=2**63 - 1, description="The twinning profile of the school asked")
    message: str = Field("", max_length=2000, description="A message to the partner school")


class DeclineIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000, description="Shown to the other school and the coordinator")


def _side(profile: TwinningProfile, accepted: bool) -> dict:
    return {
        "profile_id": profile.pk,
        "school_id": profile.school_id,
        "school_name": profile.school.name,
        "country": profile.school.country_id,
        "accepted": accepted,
    }


def _proposal_out(proposal: Proposal) -> dict:
    return {
        "id": proposal.pk,
        "status": proposal.status,
        "origin": proposal.origin,
        "school_year": proposal.left.school_year,
        "asking": _side(proposal.left, proposal.left_accepted),
        "asked": _side(proposal.right, proposal.right_accepted),
        "message": proposal.message,
        "reason": proposal.reason,
        "created_at": proposal.created_at,
        "decided_at": proposal.decided_at,
    }


def _proposal(user, pk: int) -> Proposal:
    return matching_rules.get_proposal_for_user(user, pk)


proposals_router = Router(tags=["proposals"])


@proposals_router.get(
    "/proposals", response={200: ProposalPage, **REFUSALS}, summary="Proposals to and from your school"
)
def list_proposals(request, paging: Query[PageQuery]):
    need(request, "twinnings")
    found = matching_rules.proposals_for(request.user).select_related("left__school", "right__school")
    rows, following = paged(found, list_key="proposals", paging=paging)
    return {"items": [_proposal_out(row) for row in rows], "next": following}


@proposals_router.get("/proposals/{proposal_id}", response={200: ProposalOut, **REFUSALS}, summary="One proposal")
def get_proposal(request, proposal_id: Id):
    need(request, "twinnings")
    return _proposal_out(_proposal(request.user, proposal_id))


@proposals_router.post(
    "/proposals",
    response={201: ProposalOut, 409: ErrorOut, **REFUSALS},
    summary="Ask a school looking for partners to twin with yours",
)
def request_partnership(request, body: ProposalIn):
    need(request, "twinnings", scopes.WRITE)
    own, partner = matching_rules.get_profiles_for_request(request.user, body.partner_profile_id)
    with audit.acting_through(channel(request)):
        proposal = matching_services.request_partnership(
            from_profile=own,
            to_profile=partner,
            by=request.user,
            message=body.message,
            score=pair_score(own, partner),
        )
    return 201, _proposal_out(_proposal(request.user, proposal.pk))


@proposals_router.post(
    "/proposals/{proposal_id}/accept",
    response={200: ProposalOut, 409: ErrorOut, **REFUSALS},
    summary="Accept a proposal for your school",
)
def accept_proposal(request, proposal_id: Id):
    need(request, "twinnings", scopes.WRITE)
    proposal = _proposal(request.user, proposal_id)
    with audit.acting_through(channel(request)):
        matching_services.answer_proposal(
            proposal=proposal,
            school_id=matching_rules.answering_school_id(request.user, proposal),
            by=request.user,
            accept=True,
        )
    return _proposal_out(_proposal(request.user, proposal_id))


@proposals_router.post(
    "/proposals/{proposal_id}/decline",
    response={200: ProposalOut, 409: ErrorOut, **REFUSALS},
    summary="Decline a proposal for your school, saying why",
)
def decline_proposal(request, proposal_id: Id, body: DeclineIn):
    need(request, "twinnings", scopes.WRITE)
    proposal = _proposal(request.user, proposal_id)
    with audit.acting_through(channel(request)):
        matching_services.answer_proposal(
            proposal=proposal,
            school_id=matching_rules.answering_school_id(request.user, proposal),
            by=request.user,
            accept=False,
            reason=body.reason,
        )
    return _proposal_out(_proposal(request.user, proposal_id))
