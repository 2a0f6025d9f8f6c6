"""A library that looks used: activities in English, Hebrew and Arabic, one in its second version, one
waiting for review and one returned to its author, and a few already in the demo twinnings' plans.

Everything goes through the services, as a coordinator and a teacher would do it on the pages.
"""

from datetime import timedelta

from django.utils import timezone

from twinning.accounts.models import Role
from twinning.library import services
from twinning.library.models import Activity, Occasion
from twinning.library.services import Text
from twinning.schools.models import Language, Subject, TeacherProfile, ValidationStatus
from twinning.twinnings.models import Membership, Twinning

ACTIVITIES = [
    {
        "title": "Our streets, our stories",
        "summary": "Each class photographs the street around its school and writes to the partner class about "
        "one place that matters to it. The partners answer with questions.",
        "goals": "Describe a familiar place in the working language\nAsk respectful questions about another "
        "culture\nNotice what two towns share",
        "steps": "Walk around the school with the class and choose five places\nTake one photograph of each "
        "(no faces)\nWrite a caption of two or three sentences for each\nPost them in the workspace forum\n"
        "Read the partners' captions and ask each of them one question",
        "materials": "A phone or tablet for each group\nThe workspace forum",
        "age_from": 9,
        "age_to": 13,
        "duration_minutes": 90,
        "language": "en",
        "themes": ["geography", "english-foreign"],
        "languages": ["en"],
        "occasions": ["start_of_year"],
    },
    {
        "title": "Festivals of light",
        "summary": "The classes share how their families light up the darkest weeks of the year, with photographs "
        "of candles, lamps and decorations, and a short live meeting to explain them.",
        "goals": "Explain a family tradition to someone who does not know it\nFind what different festivals "
        "of light have in common",
        "steps": "Each pupil brings a photograph or drawing of a light at home\nIn groups, write what it is "
        "and when it is lit\nShare the pictures in the workspace\nIn a live meeting, each group presents one "
        "light and asks the partners about theirs",
        "materials": "Drawing paper and colours\nA projector or large screen for the meeting",
        "age_from": 7,
        "age_to": 12,
        "duration_minutes": 120,
        "language": "en",
        "themes": ["jewish-studies", "religious-education"],
        "languages": ["en", "he"],
        "occasions": ["hanukkah", "christmas", "eid_al_fitr"],
    },
    {
        "title": "מתכון משפחתי",
        "summary": "כל תלמיד מביא מתכון של מאכל שמבשלים במשפחה ומספר את הסיפור שלו. "
        "הכיתות יוצרות יחד ספר מתכונים דו־לשוני.",
        "goals": "לספר סיפור משפחתי בשפת העבודה\nללמוד מילים חדשות משפת השותפים",
        "steps": "כל תלמיד מראיין בן משפחה על מאכל אהוב\nכותבים את המתכון ואת הסיפור שמאחוריו\n"
        "מעלים צילום של המאכל (בלי פנים)\nמתרגמים יחד עם הכיתה השותפה את שמות המצרכים\n"
        "מרכיבים ספר מתכונים משותף בדף של הסדנה",
        "materials": "דף מתכון מודפס\nמצלמה",
        "age_from": 10,
        "age_to": 15,
        "duration_minutes": 90,
        "language": "he",
        "themes": ["hebrew", "social-studies"],
        "languages": ["he", "en"],
        "occasions": ["passover", "ramadan"],
    },
    {
        "title": "شجرة في كل مدرسة",
        "summary": "تزرع كل مدرسة شجرة أو نبتة وتتابع نموّها طوال العام، وتتبادل الصفوف القياسات والصور والملاحظات.",
        "goals": "ملاحظة النمو وتسجيله بانتظام\nمقارنة المناخ في بلدين\nالعمل في فريق مع صف شريك",
        "steps": "اختيار نبتة تناسب مناخ المدرسة\nالزراعة وتسجيل الطول الأول\nقياس الطول كل أسبوعين "
        "ونشره في جدول مشترك\nمقارنة النتائج مع الصف الشريك في لقاء مباشر",
        "materials": "شتلة أو بذور\nمسطرة\nجدول مشترك في صفحة المساحة",
        "age_from": 8,
        "age_to": 12,
        "duration_minutes": 60,
        "language": "ar",
        "themes": ["science", "environment"],
        "languages": ["ar", "en"],
        "occasions": ["earth_day", "tu_bishvat"],
    },
    {
        "title": "Words we share",
        "summary": "Pupils hunt for words that Hebrew, Arabic and English share or borrow from one another and make "
        "an illustrated dictionary together.",
        "goals": "Recognise borrowed words and shared roots\nPronounce a few words in the partners' language",
        "steps": "Brainstorm words that sound alike in two languages\nCheck each one in a dictionary\n"
        "Record a short audio clip saying each word\nIllustrate and post the dictionary page",
        "materials": "Dictionaries\nA device that records audio",
        "age_from": 11,
        "age_to": 16,
        "duration_minutes": 45,
        "language": "en",
        "themes": ["other-languages", "english-foreign"],
        "languages": ["en", "he", "ar"],
        "occasions": ["mother_language_day"],
    },
    {
        "title": "A day in our school",
        "summary": "Each class films or photographs one ordinary school day, from the first bell to the last, and "
        "the partners compare timetables, breaks and lunch.",
        "goals": "Describe routines with times and days\nCompare school weeks (Sunday–Thursday, Monday–Friday)",
        "steps": "Agree with the partners on ten moments to show\nTake the photographs or short clips (only "
        "pupils whose families agreed)\nWrite the time and a sentence for each\nPost them and compare the two days "
        "in a table",
        "materials": "A camera\nThe activity plan's table",
        "age_from": 8,
        "age_to": 14,
        "duration_minutes": 90,
        "language": "en",
        "themes": ["primary-class", "social-studies"],
        "languages": ["en"],
        "occasions": [],
    },
]


