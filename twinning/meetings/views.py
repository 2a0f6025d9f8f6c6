import hashlib
from datetime import date, datetime, timedelta
from functools import cache as cache_once
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.signals import setting_changed
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.formats import date_format, get_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twinning.common.addresses import address
from twinning.common.clock import clock
from twinning.common.errors import ServiceError
from twinning.common.http import posted_id
from twinning.common.i18n import current_language, direction
from twinning.common.keyset import keyset_page
from twinning.common.middleware import ContentSecurityPolicyMiddleware
from twinning.common.offline import offline_readable
from twinning.common.regions import region_name
from twinning.common.school_year import current_school_year, school_year_label
from twinning.common.uploads import UploadRefused
from twinning.consent.models import Use
from twinning.consent.queries import pupils_without_consent
from twinning.meetings import drawing, ics, queries, rules, services
from twinning.meetings.calendars import chosen_date_calendars, default_date_calendar, festivals_kept, holiday_names
from twinning.meetings.dates import other_date
from twinning.meetings.engine import CalendarError
from twinning.meetings.forms import (
    AnswerForm,
    ClosureForm,
    MeetingForm,
    RecordForm,
    TermForm,
    TimetableForm,
    region_missing_message,
)
from twinning.meetings.models import (
    CalendarFeed,
    CalendarSettings,
    Closure,
    Meeting,
    MeetingRoom,
    SchoolDay,
    Term,
)
from twinning.schools import rules as school_rules
from twinning.schools.models import SCHOOL_WEEK_DAYS
from twinning.twinnings.models import Twinning
from twinning.twinnings.rules import twinnings_overseen_by
from twinning.workspace import queries as workspace_queries
from twinning.workspace.rules import WORKING

OVERVIEW_PAGE = 50
# The coordinators' overview pages by key on the twinning's id (its primary key serves it): a caseload of thousands.
OVERVIEW_KEYS = ("pk",)


def _date_calendars(schools) -> list[str]:
    """The other calendars the twinning's schools read dates in (Hebrew, Hijri), each once.

    A school that saved its choice gets it (Gregorian only included); others get their country's usual one.
    """
    chosen = chosen_date_calendars([school.pk for school in schools])
    out = []
    for school in schools:
        calendar = chosen[school.pk] if school.pk in chosen else default_date_calendar(school)
        if calendar and calendar not in out:
            out.append(calendar)
    return out


def _other_dates(day: date, calendars: list[str]) -> list[str]:
    language = current_language()
    return [text for text in (other_date(day, c, language) for c in calendars) if text]


def _local_times(window_start: datetime, window_end: datetime, schools) -> list[dict]:
    """Each school's own clock for the interval."""
    out = []
    for school in schools:
        zone = ZoneInfo(school.time_zone)
        start, end = timezone.localtime(window_start, zone), timezone.localtime(window_end, zone)
        out.append(
            {
                "school": school,
                "day": date_format(start, "D j M"),
                "start": clock(start.time()),  # the school's own clock, not the reader's
                "end": clock(end.time()),
            }
        )
    return out


# The badge of each status, as `_meeting_row.html` colours it.
BADGES = {
    Meeting.Status.CONFIRMED: " badge-ok",
    Meeting.Status.HELD: " badge-ok",
    Meeting.Status.PROPOSED: " badge-warn",
    Meeting.Status.CANCELLED: " badge-bad",
    Meeting.Status.DECLINED: " badge-bad",
}


