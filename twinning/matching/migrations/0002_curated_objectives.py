"""The curated objectives every deployment starts with, in English, Hebrew and Arabic.

Coordinators can add more in the admin site; each row carries its own names.
"""

from django.db import migrations

OBJECTIVES = {
    "identity": ("Identity and belonging", "זהות ושייכות", "الهوية والانتماء"),
    "peoplehood": (
        "Jewish peoplehood and connection to Israel",
        "עמיות יהודית וקשר לישראל",
        "الانتماء للشعب اليهودي والصلة بإسرائيل",
    ),
    "intercultural": ("Intercultural understanding", "הבנה בין־תרבותית", "التفاهم بين الثقافات"),
    "language_practice": ("Practising a foreign language", "תרגול שפה זרה", "ممارسة لغة أجنبية"),
    "citizenship": ("Citizenship and democracy", "אזרחות ודמוקרטיה", "المواطنة والديمقراطية"),
    "environment": ("Environment and climate", "סביבה ואקלים", "البيئة والمناخ"),
    "wellbeing": ("Well-being", "רווחה רגשית", "الرفاه النفسي"),
    "digital": ("Digital skills", "מיומנויות דיגיטליות", "المهارات الرقمية"),
    "arts": ("Arts and creativity", "אמנות ויצירתיות", "الفنون والإبداع"),
    "science": ("Science and discovery", "מדע וגילוי", "العلوم والاكتشاف"),
    "heritage": ("Heritage and history", "מורשת והיסטוריה", "التراث والتاريخ"),
    "dialogue": ("Dialogue and peace education", "דיאלוג וחינוך לשלום", "الحوار والتربية على السلام"),
    "inclusion": ("Inclusion and diversity", "הכלה וגיוון", "الدمج والتنوع"),
    "entrepreneurship": ("Entrepreneurship", "יזמות", "ريادة الأعمال"),
    "media_literacy": ("Media literacy", "אוריינות תקשורת", "التربية الإعلامية"),
    "festivals": ("Festivals and traditions", "חגים ומסורות", "الأعياد والتقاليد"),
}


def add(apps, schema_editor):
    Objective = apps.get_model("matching", "Objective")
    for code, (en, he, ar) in OBJECTIVES.items():
        Objective.objects.update_or_create(code=code, defaults={"names": {"en": en, "he": he, "ar": ar}})


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