def load_library() -> None:
    coordinators = [
        role.user for role in Role.objects.filter(kind=Role.Kind.COORDINATOR).select_related("user").order_by("pk")
    ]
    teachers = list(
        TeacherProfile.objects.filter(status=ValidationStatus.VALIDATED, left_at__isnull=True)
        .select_related("user")
        .order_by("pk")[:4]
    )
    if len(coordinators) < 2 or len(teachers) < 2:
        return
    writer, reviewer = coordinators[0], coordinators[1]
    languages = {code: Language.objects.get(pk=code) for code in ("en", "he", "ar")}
    activities = []
    for index, spec in enumerate(ACTIVITIES):
        author = teachers[index % len(teachers)].user if index % 2 else writer
        publisher = reviewer if author != reviewer else writer
        version = services.start_activity(by=author, text=_text(spec, languages))
        services.submit(version=version, by=author)
        services.publish(version=version, by=publisher, note="")
        activities.append(version.activity)
    # The first activity has a second version: a map was added after a teacher's suggestion.
    first = activities[0]
    second = services.open_version(activity=first, by=writer)
    spec = dict(ACTIVITIES[0], goals=ACTIVITIES[0]["goals"] + "\nFind both towns on a map and measure the distance")
    services.save_version(version=second, by=writer, text=_text(spec, languages, note="A map step, as teachers asked"))
    services.submit(version=second, by=writer)
    services.publish(version=second, by=reviewer)
    # One new activity waits for review; another went back to its teacher with a note.
    waiting = services.start_activity(
        by=teachers[0].user,
        text=_text(
            {
                **ACTIVITIES[5],
                "title": "Sports day, twice",
                "summary": "Both classes play the same three games on the same day and compare results live.",
                "themes": ["physical-education"],
            },
            languages,
        ),
    )
    services.submit(version=waiting, by=teachers[0].user)
    returned = services.start_activity(
        by=teachers[1].user,
        text=_text({**ACTIVITIES[4], "title": "Songs of our grandparents", "themes": ["music"]}, languages),
    )
    services.submit(version=returned, by=teachers[1].user)
    services.return_version(
        version=returned,
        by=reviewer,
        note="Lovely idea. Please add how pupils record the songs without showing faces, "
        "and which songs are free to share.",
    )
    _use_in_plans(activities)


def _text(spec: dict, languages: dict, note: str = "") -> Text:
    return Text(
        title=spec["title"],
        summary=spec["summary"],
        goals=spec["goals"],
        steps=spec["steps"],
        materials=spec["materials"],
        age_from=spec["age_from"],
        age_to=spec["age_to"],
        duration_minutes=spec["duration_minutes"],
        text_language=languages[spec["language"]],
        change_note=note,
        themes=list(Subject.objects.filter(code__in=spec["themes"])),
        languages=[languages[code] for code in spec["languages"]],
        occasions=list(Occasion.objects.filter(code__in=spec["occasions"])),
    )


def _use_in_plans(activities: list[Activity]) -> None:
    """Teachers of the open twinnings put a few activities into their plans, over the past weeks."""
    today = timezone.localdate()
    open_twinnings = Twinning.objects.filter(status__in=[Twinning.Status.APPROVED, Twinning.Status.ACTIVE]).order_by(
        "pk"
    )
    for offset, twinning in enumerate(open_twinnings):
        teacher = (
            Membership.objects.filter(
                twinning=twinning, active=True, role__in=[Membership.Role.TEACHER_ADMIN, Membership.Role.TEACHER]
            )
            .select_related("user")
            .first()
        )
        if teacher is None:
            continue
        for step, activity in enumerate(activities[offset % 3 : offset % 3 + 2]):
            activity.refresh_from_db()
            services.add_to_plan(
                activity=activity,
                twinning=twinning,
                by=teacher.user,
                starts_on=today + timedelta(days=14 * (step + 1)),
            )