def meeting_rows(meetings, twinning) -> str:
    """`meetings/_meeting_row.html` for each meeting, written in Python: the page lists a year of meetings,
    and an include per meeting cost more than the rest of the list (a test compares the two). What is
    translated (a status's label, a weekday's and a month's name, a time of day) is written once a list,
    not once a meeting."""
    rows = []
    labels: dict[str, str] = {}
    weekdays: dict[int, str] = {}
    months: dict[int, str] = {}
    times: dict[tuple, str] = {}

    def day_text(local: datetime) -> str:
        # The date filter's "D j M Y": the weekday's and the month's short names, the day and the year's 4 digits.
        weekday, month = local.weekday(), local.month
        if weekday not in weekdays:
            weekdays[weekday] = str(WEEKDAYS_ABBR[weekday])
        if month not in months:
            months[month] = MONTHS_3[month].title()
        return f"{weekdays[weekday]} {local.day} {months[month]} {local.year:04d}"

    def clock_text(local: datetime) -> str:
        # clock() of the same local time (its zone's offset and name, should a time format show them) is the same.
        key = (local.time(), local.utcoffset(), local.tzname())
        text = times.get(key)
        if text is None:
            text = times[key] = conditional_escape(clock(local))
        return text

    for m in meetings:
        url = address("meetings:detail", twinning.pk, m.pk)
        label = labels.get(m.status)
        if label is None:
            label = labels[m.status] = conditional_escape(m.get_status_display())
        starts, ends = template_localtime(m.starts_at), template_localtime(m.ends_at)
        rows.append(
            f'<li data-testid="meeting" class="meeting-item">\n'
            f'  <a href="{conditional_escape(url)}" dir="auto">{conditional_escape(m.title)}</a>\n'
            f"  · {conditional_escape(day_text(starts))}, "
            f'<span class="ltr">{clock_text(starts)}–{clock_text(ends)}</span>\n'
            f'  <span class="badge{BADGES.get(m.status, "")}">{label}</span>\n'
            f"</li>\n"
        )
    # Every value above went through the templates' own escaping.
    return mark_safe("".join(rows))  # noqa: S308  # nosec B308, B703


def _week_start(value: str | None, today: date) -> date:
    """The first day of the viewer's week (as their language counts weeks) containing the given date."""
    try:
        day = date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    if abs((day - today).days) > 366:
        day = today  # a year either way keeps the page's range (with the heatmap's year) under two years
    first = int(get_format("FIRST_DAY_OF_WEEK"))  # 0 Sunday … 6 Saturday
    return day - timedelta(days=(day.isoweekday() - (first or 7)) % 7)


@login_required
@offline_readable
def twinning_meetings(request, pk: int):
    """The twinning's meetings, its common school time as a week grid and a year heatmap, and the proposal form."""
    twinning = rules.get_twinning_for_meetings(request.user, pk, plan=request.method == "POST")
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    week = _week_start(request.GET.get("week"), today)
    days = [week + timedelta(days=n) for n in range(7)]
    year = current_school_year(today)
    year_first, year_last = date(year, 9, 1), date(year + 1, 7, 31)
    schools = queries.schools_of(twinning)
    rtl = direction(current_language()) == "rtl"
    can_plan = rules.can_plan(twinning)
    error, week_windows, suggested, grid, year_html, why_none = None, [], [], None, "", None
    if len(schools) >= 2:
        try:
            whole = queries.common_time(twinning, min(year_first, week), max(year_last, days[-1]), schools=schools)
        except CalendarError as problem:
            error = str(problem)
        else:
            week_windows = sorted(
                (w for w in whole.windows if days[0] <= w.start.astimezone(zone).date() <= days[-1]),
                key=lambda w: w.start,
            )
            why_none = whole.why_none
            # The engine's ranking (longer first, away from the first and last lesson) over the next four weeks.
            soon = (timezone.now() + timedelta(days=1), timezone.now() + timedelta(days=29))
            suggested = [w for w in whole.windows if soon[0] <= w.start <= soon[1]][:3]
            grid = drawing.week_grid(week_windows, days, zone, rtl=rtl)
            year_html = _year_at_a_glance(
                whole, year_first, year_last, zone, first_weekday=days[0].isoweekday(), today=today, propose=can_plan
            )
    form = MeetingForm(request.POST or None, initial=_initial_from(request.GET.get("at")))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.propose_meeting(
                twinning=twinning,
                by=request.user,
                school=rules.school_of_member(twinning),
                title=form.cleaned_data["title"],
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                agenda=form.cleaned_data["agenda"],
                video_link=form.cleaned_data["video_link"],
                to_be_recorded=form.cleaned_data["to_be_recorded"],
            )
        except ServiceError as problem:
            form.add_error(None, problem.message)
        else:
            messages.success(request, _("The meeting is proposed; the partners are asked to accept it."))
            return redirect("meetings:detail", pk=twinning.pk, meeting_pk=meeting.pk)
    all_meetings = queries.meeting_list_of(twinning)
    now = timezone.now()
    calendars = _date_calendars(schools)
    upcoming = [m for m in all_meetings if m.open and m.ends_at >= now]
    past = [m for m in reversed(all_meetings) if not (m.open and m.ends_at >= now)]
    return render(
        request,
        "meetings/twinning_meetings.html",
        {
            "twinning": twinning,
            "schools": schools,
            "upcoming": upcoming,
            "past": past,
            "upcoming_rows": meeting_rows(upcoming, twinning),
            "past_rows": meeting_rows(past, twinning),
            "week": week,
            "previous_week": week - timedelta(days=7),
            "next_week": week + timedelta(days=7),
            "grid": grid,
            "year_html": year_html,
            "windows": [_window_row(w, schools, calendars) for w in week_windows],
            "suggested": [_window_row(w, schools, calendars) for w in suggested],
            "why_none": why_none,
            "error": error,
            "form": form,
            "proposal_fields": _proposal_fields(form) if can_plan else "",
            "can_plan": can_plan,
            "viewer_zone": str(zone),
            "year_label": school_year_label(year),
        },
    )


