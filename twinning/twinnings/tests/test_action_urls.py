"""An invited school joins or declines a twinning, each at its own address."""

from twinning.testing import as_
from twinning.twinnings.models import Twinning


def _proposed(client, cast) -> Twinning:
    as_(client, cast.teacher_a.user).post(f"/twinnings/propose/{cast.school_b.pk}/", {"title_en": "Our towns"})
    return Twinning.objects.get()


def test_action_urls_the_invitation_form_joins_and_declines_at_their_own_addresses(client, cast):
    proposed = _proposed(client, cast)
    page = as_(client, cast.teacher_b.user).get(f"/twinnings/{proposed.pk}/").content.decode()
    assert f'action="/twinnings/{proposed.pk}/accept/"' in page
    assert f'formaction="/twinnings/{proposed.pk}/decline/"' in page
    # The proposing school is not invited: it neither joins again nor declines.
    for path in ("accept/", "decline/"):
        response = as_(client, cast.teacher_a.user).post(f"/twinnings/{proposed.pk}/{path}", {"reason": "No"})
        assert response.status_code == 404, path
    proposed.refresh_from_db()
    assert proposed.status == "proposed"
    assert as_(client, cast.teacher_b.user).get(f"/twinnings/{proposed.pk}/accept/").status_code == 405
    response = as_(client, cast.teacher_b.user).post(f"/twinnings/{proposed.pk}/accept/", follow=True)
    assert "You joined the twinning." in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == "accepted"
