"""The occasions an activity can be tagged with, named in English, Hebrew and Arabic.

They are data, not code: an NSO adds its own national days in the admin without a release.
"""

from django.db import migrations

OCCASIONS = [
    ("start_of_year", "The first weeks of the school year", "תחילת שנת הלימודים", "بداية العام الدراسي"),
    ("rosh_hashanah", "Rosh Hashanah", "ראש השנה", "رأس السنة العبرية"),
    ("sukkot", "Sukkot", "סוכות", "عيد العُرش (سوكوت)"),
    ("peace_day", "International Day of Peace (21 September)", "יום השלום הבינלאומי", "اليوم الدولي للسلام (21 أيلول)"),
    ("hanukkah", "Hanukkah", "חנוכה", "عيد الأنوار (حانوكا)"),
    ("christmas", "Christmas", "חג המולד", "عيد الميلاد المجيد"),
    ("new_year", "New Year", "השנה האזרחית החדשה", "رأس السنة الميلادية"),
    (
        "holocaust_remembrance",
        "International Holocaust Remembrance Day (27 January)",
        "יום הזיכרון הבינלאומי לשואה",
        "اليوم الدولي لإحياء ذكرى ضحايا المحرقة (27 كانون الثاني)",
    ),
    ("tu_bishvat", "Tu BiShvat", "ט״ו בשבט", "عيد الأشجار (طو بشباط)"),
    (
        "mother_language_day",
        "International Mother Language Day (21 February)",
        "יום שפת האם הבינלאומי",
        "اليوم الدولي للغة الأم (21 شباط)",
    ),
    ("purim", "Purim", "פורים", "عيد المساخر (بوريم)"),
    ("ramadan", "Ramadan", "רמדאן", "شهر رمضان"),
    ("eid_al_fitr", "Eid al-Fitr", "עיד אל-פיטר", "عيد الفطر"),
    ("passover", "Passover", "פסח", "عيد الفصح اليهودي"),
    ("easter", "Easter", "חג הפסחא", "عيد الفصح المجيد"),
    ("earth_day", "Earth Day (22 April)", "יום כדור הארץ", "يوم الأرض العالمي (22 نيسان)"),
    ("yom_haatzmaut", "Yom Ha'atzmaut (Israel's Independence Day)", "יום העצמאות", "يوم استقلال إسرائيل"),
    ("europe_day", "Europe Day (9 May)", "יום אירופה", "يوم أوروبا (9 أيار)"),
    ("eid_al_adha", "Eid al-Adha", "עיד אל-אדחא", "عيد الأضحى"),
    ("shavuot", "Shavuot", "שבועות", "عيد الأسابيع (شفوعوت)"),
    ("national_day", "A national day", "יום לאומי", "يوم وطني"),
    ("end_of_year", "The end of the school year", "סוף שנת הלימודים", "نهاية العام الدراسي"),
]


def add(apps, schema_editor):
    Occasion = apps.get_model("library", "Occasion")
    Occasion.objects.bulk_create(
        Occasion(code=code, position=position, names={"en": en, "he": he, "ar": ar})
        for position, (code, en, he, ar) in enumerate(OCCASIONS)
    )


def remove(apps, schema_editor):
    apps.get_model("library", "Occasion").objects.filter(code__in=[o[0] for o in OCCASIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