# The year's table is laid out and written once per calendar version (see queries.common_time) and reader's
# view of it (language, time zone, first weekday, today, whether they may propose): a page seen again costs a
# cache read. The key holds all that the markup depends on, the code that writes it included, so a kept copy
# is right whichever cache backs it.
YEAR_CACHE_SECONDS = 24 * 3600


@cache_once
def _year_code() -> str:
    """A digest of the code that lays out and writes the year: a release that changes it makes new keys."""
    template = get_template("meetings/_year.html").origin.name
    code = Path(drawing.__file__).read_bytes() + Path(template).read_bytes()
    return hashlib.blake2b(code, digest_size=8).hexdigest()


def _year_at_a_glance(whole, first: date, last: date, zone, *, first_weekday: int, today: date, propose: bool) -> str:
    key = (
        f"meetings:year:{_year_code()}:{whole.version}:{first}:{last}:{current_language()}:{zone}:{first_weekday}:"
        f"{today}:{propose:d}"
    )
    html = cache.get(key)
    if html is None:
        heat = drawing.year_heatmap(
            whole.windows, first, last, zone, first_weekday=first_weekday, today=today, propose=propose
        )
        html = render_to_string("meetings/_year.html", {"heat": heat, "propose": propose})
        cache.set(key, html, YEAR_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308  # nosec B308, B703  # our own template's output, every value escaped there


def _proposal_fields(form: MeetingForm) -> str:
    """The proposal form's fields. An empty form's (nothing typed, no time chosen) are the same for every reader of
    a language, so they are written once per language and kept; a form holding what someone typed or chose is
    written each time."""
    if not form.is_bound and not form.initial:
        return _empty_proposal_fields(current_language())
    return render_to_string("meetings/_proposal_fields.html", {"form": form})


@lru_cache(maxsize=16)
def _empty_proposal_fields(language: str) -> str:
    # Written with `language` active (the caller's, its key); Django's form rendering is a large part of the page.
    return render_to_string("meetings/_proposal_fields.html", {"form": MeetingForm()})


def _forget_written_fields(*, setting, **kwargs) -> None:
    _empty_proposal_fields.cache_clear()  # a test changed the languages, templates or form renderer


setting_changed.connect(_forget_written_fields)


def _window_row(window, schools, calendars) -> dict:
    local = timezone.localtime(window.start)
    week = _week_start(local.date().isoformat(), local.date())
    return {
        "window": window,
        "local": local,
        "local_end": timezone.localtime(window.end),
        "others": _local_times(window.start, window.end, schools),
        "other_dates": _other_dates(local.date(), calendars),
        "propose": f"?week={week.isoformat()}&at={local:%Y-%m-%dT%H:%M}#propose",
    }


def _initial_from(value: str | None) -> dict:
    """A proposal form filled from a window the person clicked (its start, in their time zone)."""
    if not value:
        return {}
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return {}
    return {"day": moment.date(), "start": moment.time(), "minutes": 45}


def _detail(request, meeting: Meeting, *, record_form: RecordForm | None = None, status: int = 200):
    twinning = meeting.twinning
    rows = list(meeting.schools.select_related("school__country"))
    meeting._prefetched_objects_cache = {"schools": rows}
    schools = [row.school for row in rows]
    own = rules.own_answer(meeting)
    if record_form is None:
        record_form = RecordForm(
            initial={
                "held": "no" if meeting.status == Meeting.Status.CANCELLED else "yes",
                "notes": meeting.notes,
                **{f"pupils_{r.school_id}": r.pupils_present for r in rows},
                **{f"teachers_{r.school_id}": r.teachers_present for r in rows},
            },
            schools=schools,
            pupils=_taggable_pupils(meeting, own),
        )
    started = meeting.starts_at <= timezone.now()
    room = _room_panel(request, meeting)
    response = render(
        request,
        "meetings/detail.html",
        {
            "twinning": twinning,
            "meeting": meeting,
            "rows": rows,
            "local_times": _local_times(meeting.starts_at, meeting.ends_at, schools),
            "other_dates": _other_dates(timezone.localtime(meeting.starts_at).date(), _date_calendars(schools)),
            "own": own,
            "can_answer": own is not None and own.answer == "pending" and meeting.status == Meeting.Status.PROPOSED,
            "can_cancel": own is not None and meeting.open,
            "can_record": own is not None and started and meeting.status in services.RECORDABLE,
            "record_form": record_form,
            "answer_form": AnswerForm(),
            "sees_link": rules.sees_video_link(twinning),
            "photos": meeting.photos.filter(status="published"),
            # Pupils of the teacher's school whose families have not agreed to live meetings: kept out of the call.
            "not_live": pupils_without_consent(_taggable_pupils(meeting, own), Use.LIVE)
            if own is not None and meeting.open
            else [],
            "room": room,
        },
        status=status,
    )
    if room is not None and room["origin"]:
        # The join form is answered with a redirect to the provider, which the browser checks against form-action.
        policy = ContentSecurityPolicyMiddleware.POLICY.replace(
            "form-action 'self'", f"form-action 'self' {room['origin']}"
        )
        response["Content-Security-Policy"] = policy
    return response


def _room_panel(request, meeting: Meeting) -> dict | None:
    """The state of a confirmed meeting's video room as this person may see it (never its address)."""
    now = timezone.now()
    if meeting.status != Meeting.Status.CONFIRMED or meeting.ends_at < now:
        return None
    room = MeetingRoom.objects.filter(meeting=meeting).first()
    provider = room.provider if room is not None else rules.provider_kind(meeting.twinning)
    # A typed link needs nothing made; another provider's room is ready once it said so.
    ready = room.ready if room is not None else provider == "link"
    can_join = rules.may_join_room(request.user, meeting, room, now)
    return {
        "ready": ready,
        "failed": room is not None and room.state == MeetingRoom.State.FAILED,
        "problem": services.room_problem_text(room.problem) if room is not None and room.problem else "",
        "provider": provider,
        "opens_at": rules.join_opens(meeting),
        "open": rules.room_is_open(meeting, now),
        "member": rules.in_the_call(meeting.twinning),
        "as_host": rules.joins_as_moderator(meeting),
        "can_join": can_join,
        "origin": services.room_origin(meeting, room) if can_join and room is not None else "",
        "can_retry": not ready and rules.may_retry_room(meeting, now),
        "recorded": ready and meeting.to_be_recorded and rules.may_be_recorded(meeting),
        # A room made by the platform replaces the typed link; teachers keep it while the room is not ready.
        "hides_typed_link": provider != "link" and (ready or not rules.joins_as_moderator(meeting)),
    }


@login_required
@require_POST
def join(request, pk: int, meeting_pk: int):
    """Send the person into the meeting's room with their own signed address: teachers as hosts,
    pupils as attendees who wait in the lobby. The address is never shown on a page."""
    meeting = rules.get_meeting_for_user(request.user, pk, meeting_pk)
    if not rules.in_the_call(meeting.twinning):
        raise Http404  # those who oversee the twinning see the meeting, but are not in the call
    now = timezone.now()
    room = MeetingRoom.objects.filter(meeting=meeting).first()
    if not rules.may_join_room(request.user, meeting, room, now):
        messages.error(request, _("The video room cannot be entered now. The button shows when you can join."))
        return redirect("meetings:detail", pk=pk, meeting_pk=meeting.pk)
    try:
        address = services.join_room(meeting=meeting, user=request.user, now=now)
    except ServiceError as problem:
        messages.error(request, problem.message)
        return redirect("meetings:detail", pk=pk, meeting_pk=meeting.pk)
    response = HttpResponseRedirect(address)
    response["Cache-Control"] = "no-store"  # the address is this person's own way in
    return response


@login_required
@require_POST
def retry_room(request, pk: int, meeting_pk: int):
    """A teacher asks the video service again for a room that is not ready."""
    meeting = rules.get_meeting_for_user(request.user, pk, meeting_pk, plan=True)
    if not rules.may_retry_room(meeting, timezone.now()):
        raise Http404
    room = services.open_room(meeting=meeting, by=request.user)
    if room.ready:
        messages.success(request, _("The video room is ready."))
    else:
        messages.error(request, services.room_problem_text(room.problem))
    return redirect("meetings:detail", pk=pk, meeting_pk=meeting.pk)


@login_required
def detail(request, pk: int, meeting_pk: int):
    return _detail(request, rules.get_meeting_for_user(request.user, pk, meeting_pk))


def _answer(request, pk: int, meeting_pk: int, *, accept: bool):
    meeting = rules.get_meeting_for_user(request.user, pk, meeting_pk, plan=True)
    own = rules.own_answer(meeting)
    if own is None:
        raise Http404
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_meeting(
                meeting=meeting, by=request.user, school=own.school, accept=accept, reason=form.cleaned_data["reason"]
            )
        except ServiceError as problem:
            messages.error(request, problem.message)
        else:
            messages.success(
                request, _("Thank you: the partners are told.") if accept else _("The meeting is declined.")
            )
    return redirect("meetings:detail", pk=pk, meeting_pk=meeting.pk)


@login_required
@require_POST
def accept(request, pk: int, meeting_pk: int):
    """A teacher says the proposed time suits their school's class."""
    return _answer(request, pk, meeting_pk, accept=True)


@login_required
@require_POST
def decline(request, pk: int, meeting_pk: int):
    """A teacher says the proposed time does not suit their school's class, and why."""
    return _answer(request, pk, meeting_pk, accept=False)


@login_required
@require_POST
def cancel(request, pk: int, meeting_pk: int):
    meeting = rules.get_meeting_for_user(request.user, pk, meeting_pk, plan=True)
    if rules.own_answer(meeting) is None:
        raise Http404
    try:
        services.cancel_meeting(meeting=meeting, by=request.user, reason=request.POST.get("reason", "")[:300])
    except ServiceError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, _("The meeting is cancelled; the partners are told."))
    return redirect("meetings:detail", pk=pk, meeting_pk=meeting.pk)


