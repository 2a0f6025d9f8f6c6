"""Who decides on a proposed community, who moderates and who joins: the rules called directly."""

from twinning.communities import rules, services
from twinning.communities.models import Community
from twinning.communities.services import About
from twinning.schools.models import Subject


def _about(name: str) -> About:
    return About(names={"en": name}, access=Community.Access.OPEN, subject=Subject.objects.get(pk="english-foreign"))


def _seen_by(user, community: Community) -> Community:
    """The community as the access function hands it to a view, with the reader's membership."""
    return rules.get_community_for_user(user, community.pk) if user.is_authenticated else community


def test_rules_a_proposal_is_decided_by_its_nso_and_the_administrator(cast):
    proposed = services.propose_community(by=cast.teacher_a.user, about=_about("Climate clubs"))
    assert proposed.nso == cast.il_nso
    assert [rules.can_decide(p, proposed) for p in (cast.nso_il, cast.admin)] == [True, True]
    people = (cast.nso_uk, cast.coordinator, cast.teacher_a.user, cast.teacher_b.user)
    assert [rules.can_decide(p, proposed) for p in people] == [False, False, False, False]


def test_rules_an_open_community_is_not_decided_again(cast):
    opened = services.create_community(by=cast.coordinator, about=_about("English teachers"), nso=cast.il_nso)
    assert rules.is_steward(cast.nso_il, opened)
    assert not rules.can_decide(cast.nso_il, opened)
    assert not rules.can_decide(cast.admin, opened)


def test_rules_moderators_and_stewards_moderate_members_do_not(cast):
    community = services.create_community(by=cast.coordinator, about=_about("English teachers"), nso=cast.il_nso)
    services.join(community=community, user=cast.teacher_a.user)
    moderate = {
        who: rules.can_moderate(user, _seen_by(user, community))
        for who, user in {
            "moderator": cast.coordinator,
            "steward": cast.nso_il,
            "member": cast.teacher_a.user,
            "other nso": cast.nso_uk,
            "outsider": cast.teacher_b.user,
        }.items()
    }
    assert moderate == {"moderator": True, "steward": True, "member": False, "other nso": False, "outsider": False}


def test_rules_validated_teachers_join_pending_teachers_and_members_do_not(cast):
    community = services.create_community(by=cast.coordinator, about=_about("English teachers"), nso=cast.il_nso)
    services.join(community=community, user=cast.teacher_a.user)
    join = {
        who: rules.can_join(user, _seen_by(user, community))
        for who, user in {
            "teacher": cast.teacher_b.user,
            "member": cast.teacher_a.user,
            "pending": cast.pending_il.user,
            "principal": cast.principal_a,
        }.items()
    }
    assert join == {"teacher": True, "member": False, "pending": False, "principal": False}


def test_rules_staff_open_communities_teachers_propose_them(cast):
    assert [rules.can_create(p) for p in (cast.coordinator, cast.nso_il, cast.teacher_a.user)] == [True, True, False]
    assert [rules.can_propose(p) for p in (cast.teacher_a.user, cast.coordinator, cast.pending_il.user)] == [
        True,
        False,
        False,
    ]
