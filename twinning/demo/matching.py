"""Twinning profiles for the demo network: most validated schools are looking for partners this year."""

import random
from datetime import time

from twinning.common.school_year import current_school_year
from twinning.matching.engine.vision import VisionEncoder, to_bytes
from twinning.matching.models import ProfileLanguage, TwinningProfile
from twinning.schools.models import School, ValidationStatus

VISIONS = {
    "en": (
        "We want our pupils to meet peers abroad, discover how they live and learn, and build something together.",
        "A year-long project on family stories and the places our names come from, with a live meeting each term.",
        "Our class would like to compare festivals, food and weather with a partner class, writing in English.",
        "We hope to plan an environment project on water and green spaces in our two towns.",
    ),
    "he": (
        "אנחנו רוצים שהתלמידים שלנו יכירו עמיתים מחו״ל, ילמדו איך הם חיים ולומדים ויבנו משהו יחד.",
        "פרויקט שנתי על סיפורי משפחה ועל מקור השמות שלנו, עם מפגש חי בכל מחצית.",
        "הכיתה שלנו רוצה להשוות חגים, אוכל ומזג אוויר עם כיתה שותפה ולכתוב להם באנגלית.",
    ),
    "ar": (
        "نريد أن يتعرّف طلابنا على أقرانهم في الخارج، وأن يكتشفوا كيف يعيشون ويتعلّمون، وأن يبنوا معًا شيئًا مشتركًا.",
        "مشروع على مدار العام عن قصص العائلات والتراث، مع لقاء مباشر في كل فصل دراسي.",
        "يرغب صفّنا في مقارنة الأعياد والطعام والطقس مع صف شريك والتراسل معه بالإنجليزية.",
    ),
}
OBJECTIVES_BY_COUNTRY = {
    "IL": ("peoplehood", "identity", "festivals", "language_practice", "heritage", "intercultural"),
    "PS": ("intercultural", "heritage", "dialogue", "language_practice", "digital", "wellbeing"),
    "JO": ("intercultural", "heritage", "dialogue", "language_practice", "environment"),
}
DEFAULT_OBJECTIVES = (
    "peoplehood",
    "identity",
    "festivals",
    "intercultural",
    "language_practice",
    "environment",
    "citizenship",
    "arts",
)
THEMES = (
    "history",
    "english-foreign",
    "hebrew",
    "arabic",
    "jewish-studies",
    "arts",
    "music",
    "environment",
    "geography",
    "civics",
    "literature",
    "computing",
)


def load_profiles(*, seed: int, created_by=None, schools=None) -> int:
    """Write a profile for about four in five validated schools (or of `schools`, a queryset). Returns how many."""
    rng = random.Random(seed)  # nosec B311  # seeded, for a demo that is the same each time: no secret
    year = current_school_year()
    chosen = School.objects.all() if schools is None else schools
    schools = list(chosen.filter(status=ValidationStatus.VALIDATED).prefetch_related("languages", "programmes"))
    profiles, languages, objectives, themes = [], [], [], []
    for school in schools:
        if rng.random() > 0.8:
            continue
        codes = [language.code for language in school.languages.all()]
        vision_language = "he" if "he" in codes else "ar" if "ar" in codes else "en"
        start = rng.choice((time(7, 45), time(8, 0), time(8, 15), time(8, 30)))
        age_from = rng.randint(school.age_from, max(school.age_from, school.age_to - 1))
        profile = TwinningProfile(
            school=school,
            school_year=year,
            vision=rng.choice(VISIONS[vision_language]),
            age_from=age_from,
            age_to=min(school.age_to, age_from + rng.choice((0, 1, 2))),
            class_size=rng.randint(16, 32),
            capacity=rng.choice((1, 1, 1, 2)),
            programme=next(iter(school.programmes.all()), None),
            time_zone=school.time_zone,
            school_week=school.school_week,
            day_start=start,
            day_end=time(start.hour + rng.choice((5, 6)), start.minute),
            live_video=rng.random() < 0.85,
            devices=rng.choice(("shared", "shared", "each", "none")),
            created_by=created_by,
        )
        profiles.append(profile)
        levels = dict.fromkeys(codes, 3)
        levels.setdefault("en", rng.choice((1, 2, 2, 3)))
        if school.country_id != "IL" and rng.random() < 0.4 and "ar" not in codes:
            levels.setdefault("he", 1)
        languages.append(levels)
        pool = OBJECTIVES_BY_COUNTRY.get(school.country_id, DEFAULT_OBJECTIVES)
        objectives.append(rng.sample(pool, rng.randint(2, 3)))
        themes.append(rng.sample(THEMES, rng.randint(1, 3)))
    encoder = VisionEncoder.shared()
    if encoder is not None:
        for profile, vector in zip(profiles, encoder.encode([p.vision for p in profiles]), strict=True):
            profile.vision_vector = to_bytes(vector)
    TwinningProfile.objects.bulk_create(profiles)
    ProfileLanguage.objects.bulk_create(
        ProfileLanguage(profile=p, language_id=code, level=level)
        for p, levels in zip(profiles, languages, strict=True)
        for code, level in levels.items()
    )
    TwinningProfile.objectives.through.objects.bulk_create(
        TwinningProfile.objectives.through(twinningprofile_id=p.pk, objective_id=code)
        for p, codes in zip(profiles, objectives, strict=True)
        for code in codes
    )
    TwinningProfile.themes.through.objects.bulk_create(
        TwinningProfile.themes.through(twinningprofile_id=p.pk, subject_id=code)
        for p, codes in zip(profiles, themes, strict=True)
        for code in codes
    )
    return len(profiles)
