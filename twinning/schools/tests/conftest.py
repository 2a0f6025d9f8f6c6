"""What the sign-up form is sent, for the schools tests."""

PASSWORD = "twinning-with-friends-2026"


def signup_data(cast, **overrides):
    data = {
        "full_name": "Miriam Katz",
        "email": "Miriam.Katz@Example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "country": "IL",
        "school": str(cast.school_a.pk),
        "subjects": ["history"],
        "languages": ["en", "he"],
    }
    data.update(overrides)
    return data


def new_school_data(cast, **overrides):
    data = signup_data(cast, school="")
    data.update(
        {
            "new_school_name": "Galil Democratic School",
            "new_school_native_name": "בית הספר הדמוקרטי גליל",
            "new_school_city": "Karmiel",
            "new_school_type": "public",
            "new_school_age_from": "6",
            "new_school_age_to": "12",
            "new_school_languages": ["he"],
            "new_school_time_zone": "Asia/Jerusalem",
            "new_school_week": "sun_fri",
        }
    )
    data.update(overrides)
    return data