@login_required
@require_POST
def record(request, pk: int, meeting_pk: int):
    meeting = rules.get_meeting_for_user(request.user, pk, meeting_pk, plan=True)
    own = rules.own_answer(meeting)
    if own is None:
        raise Http404
    schools = [row.school for row in meeting.schools.select_related("school")]
    form = RecordForm(request.POST, request.FILES, schools=schools, pupils=_taggable_pupils(meeting, own))
    if form.is_valid():
        try:
            services.record_meeting(
                meeting=meeting,
                by=request.user,
                held=form.cleaned_data["held"],
                attendance=form.counts(),
                notes=form.cleaned_data["notes"],
                photos=form.cleaned_data["photos"],
                pupils=form.cleaned_data["pupils"],
            )
        except ServiceError as problem:
            form.add_error(None, problem.message)
        except UploadRefused as refused:
            form.add_error("photos", str(refused))
        else:
            messages.success(request, _("The meeting's record is saved."))
            return redirect("meetings:detail", pk=pk, meeting_pk=meeting.pk)
    # The form again with its errors and what was typed; nothing was saved.
    return _detail(request, meeting, record_form=form, status=400)


def _taggable_pupils(meeting, own):
    """Pupils of the recording teacher's school in the twinning: the ones its photos can show."""
    return workspace_queries.taggable_pupils(meeting.twinning, own.school_id if own is not None else None)


