"""Who reaches an offering: the platform administrator reaches every one, others only their own scope."""

import pytest

from twinning.learning.models import Offering
from twinning.learning.tests.conftest import make_offering

pytestmark = pytest.mark.django_db


def test_scopes_platform_admin_reaches_an_nso_only_course_and_a_draft(client, cast):
    own = make_offering(cast, audience=Offering.Audience.OWN, titles={"en": "Israel NSO only"})
    draft = make_offering(cast, audience=Offering.Audience.OWN, titles={"en": "Draft"}, publish=False)
    client.force_login(cast.admin)

    assert client.get(f"/learning/{own.pk}/").status_code == 200
    assert client.get(f"/learning/{draft.pk}/").status_code == 200
    assert client.get(f"/learning/{own.pk}/edit/").status_code == 200


def test_scopes_of_others_are_unchanged_for_an_nso_only_course(client, cast):
    own = make_offering(cast, audience=Offering.Audience.OWN, titles={"en": "Israel NSO only"})
    for person, status in [
        (cast.nso_il, 200),
        (cast.coordinator, 200),
        (cast.teacher_a.user, 200),
        (cast.nso_uk, 404),
        (cast.teacher_b.user, 404),
    ]:
        client.force_login(person)
        assert (person.full_name, client.get(f"/learning/{own.pk}/").status_code) == (person.full_name, status)
