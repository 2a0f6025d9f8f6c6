from django.urls import reverse


def test_language_switch_for_visitor_sets_cookie_and_direction(client, db):
    response = client.post(reverse("accounts:set_language"), {"language": "he", "next": reverse("accounts:login")})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert client.cookies["twinning_language"].value == "he"
    assert '<html lang="he" dir="rtl">' in client.get(reverse("accounts:login")).content.decode()


def test_language_switch_is_remembered_on_the_account_across_devices(client, cast):
    user = cast.teacher_a.user
    client.force_login(user)

    client.post(reverse("accounts:set_language"), {"language": "ar", "next": "/dashboard/"})

    user.refresh_from_db()
    assert user.preferred_language == "ar"
    other_device = type(client)()
    other_device.force_login(user)
    assert '<html lang="ar" dir="rtl">' in other_device.get(reverse("dashboard")).content.decode()


def test_english_is_left_to_right(client, cast):
    client.force_login(cast.teacher_a.user)

    assert '<html lang="en" dir="ltr">' in client.get(reverse("dashboard")).content.decode()


def test_language_switch_refuses_unknown_language_and_foreign_next(client, cast):
    user = cast.teacher_a.user
    client.force_login(user)

    response = client.post(reverse("accounts:set_language"), {"language": "xx", "next": "https://evil.example/"})

    assert response["Location"] == reverse("home")
    user.refresh_from_db()
    assert user.preferred_language == "en"


def test_browser_language_is_used_for_visitors(client, db):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5")

    assert '<html lang="ar" dir="rtl">' in response.content.decode()


def test_every_page_has_the_language_switcher(client, cast):
    client.force_login(cast.nso_il)
    for name in ["dashboard", "schools:queue", "accounts:profile", "schools:directory"]:
        body = client.get(reverse(name)).content.decode()
        assert 'action="/accounts/language/"' in body, name
