"""Each button of the writing and review forms posts to its own address."""

from twinning.library.tests.conftest import text, write
from twinning.testing import as_


def test_action_urls_new_and_edit_pages_save_and_submit_to_their_own_addresses(client, cast):
    page = as_(client, cast.teacher_a.user).get("/library/new/").content.decode()
    assert 'action="/library/new/"' in page and 'formaction="/library/new/submit/"' in page
    activity = write(client, cast.teacher_a.user, submit=False)
    page = as_(client, cast.teacher_a.user).get(f"/library/{activity.pk}/edit/").content.decode()
    assert f'action="/library/{activity.pk}/edit/"' in page
    assert f'formaction="/library/{activity.pk}/submit/"' in page
    # A refused submission shows the form again, still saving to the edit address.
    page = as_(client, cast.teacher_a.user).post(f"/library/{activity.pk}/submit/", text(title="")).content.decode()
    assert f'action="/library/{activity.pk}/edit/"' in page
    assert activity.versions.get().state == "draft"


def test_action_urls_review_form_publishes_and_returns_at_their_own_addresses(client, cast):
    activity = write(client, cast.teacher_a.user)
    page = as_(client, cast.coordinator).get(f"/library/{activity.pk}/versions/1/").content.decode()
    assert f'action="/library/{activity.pk}/versions/1/publish/"' in page
    assert f'formaction="/library/{activity.pk}/versions/1/return/"' in page
    assert as_(client, cast.coordinator).get(f"/library/{activity.pk}/versions/1/publish/").status_code == 404
