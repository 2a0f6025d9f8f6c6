"""Communities that look lived in: an open network-wide community of English teachers with
discussions and resources, the Palestinian NSO's invitation-only ambassadors (with an invitation
and a request waiting), a regional community of North American educators, a well-being community,
and a teacher's proposal waiting for the Israeli NSO.

Everything goes through the services, as staff and teachers would do it on the pages; afterwards
the dates are spread over the past weeks so the pages read like a real year.

    from twinning.demo.communities import load_communities
    load_communities()   # after the network, its twinnings and the library are loaded

Call it inside `emails_muted()` (as `load_demo` does): the replies and invitations notify people.
"""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from twinning.accounts.models import Role
from twinning.communities import services
from twinning.communities.models import Community, Membership, Post, Resource, Theme, Thread
from twinning.communities.services import About
from twinning.schools.models import Country, Subject, TeacherProfile, ValidationStatus

CONVERSATION_STARTERS = """Conversation starters for a first online meeting between partner classes

1. What is the first thing you see when you leave your school in the morning?
2. Which word in our language would you like to learn first, and why?
3. What do pupils in your town do on a free afternoon?
4. Show us one object from your bag and tell us its story.
5. Which festival is coming next in your town, and how do you get ready for it?

Tip: let each pupil prepare one question in advance and write it on a card.
"""


def load_communities() -> None:
    people = _people()
    if people is None:
        return
    _english(people)
    _ambassadors(people)
    _north_america(people)
    _well_being(people)
    _proposal(people)


def _people() -> dict | None:
    teachers: dict[str, list] = {}
    for profile in (
        TeacherProfile.objects.filter(
            status=ValidationStatus.VALIDATED, left_at__isnull=True, school__status=ValidationStatus.VALIDATED
        )
        .select_related("user", "school")
        .order_by("pk")
    ):
        teachers.setdefault(profile.school.country_id, []).append(profile.user)
    staff = {
        role.nso.slug: role.user
        for role in Role.objects.filter(kind=Role.Kind.NSO_STAFF).select_related("user", "nso").order_by("-pk")
    }
    coordinators = list(Role.objects.filter(kind=Role.Kind.COORDINATOR).select_related("user", "nso").order_by("pk"))
    if not coordinators or not all(teachers.get(code) for code in ("IL", "PS", "GB")):
        return None
    return {"teachers": teachers, "staff": staff, "coordinators": coordinators}


def _days_ago(days: float):
    return timezone.now() - timedelta(days=days)


def _members(community: Community, users, *, since_days: int) -> None:
    for user in users:
        if Membership.objects.filter(community=community, user=user).exists():
            continue
        if community.is_open:
            services.join(community=community, user=user)
        else:
            _invited(community, user)
    # Joined over the past months, not all in the same second.
    rows = Membership.objects.filter(community=community).order_by("pk")
    for index, member in enumerate(rows):
        member.joined_at = _days_ago(since_days - index * since_days / max(len(rows), 1))
        member.save(update_fields=["joined_at"])


def _invited(community: Community, user) -> None:
    moderator = Membership.objects.filter(community=community, role=Membership.Role.MODERATOR).first().user
    invitation = services.invite(community=community, by=moderator, invitee=user)
    services.answer_invitation(invitation=invitation, user=user, accept=True)


def _discussion(community: Community, *, by, title: str, messages: list, days_ago: float) -> Thread:
    """A thread with its replies ((author, text) pairs), spread over the days after it started."""
    thread = services.start_thread(community=community, by=by, title=title, body=messages[0])
    for author, body in messages[1:]:
        services.reply(thread=thread, by=author, body=body)
    start = _days_ago(days_ago)
    posts = list(Post.objects.filter(thread=thread).order_by("pk"))
    step = timedelta(hours=min(30, days_ago * 24 / (len(posts) + 1)))
    for index, post in enumerate(posts):
        post.created_at = start + index * step
        post.save(update_fields=["created_at"])
    Thread.objects.filter(pk=thread.pk).update(created_at=posts[0].created_at, last_post_at=posts[-1].created_at)
    return thread


def _settle(community: Community) -> None:
    """The community's last activity is its latest message or resource, wherever the dates were moved."""
    latest = [
        *Thread.objects.filter(community=community).values_list("last_post_at", flat=True),
        *community.resources.values_list("added_at", flat=True),
    ]
    if latest:
        Community.objects.filter(pk=community.pk).update(last_activity_at=max(latest))