@login_required
def meeting_ics(request, pk: int, meeting_pk: int):
    meeting = rules.get_meeting_for_user(request.user, pk, meeting_pk)
    body = ics.calendar([meeting], name=meeting.title, with_link=lambda m: rules.sees_video_link(meeting.twinning))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


# --- The personal feed --------------------------------------------------------------------------


@login_required
def feed_settings(request):
    if request.method == "POST":
        services.replace_feed(request.user)
        messages.success(request, _("Your calendar has a new address; the old one no longer works."))
        return redirect("meetings:feed")
    feed = services.feed_of(request.user)
    url = request.build_absolute_uri(reverse("meetings:feed_ics", args=[feed.token]))
    return render(request, "meetings/feed.html", {"feed": feed, "url": url})


def feed_ics(request, token: str):
    """The person's meetings for their calendar application; the secret address is the only key."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token, user__is_active=True)
    since = timezone.now() - timedelta(days=60)
    meetings = list(queries.meetings_for_user(feed.user, since=since))
    linked = queries.video_link_twinning_ids(feed.user)
    body = ics.calendar(meetings, name=_("Twinning meetings"), with_link=lambda m: m.twinning_id in linked)
    CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- School calendars ---------------------------------------------------------------------------


@login_required
def school_calendar(request, school_pk: int):
    """A school's hours, terms, closures and holidays; its teachers and principal change them."""
    school = school_rules.get_school_for_user(request.user, school_pk)
    if request.method == "POST":
        raise Http404  # each change is posted to its own address
    return _calendar_page(request, school)


