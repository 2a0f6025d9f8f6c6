import re

import pytest
from django.core import mail
from django.urls import reverse

from twinning import testing
from twinning.accounts.models import User
from twinning.common.models import AuditEntry
from twinning.schools.models import School, TeacherProfile, ValidationStatus
from twinning.schools.tests.conftest import new_school_data, signup_data


def test_signup_with_existing_school_creates_pending_teacher_and_sends_confirmation(
    client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("schools:signup"), signup_data(cast))

    assert response.status_code == 302
    assert response["Location"] == reverse("schools:signup_sent")
    assert "_auth_user_id" not in client.session, "she signs in once she has read her e-mail"
    user = User.objects.get(email="miriam.katz@example.org")
    assert user.email_confirmed_at is None
    assert user.time_zone == "Asia/Jerusalem"
    teacher = user.teacher
    assert teacher.school == cast.school_a
    assert teacher.status == ValidationStatus.PENDING
    assert sorted(teacher.languages.values_list("code", flat=True)) == ["en", "he"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["miriam.katz@example.org"]
    assert AuditEntry.objects.filter(action="teacher.registered", target_id=teacher.pk).count() == 1


def test_signup_with_new_school_creates_pending_school(client, cast):
    response = client.post(reverse("schools:signup"), new_school_data(cast))

    assert response.status_code == 302
    school = School.objects.get(name="Galil Democratic School")
    assert school.status == ValidationStatus.PENDING
    assert school.native_name == "בית הספר הדמוקרטי גליל"
    assert school.created_by.email == "miriam.katz@example.org"
    assert TeacherProfile.objects.get(user__email="miriam.katz@example.org").school == school


def test_signup_in_hebrew_sends_hebrew_email_and_remembers_language(client, cast, django_capture_on_commit_callbacks):
    client.cookies["twinning_language"] = "he"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("schools:signup"), signup_data(cast))

    assert User.objects.get(email="miriam.katz@example.org").preferred_language == "he"
    html = mail.outbox[0].alternatives[0][0]
    assert 'dir="rtl"' in html
    assert re.search("[\u0590-\u05ff]", mail.outbox[0].subject)