def _english(people: dict) -> None:
    teachers, coordinator = people["teachers"], people["coordinators"][0].user
    community = services.create_community(
        by=coordinator,
        about=About(
            names={
                "en": "English teachers of the network",
                "he": "מורות ומורים לאנגלית ברשת",
                "ar": "معلمو اللغة الإنجليزية في الشبكة",
            },
            descriptions={
                "en": "For everyone who teaches English as a foreign language in a twinned school: activities that "
                "get pupils talking to their partners, online tools that work in class, and help with the hard "
                "days.",
                "he": "לכל מי שמלמד אנגלית כשפה זרה בבית ספר מתאום: פעילויות שמדברות עם השותפים, כלים מקוונים "
                "שעובדים בכיתה, ועזרה בימים הקשים.",
                "ar": "لكل من يدرّس الإنجليزية لغةً أجنبية في مدرسة مُتوأمة: أنشطة تجعل التلاميذ يتحدثون مع "
                "شركائهم، وأدوات رقمية تنجح في الصف، ودعم في الأيام الصعبة.",
            },
            subject=Subject.objects.filter(pk="english-foreign").first(),
            theme=Theme.objects.filter(pk="languages-cultures").first(),
        ),
    )
    il, ps, gb = teachers["IL"], teachers["PS"], teachers["GB"]
    others = [user for code in ("FR", "DE", "JO", "US", "AR") for user in teachers.get(code, [])[:3]]
    _members(community, [*il[:6], *ps[:6], *gb[:5], *others], since_days=240)
    services.set_role(member=Membership.objects.get(community=community, user=ps[0]), role="moderator", by=coordinator)
    welcome = _discussion(
        community,
        by=coordinator,
        title="Welcome! Introduce yourself",
        messages=[
            "Welcome to the community! Please tell us **where you teach**, the ages of your pupils, and one thing "
            "you would like to try with a partner class this year.",
            (
                il[0],
                "Shalom from Haifa! I teach English to 7th and 8th grade. This year I want my pupils to "
                "interview their partners about their neighbourhoods.",
            ),
            (
                ps[0],
                "Marhaba from Ramallah. Grade 9 girls, very motivated speakers. We would love to try short "
                "video letters.",
            ),
            (
                gb[0],
                "Hello from London! I teach EAL in a primary school: many of my pupils speak Hebrew or Arabic "
                "at home, so twinning is a gift for them.",
            ),
            (
                ps[1],
                "Hello everyone, I teach English to grades 5 to 9. Looking for ideas for large classes (45 "
                "pupils) and one projector.",
            ),
        ],
        days_ago=140,
    )
    services.pin_thread(thread=welcome, by=coordinator, pinned=True)
    _discussion(
        community,
        by=il[1],
        title="Speaking activities that work in a live meeting",
        messages=[
            "Our first live meeting was a bit silent: the pupils were shy. What has worked for you?\n\n"
            "- we tried a quiz\n- we tried show-and-tell",
            (
                gb[1],
                "Give every pupil a card with one question prepared in advance. Nobody has to improvise, and "
                "the questions lead to real answers.",
            ),
            (
                ps[2],
                "Small groups in front of the camera, three pupils at a time, works better than the whole "
                "class. And music at the start!",
            ),
            (il[1], "Thank you both, we will try the cards next week."),
        ],
        days_ago=45,
    )
    _discussion(
        community,
        by=ps[3],
        title="أفكار لنشاط القراءة المشتركة",
        messages=[
            "نبحث عن قصص قصيرة بالإنجليزية يقرؤها الصفّان معًا ثم يناقشانها في لقاء مباشر. ما القصص التي نجحت معكم؟",
            (ps[4], "جرّبنا قصصًا مصوّرة قصيرة للصف السابع، وكانت ممتازة للنقاش."),
        ],
        days_ago=12,
    )
    link = services.share_link(
        community=community,
        by=gb[1],
        url="https://learnenglishteens.britishcouncil.org/",
        title="LearnEnglish Teens (British Council)",
        description="Free reading and listening practice for teenagers, sorted by level.",
    )
    sheet = services.share_file(
        community=community,
        by=il[0],
        upload=SimpleUploadedFile("conversation-starters.txt", CONVERSATION_STARTERS.encode()),
        title="Conversation starters for a first meeting",
        description="Five questions that get partner classes talking, and a tip for shy pupils.",
    )
    Resource.objects.filter(pk=link.pk).update(added_at=_days_ago(60))
    Resource.objects.filter(pk=sheet.pk).update(added_at=_days_ago(9))
    _settle(community)