def _timetable_form(school, data=None) -> TimetableForm:
    """The school's hours as they are now (its own, or the usual ones), and its calendar settings."""
    settings_row = CalendarSettings.objects.filter(school=school).first()
    today = timezone.localdate()
    calendar = queries.calendars_of([school], today, today)[school.pk]
    keeps = festivals_kept(school, settings_row)
    initial = {
        "subdivision": settings_row.subdivision if settings_row else "",
        "date_calendar": settings_row.date_calendar if settings_row else default_date_calendar(school),
        "keeps": list(keeps),
    }
    for weekday, (start, end) in calendar.hours.items():
        initial[f"start_{weekday}"], initial[f"end_{weekday}"] = start, end
    return TimetableForm(
        data,
        initial=initial,
        country=school.country_id,
        country_name=school.country.name,
        first_weekday=SCHOOL_WEEK_DAYS[school.school_week][0],
    )


def _calendar_page(request, school, *, timetable=None, term_form=None, closure_form=None):
    """The calendar page, with the one form that was posted and refused, the others empty."""
    timetable = timetable or _timetable_form(school)
    today = timezone.localdate()
    year = current_school_year(today)
    first, last = date(year, 8, 1), date(year + 1, 7, 31)
    language = current_language()
    date_calendar = timetable.initial["date_calendar"]
    try:
        holidays = [
            {"day": day, "name": name, "other": other_date(day, date_calendar, language) if date_calendar else ""}
            for day, name in holiday_names(school, first, last, language)
        ]
        holiday_error = None
    except CalendarError:
        holidays, holiday_error = [], _("There is no public holiday calendar for this country yet.")
    return render(
        request,
        "meetings/school_calendar.html",
        {
            "school": school,
            "can_edit": school_rules.school_editable_by(request.user, school),
            "timetable": timetable,
            "term_form": term_form or TermForm(prefix="term"),
            "closure_form": closure_form or ClosureForm(prefix="closure"),
            "terms": Term.objects.filter(school=school, last_day__gte=first - timedelta(days=366)),
            "closures": Closure.objects.filter(school=school, last_day__gte=today - timedelta(days=60)),
            "holidays": holidays,
            "holiday_error": holiday_error,
            "own_hours": SchoolDay.objects.filter(school=school).exists(),
            "region_name": region_name(school.country_id, timetable.initial.get("subdivision") or "")
            if timetable.initial.get("subdivision")
            else "",
            "region_missing": (
                region_missing_message(school.country_id, school.country.name)
                if timetable.region_needed and not timetable.initial.get("subdivision")
                else None
            ),
            "year_label": school_year_label(year),
        },
    )


