"""Languages and subjects every deployment starts with, named in English, Hebrew and Arabic.

Administrators can add more in the admin site; the rows carry their own names, so no release
is needed for that.
"""

from django.db import migrations

LANGUAGES = {
    "en": ("English", "אנגלית", "الإنجليزية"),
    "he": ("Hebrew", "עברית", "العبرية"),
    "ar": ("Arabic", "ערבית", "العربية"),
    "fr": ("French", "צרפתית", "الفرنسية"),
    "de": ("German", "גרמנית", "الألمانية"),
    "es": ("Spanish", "ספרדית", "الإسبانية"),
    "ru": ("Russian", "רוסית", "الروسية"),
    "pt": ("Portuguese", "פורטוגזית", "البرتغالية"),
    "it": ("Italian", "איטלקית", "الإيطالية"),
    "nl": ("Dutch", "הולנדית", "الهولندية"),
    "pl": ("Polish", "פולנית", "البولندية"),
    "uk": ("Ukrainian", "אוקראינית", "الأوكرانية"),
    "tr": ("Turkish", "טורקית", "التركية"),
    "el": ("Greek", "יוונית", "اليونانية"),
    "yi": ("Yiddish", "יידיש", "اليديشية"),
    "am": ("Amharic", "אמהרית", "الأمهرية"),
}

SUBJECTS = {
    "english-foreign": ("English as a foreign language", "אנגלית כשפה זרה", "اللغة الإنجليزية لغةً أجنبية"),
    "hebrew": ("Hebrew language", "לשון עברית", "اللغة العبرية"),
    "arabic": ("Arabic language", "לשון ערבית", "اللغة العربية"),
    "other-languages": ("Other foreign languages", "שפות זרות אחרות", "لغات أجنبية أخرى"),
    "jewish-studies": ("Jewish studies", "לימודי יהדות", "الدراسات اليهودية"),
    "religious-education": ("Religious education", "חינוך דתי", "التربية الدينية"),
    "history": ("History", "היסטוריה", "التاريخ"),
    "geography": ("Geography", "גאוגרפיה", "الجغرافيا"),
    "civics": ("Civics and citizenship", "אזרחות", "التربية المدنية والمواطنة"),
    "social-studies": ("Social studies", "לימודי חברה", "الدراسات الاجتماعية"),
    "literature": ("Literature", "ספרות", "الأدب"),
    "mathematics": ("Mathematics", "מתמטיקה", "الرياضيات"),
    "science": ("Science", "מדעים", "العلوم"),
    "environment": ("Environment and sustainability", "סביבה וקיימות", "البيئة والاستدامة"),
    "computing": ("Computing and digital skills", "מחשבים ומיומנויות דיגיטליות", "الحاسوب والمهارات الرقمية"),
    "arts": ("Visual arts", "אמנות", "الفنون البصرية"),
    "music": ("Music", "מוזיקה", "الموسيقى"),
    "physical-education": ("Physical education", "חינוך גופני", "التربية البدنية"),
    "primary-class": (
        "Primary class teaching (all subjects)",
        "הוראה בכיתה יסודית (כל המקצועות)",
        "تدريس صفوف المرحلة الابتدائية (جميع المواد)",
    ),
    "special-education": ("Special education", "חינוך מיוחד", "التربية الخاصة"),
}


def names(triple):
    en, he, ar = triple
    return {"en": en, "he": he, "ar": ar}


def add(apps, schema_editor):
    Language = apps.get_model("schools", "Language")
    Subject = apps.get_model("schools", "Subject")
    for code, triple in LANGUAGES.items():
        Language.objects.update_or_create(code=code, defaults={"names": names(triple)})
    for code, triple in SUBJECTS.items():
        Subject.objects.update_or_create(code=code, defaults={"names": names(triple)})


def remove(apps, schema_editor):
    apps.get_model("schools", "Language").objects.filter(code__in=LANGUAGES).delete()
    apps.get_model("schools", "Subject").objects.filter(code__in=SUBJECTS).delete()


class Migration(migrations.Migration):
    dependencies = [("schools", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
