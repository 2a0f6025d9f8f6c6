"""Themes every deployment starts with, named in English, Hebrew and Arabic.

They follow the priorities NSOs set for their teachers (well-being, digital learning, citizenship,
environment…). Administrators add more in the admin site; the rows carry their own names.
"""

from django.db import migrations

THEMES = {
    "well-being": ("Well-being at school", "רווחה ומיטביות בבית הספר", "الرفاه في المدرسة"),
    "digital-learning": ("Digital learning", "למידה דיגיטלית", "التعلّم الرقمي"),
    "citizenship": ("Citizenship and democracy", "אזרחות ודמוקרטיה", "المواطنة والديمقراطية"),
    "climate": ("Climate and sustainability", "אקלים וקיימות", "المناخ والاستدامة"),
    "inclusion": ("Inclusion and diversity", "הכלה ושונות", "الدمج والتنوّع"),
    "languages-cultures": ("Languages and cultures", "שפות ותרבויות", "اللغات والثقافات"),
    "heritage-identity": ("Heritage and identity", "מורשת וזהות", "التراث والهوية"),
    "project-pedagogy": ("Project-based learning", "למידה מבוססת פרויקטים", "التعلّم القائم على المشاريع"),
    "school-leadership": ("School leadership", "מנהיגות בית־ספרית", "القيادة المدرسية"),
    "ambassadors": ("Ambassadors and mentors", "שגרירים ומנטורים", "السفراء والمرشدون"),
}


def add(apps, schema_editor):
    Theme = apps.get_model("communities", "Theme")
    for position, (code, (en, he, ar)) in enumerate(THEMES.items()):
        Theme.objects.update_or_create(
            code=code, defaults={"names": {"en": en, "he": he, "ar": ar}, "position": position}
        )


def remove(apps, schema_editor):
    apps.get_model("communities", "Theme").objects.filter(code__in=THEMES).delete()


class Migration(migrations.Migration):
    dependencies = [("communities", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
