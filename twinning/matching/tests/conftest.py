"""Profiles for the matching tests (``make_profile`` is also used by other apps' tests)."""

from datetime import time

import pytest

from twinning.common.school_year import current_school_year
from twinning.matching.models import ProfileLanguage, TwinningProfile


def make_profile(school, *, languages=None, looking=True, capacity=1, objectives=("identity",), **fields):
    profile = TwinningProfile.objects.create(
        school=school,
        school_year=current_school_year(),
        vision="Letters and a video meeting each term.",
        age_from=fields.pop("age_from", 10),
        age_to=fields.pop("age_to", 12),
        class_size=24,
        capacity=capacity,
        time_zone=school.time_zone,
        school_week=school.school_week,
        day_start=time(8),
        day_end=time(15),
        looking=looking,
        **fields,
    )
    for code, level in (languages or {"en": 3}).items():
        ProfileLanguage.objects.create(profile=profile, language_id=code, level=level)
    profile.objectives.set(objectives)
    profile.themes.set(["history"])
    return profile


@pytest.fixture
def profiles(cast):
    return make_profile(cast.school_a, languages={"he": 3, "en": 2}), make_profile(cast.school_b)
