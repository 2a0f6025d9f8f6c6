"""An NSO's own programme's questionnaires are run by that NSO's staff and coordinators too."""

import pytest

from twinning.reporting import rules
from twinning.reporting.models import Survey
from twinning.schools.models import Programme

pytestmark = pytest.mark.django_db


def test_an_nsos_staff_run_the_questionnaires_of_its_own_programme(cast):
    own = Programme.objects.create(slug="etwinning-il", names={"en": "eTwinning IL"}, nso=cast.il_nso)
    other = Programme.objects.create(slug="bridges", names={"en": "Bridges"})
    survey = Survey.objects.create(programme=own, school_year=2026, titles={"en": "Ours"})
    elsewhere = Survey.objects.create(programme=other, school_year=2026, titles={"en": "Theirs"})
    assert set(rules.survey_programmes_of(cast.nso_il)) == {own}
    assert set(rules.survey_programmes_of(cast.coordinator)) == {own}
    assert list(rules.survey_programmes_of(cast.nso_uk)) == []
    assert rules.get_survey_for_organiser(cast.nso_il, survey.pk) == survey
    assert elsewhere not in rules.surveys_run_by(cast.nso_il)
    assert survey not in rules.surveys_run_by(cast.nso_uk)