def _ambassadors(people: dict) -> None:
    ps = people["teachers"]["PS"]
    staff = people["staff"].get("ps")
    if staff is None or len(ps) < 10:
        return
    community = services.create_community(
        by=staff,
        nso=Country.objects.get(pk="PS").nso,
        about=About(
            names={
                "en": "Palestine NSO ambassadors",
                "he": "שגרירי ה־NSO הפלסטיני",
                "ar": "سفراء المنظمة الوطنية - فلسطين",
            },
            descriptions={
                "en": "The ambassadors who help teachers across Palestine start their first twinning: planning the "
                "national conference workshops, school visits and the welcome sessions for new teachers.",
                "ar": "السفراء الذين يساعدون المعلمين في أنحاء فلسطين على بدء توأمتهم الأولى: التخطيط لورش المؤتمر "
                "الوطني والزيارات المدرسية وجلسات الترحيب بالمعلمين الجدد.",
            },
            theme=Theme.objects.filter(pk="ambassadors").first(),
            countries=[Country.objects.get(pk="PS")],
            access=Community.Access.INVITATION,
        ),
    )
    _members(community, ps[:5], since_days=300)
    services.set_role(member=Membership.objects.get(community=community, user=ps[0]), role="moderator", by=staff)
    _discussion(
        community,
        by=staff,
        title="National conference: workshops we offer",
        messages=[
            "Dear ambassadors, the national conference is in March. Please each propose **one workshop** "
            "(title, 3 lines, who it is for) in this thread by the end of the month.",
            (ps[1], "Workshop: *Your first eTwinning project in 5 steps*, for teachers who have never twinned."),
            (ps[2], "Workshop: safe photos and videos of pupils (consent forms, no faces, no names)."),
        ],
        days_ago=20,
    )
    # One teacher invited and not yet answered; another asked to join.
    services.invite(community=community, by=ps[0], invitee=ps[6])
    services.request_to_join(
        community=community, user=ps[7], message="I coordinated three twinnings in Nablus and would like to help."
    )
    _settle(community)


def _north_america(people: dict) -> None:
    teachers = people["teachers"]
    staff = people["staff"].get("us")
    americans = [*teachers.get("US", [])[:8], *teachers.get("CA", [])[:5]]
    if staff is None or len(americans) < 4:
        return
    community = services.create_community(
        by=staff,
        nso=Country.objects.get(pk="US").nso,
        about=About(
            names={
                "en": "Educators in North America",
                "he": "מחנכות ומחנכים בצפון אמריקה",
                "ar": "المعلمون في أمريكا الشمالية",
            },
            descriptions={
                "en": "Day school and supplementary school educators in the United States and Canada who twin with "
                "schools in Israel: time zones, Sunday schools, and bringing Israeli partners into the classroom.",
                "he": "מחנכים מבתי ספר יומיים ומשלימים בארצות הברית ובקנדה המתאומים עם בתי ספר בישראל.",
            },
            theme=Theme.objects.filter(pk="heritage-identity").first(),
            countries=list(Country.objects.filter(pk__in=["US", "CA"])),
        ),
    )
    _members(community, americans, since_days=150)
    _discussion(
        community,
        by=americans[0],
        title="Meeting Israeli partners across seven to ten hours",
        messages=[
            "Our school day ends when theirs begins… Who has found a time slot that works for live meetings?",
            (americans[1], "Sunday mornings! Our supplementary school meets then, and it is afternoon in Israel."),
            (americans[2], "We record short video messages instead, and meet live only twice a year."),
        ],
        days_ago=30,
    )
    _settle(community)


def _well_being(people: dict) -> None:
    teachers = people["teachers"]
    staff = people["staff"].get("gb")
    if staff is None:
        return
    community = services.create_community(
        by=staff,
        nso=Country.objects.get(pk="GB").nso,
        about=About(
            names={"en": "Well-being at school", "he": "מיטביות בבית הספר", "ar": "الرفاه في المدرسة"},
            descriptions={
                "en": "Activities and habits that help pupils and teachers feel well at school, and twinning "
                "projects built around them.",
                "ar": "أنشطة وعادات تساعد التلاميذ والمعلمين على الشعور بالرفاه في المدرسة، ومشاريع توأمة حولها.",
            },
            theme=Theme.objects.filter(pk="well-being").first(),
        ),
    )
    _members(
        community,
        [*teachers["GB"][:4], *teachers["IL"][2:5], *teachers["PS"][3:6], *teachers.get("JO", [])[:2]],
        since_days=90,
    )
    _discussion(
        community,
        by=teachers["GB"][2],
        title="Five calm minutes at the start of a lesson",
        messages=[
            "We start each lesson with five quiet minutes: breathing, a short drawing, or writing one good thing "
            "from yesterday. Has anyone tried this with a partner class?",
            (
                teachers["PS"][3],
                "Yes: both classes write their 'one good thing' and we swap them once a month. The "
                "pupils love reading their partners' lists.",
            ),
        ],
        days_ago=8,
    )
    _settle(community)


def _proposal(people: dict) -> None:
    """A teacher's proposal, waiting for the Israeli NSO's staff."""
    teacher = people["teachers"]["IL"][3]
    services.propose_community(
        by=teacher,
        about=About(
            names={"en": "Climate action clubs", "he": "מועדוני פעולה למען האקלים"},
            descriptions={
                "en": "Teachers running after-school clubs where pupils measure, reduce and tell about their "
                "school's footprint, with partner clubs abroad.",
            },
            theme=Theme.objects.filter(pk="climate").first(),
            subject=Subject.objects.filter(pk="environment").first(),
        ),
    )
