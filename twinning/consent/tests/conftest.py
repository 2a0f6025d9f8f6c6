import pytest

from twinning.consent import queries, services


@pytest.fixture
def link(cast, pupils, django_capture_on_commit_callbacks):
    """Pupil Maya K.'s family got the consent form by e-mail, in Hebrew: (the form, its link's path)."""
    ours, _theirs = pupils
    with django_capture_on_commit_callbacks(execute=True):
        form = services.send_consent_link(pupil=ours, by=cast.teacher_a.user, email="parent@example.org", language="he")
    return form, services.link_path(queries.link_token(form))


def answers(*agreed: str) -> dict[str, str]:
    """The POST of the family's form: yes to ``agreed``, no to the rest."""
    from twinning.consent.models import Use

    return {use: "yes" if use in agreed else "no" for use in Use.values}