def test_signup_with_an_address_that_has_an_account_answers_as_for_a_new_one(
    client, cast, django_capture_on_commit_callbacks
):
    existing = cast.teacher_a.user
    existing.preferred_language = "he"
    existing.save(update_fields=["preferred_language"])
    counts_before = {model: model.objects.count() for model in (User, School, TeacherProfile)}

    with django_capture_on_commit_callbacks(execute=True):
        new = testing.Client().post(reverse("schools:signup"), new_school_data(cast), follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(
            reverse("schools:signup"),
            new_school_data(cast, email=existing.email.upper(), new_school_name="Another School"),
            follow=True,
        )

    def seen(response):
        return response.status_code, response.redirect_chain, page_text(response)

    assert seen(taken) == seen(new)
    # Nothing new for the taken address: only the other sign-up's account, teacher and school.
    assert {model: model.objects.count() - n for model, n in counts_before.items()} == {
        User: 1,
        School: 1,
        TeacherProfile: 1,
    }
    assert not School.objects.filter(name="Another School").exists()
    existing.refresh_from_db()
    assert existing.check_password("a-long-test-passphrase-42")
    # Its owner is told, in her language, with links to sign in and to reset the password.
    notice = mail.outbox[-1]
    assert notice.to == [existing.email]
    assert re.search("[\u0590-\u05ff]", notice.subject)
    assert "http://127.0.0.1:8000/accounts/sign-in/" in notice.body
    assert "http://127.0.0.1:8000/accounts/password/reset/" in notice.body
    assert 'dir="rtl"' in notice.alternatives[0][0]
    entry = AuditEntry.objects.get(action="account.signup_attempted")
    assert (entry.actor, entry.target_id) == (None, existing.pk)


def page_text(response) -> str:
    """The page without the values that differ on every request (CSRF tokens)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_signup_with_a_taken_address_tells_its_owner_at_most_once_an_hour(
    client, cast, clock, django_capture_on_commit_callbacks
):
    existing = cast.teacher_a.user
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("schools:signup"), signup_data(cast, email=existing.email))
    clock.advance(minutes=61)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("schools:signup"), signup_data(cast, email=existing.email))

    assert [message.to for message in mail.outbox] == [[existing.email], [existing.email]]
    assert AuditEntry.objects.filter(action="account.signup_attempted").count() == 4


def test_signup_from_one_address_is_limited_per_hour_and_keeps_what_was_typed(client, cast, settings):
    settings.SIGNIN_THROTTLE = {**settings.SIGNIN_THROTTLE, "SIGNUPS_PER_HOUR": 2}
    for n in range(2):
        client.post(reverse("schools:signup"), signup_data(cast, email=f"teacher{n}@example.org"))

    response = client.post(reverse("schools:signup"), signup_data(cast, email="teacher9@example.org"))

    assert response.status_code == 429
    body = response.content.decode()
    assert "Many people have joined from your network in the last hour" in body
    assert 'value="teacher9@example.org"' in body
    assert not User.objects.filter(email="teacher9@example.org").exists()
    other = testing.Client().post(
        reverse("schools:signup"), signup_data(cast, email="teacher8@example.org"), REMOTE_ADDR="198.51.100.8"
    )
    assert other.status_code == 302


def test_signup_unknown_school_is_a_field_error(client, cast):
    response = client.post(reverse("schools:signup"), signup_data(cast, school="999999"))

    assert response.status_code == 200
    assert response.context["form"].errors["school"] == [
        "We could not find that school. Search again, or register it as a new school."
    ]
    assert not User.objects.filter(email="miriam.katz@example.org").exists()


def test_signup_school_from_another_country_is_refused(client, cast):
    response = client.post(reverse("schools:signup"), signup_data(cast, school=str(cast.school_b.pk)))

    assert response.context["form"].errors["school"] == ["This school is not in the country you chose."]


def test_signup_without_school_asks_for_one(client, cast):
    response = client.post(reverse("schools:signup"), signup_data(cast, school=""))

    assert response.context["form"].errors["school"] == [
        "Choose your school from the list, or register it as a new school below."
    ]


def test_signup_incomplete_new_school_marks_each_missing_field(client, cast):
    response = client.post(reverse("schools:signup"), new_school_data(cast, new_school_city="", new_school_week=""))

    errors = response.context["form"].errors
    assert errors["new_school_city"] == ["This is needed to register a new school."]
    assert errors["new_school_week"] == ["This is needed to register a new school."]
    assert not School.objects.filter(name="Galil Democratic School").exists()


def test_signup_new_school_ages_in_wrong_order_is_refused(client, cast):
    response = client.post(
        reverse("schools:signup"), new_school_data(cast, new_school_age_from="14", new_school_age_to="8")
    )

    assert response.context["form"].errors["new_school_age_to"] == [
        "The oldest pupils cannot be younger than the youngest."
    ]


def test_signup_new_school_that_already_exists_points_to_it(client, cast):
    response = client.post(
        reverse("schools:signup"), new_school_data(cast, new_school_name="reali school", new_school_city="Springfield")
    )

    assert "Reali School in Springfield is already registered" in response.content.decode()
    assert School.objects.filter(name__iexact="reali school").count() == 1


def test_signup_weak_password_is_refused(client, cast):
    response = client.post(
        reverse("schools:signup"), signup_data(cast, password1="12345678901", password2="12345678901")
    )

    assert "password1" in response.context["form"].errors
    assert not User.objects.filter(email="miriam.katz@example.org").exists()


def test_signup_errors_are_in_the_persons_language(client, cast):
    client.cookies["twinning_language"] = "ar"
    response = client.post(reverse("schools:signup"), signup_data(cast, password2="something-else-entirely"))

    error = response.context["form"].errors["password2"][0]
    assert re.search("[\u0600-\u06ff]", error), error
    assert '<html lang="ar" dir="rtl">' in response.content.decode()


def test_signup_find_school_without_javascript_lists_matches_without_errors(client, cast):
    response = client.post(
        reverse("schools:signup_find_school"), {"country": "IL", "school_search": "real", "full_name": "Miriam"}
    )

    assert response.status_code == 200
    assert [s.pk for s in response.context["school_choices"]] == [cast.school_a.pk]
    assert "Please correct the marked fields." not in response.content.decode()
    assert 'value="Miriam"' in response.content.decode()


def test_find_my_school_is_its_own_action_and_never_signs_up(client, cast):
    page = client.get(reverse("schools:signup")).content.decode()
    assert f'formaction="{reverse("schools:signup_find_school")}"' in page
    assert client.get(reverse("schools:signup_find_school")).status_code == 405

    # Even a complete, valid form only shows the matches: signing up is the other button's.
    response = client.post(reverse("schools:signup_find_school"), signup_data(cast, school_search="real"))

    assert response.status_code == 200
    assert [s.pk for s in response.context["school_choices"]] == [cast.school_a.pk]
    assert not User.objects.filter(email__iexact="miriam.katz@example.org").exists()
    assert mail.outbox == []


def test_signup_school_search_partial_is_scoped_to_country(client, cast):
    response = client.get(
        reverse("schools:signup_school_search"), {"country": "GB", "school_search": "school"}, HTTP_HX_REQUEST="true"
    )

    assert [s.pk for s in response.context["school_choices"]] == [cast.school_b.pk]
    assert "<html" not in response.content.decode()


@pytest.mark.parametrize("status", [ValidationStatus.REJECTED])
def test_signup_search_never_offers_rejected_schools(client, cast, status):
    cast.school_b.status = status
    cast.school_b.save(update_fields=["status"])
    response = client.get(reverse("schools:signup_school_search"), {"country": "GB", "school_search": "King"})

    assert response.context["school_choices"] == []


def test_signup_choices_are_in_alphabetical_order_of_the_readers_language(client, db):
    client.cookies["twinning_language"] = "he"
    form = client.get(reverse("schools:signup")).context["form"]

    labels = [label for _value, label in form.fields["languages"].choices]

    assert labels == sorted(labels)
    assert labels[0] == "אוקראינית"


def what_the_browser_sends(page: str, **typed) -> dict:
    """The sign-up form's fields as a browser submits them untouched: each select's chosen (or first)
    option, text as typed, and no checkbox or radio ticked."""
    import lxml.html

    form = lxml.html.fromstring(page).xpath("//form[.//input[@name='password1']]")[0]
    data = {}
    for select in form.xpath(".//select"):
        options = select.xpath(".//option")
        chosen = [o for o in options if o.get("selected") is not None] or options[:1]
        data[select.get("name")] = chosen[0].get("value", chosen[0].text_content()) if chosen else ""
    for field in form.xpath(".//input[not(@type='checkbox') and not(@type='radio') and not(@type='submit')]"):
        data[field.get("name")] = field.get("value", "")
    data.update(typed)
    return data


def test_a_teacher_who_searched_but_did_not_tick_her_school_is_asked_to_choose_it(client, cast):
    page = client.get(reverse("schools:signup")).content.decode()
    data = what_the_browser_sends(
        page,
        full_name="Noa Bar",
        email="noa.bar@example.org",
        password1=testing.PASSWORD,
        password2=testing.PASSWORD,
        country="IL",
        school_search="ריאלי",
        subjects=["history"],
        languages=["he"],
    )

    errors = client.post(reverse("schools:signup"), data).context["form"].errors

    assert errors["school"] == ["Choose your school from the list, or register it as a new school below."]
    assert not any(name.startswith("new_school") for name in errors)


@pytest.mark.parametrize("name", ["المدرسة الثانوية", "בית ספר גליל", "Galil בית"])
def test_a_new_schools_latin_name_refuses_other_scripts(client, cast, name):
    response = client.post(reverse("schools:signup"), new_school_data(cast, new_school_name=name))

    assert response.context["form"].errors["new_school_name"] == [
        "Write the name in Latin letters, as it is written in English. "
        "Its spelling in the school's own script goes in the next field."
    ]
    assert not School.objects.filter(city="Karmiel").exists()


@pytest.mark.parametrize("name", ["École Française de Jérusalem", "Ramallah Secondary School for Girls", "Yeshiva 3"])
def test_latin_names_with_accents_and_digits_are_fine(name):
    from twinning.schools.forms import validate_latin_letters

    validate_latin_letters(name)


def test_the_website_is_written_left_to_right(client, cast):
    page = client.get(reverse("schools:signup")).content.decode()
    field = re.search(r'<input[^>]*name="new_school_website"[^>]*>', page).group()
    assert 'dir="ltr"' in field