@login_required
@require_POST
def save_school_hours(request, school_pk: int):
    school = school_rules.get_school_for_editor(request.user, school_pk)
    timetable = _timetable_form(school, request.POST)
    if timetable.is_valid():
        try:
            services.save_timetable(
                school=school,
                by=request.user,
                hours=timetable.cleaned_data["hours"],
                subdivision=timetable.cleaned_data["subdivision"],
                date_calendar=timetable.cleaned_data["date_calendar"],
                keeps=tuple(timetable.cleaned_data["keeps"]),
            )
        except ServiceError as problem:
            timetable.add_error(None, problem.message)
        else:
            messages.success(request, _("The school's hours are saved."))
            return redirect("meetings:school_calendar", school_pk=school.pk)
    return _calendar_page(request, school, timetable=timetable)


@login_required
@require_POST
def add_term(request, school_pk: int):
    school = school_rules.get_school_for_editor(request.user, school_pk)
    form = TermForm(request.POST, prefix="term")
    if form.is_valid():
        try:
            services.add_term(school=school, by=request.user, **form.cleaned_data)
        except ServiceError as problem:
            form.add_error(None, problem.message)
        else:
            messages.success(request, _("The term is added."))
            return redirect("meetings:school_calendar", school_pk=school.pk)
    return _calendar_page(request, school, term_form=form)


@login_required
@require_POST
def add_closure(request, school_pk: int):
    school = school_rules.get_school_for_editor(request.user, school_pk)
    form = ClosureForm(request.POST, prefix="closure")
    if form.is_valid():
        try:
            services.add_closure(school=school, by=request.user, **form.cleaned_data)
        except ServiceError as problem:
            form.add_error(None, problem.message)
        else:
            messages.success(request, _("The closure is added."))
            return redirect("meetings:school_calendar", school_pk=school.pk)
    return _calendar_page(request, school, closure_form=form)


def _remove_entry(request, school_pk: int, model):
    """Remove the posted term or closure of the school; an entry that is not the school's is ignored."""
    school = school_rules.get_school_for_editor(request.user, school_pk)
    entry = model.objects.filter(school=school, pk=posted_id(request, "entry")).first()
    if entry is not None:
        services.remove_calendar_entry(entry=entry, by=request.user)
        messages.success(request, _("Removed."))
    return redirect("meetings:school_calendar", school_pk=school.pk)


@login_required
@require_POST
def remove_term(request, school_pk: int):
    return _remove_entry(request, school_pk, Term)


@login_required
@require_POST
def remove_closure(request, school_pk: int):
    return _remove_entry(request, school_pk, Closure)


# --- Coordinators ---------------------------------------------------------------------------------


@login_required
def overview(request):
    """The meetings of every twinning the person oversees, and each one's common school time in the next four weeks."""
    twinnings = twinnings_overseen_by(request.user, statuses=WORKING).order_by(*OVERVIEW_KEYS)
    page = keyset_page(request, twinnings, keys=OVERVIEW_KEYS, size=OVERVIEW_PAGE)
    today = timezone.localdate()
    first, last = today, today + timedelta(days=27)
    ids = [t.pk for t in page.object_list]
    # The page's twinnings by their keys, which the scope above has just given: not the scope asked again.
    rows = queries.overview_for(
        Twinning.objects.filter(pk__in=ids).order_by(*OVERVIEW_KEYS).select_related("programme"), first, last
    )
    return render(request, "meetings/overview.html", {"page": page, "rows": rows, "first": first, "last": last})
