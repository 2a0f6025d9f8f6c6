"""The demo network's data: countries, NSOs, programmes, schools, names, bios.

School and person names are invented (a name may resemble a real one by kind, never by data);
cities, time zones and school weeks are real. ``manage.py load_demo`` turns this into rows.
"""

from dataclasses import dataclass

DEMO_DOMAIN = "demo.twinning.test"
SITE_URL = "http://127.0.0.1:8000"
SIGN_INS_FILE = "demo-sign-ins.txt"
# The demo is "already loaded" when this NSO exists.
MARKER_NSO = "il"
TEACHERS = 150

# code: (English, Hebrew, Arabic, usual time zone, usual school week)
COUNTRIES = {
    "IL": ("Israel", "ישראל", "إسرائيل", "Asia/Jerusalem", "sun_fri"),
    # Public and UNRWA schools close on Friday and Saturday.
    "PS": ("Palestine", "פלסטין", "فلسطين", "Asia/Hebron", "sun_thu"),
    "JO": ("Jordan", "ירדן", "الأردن", "Asia/Amman", "sun_thu"),
    "GB": ("United Kingdom", "הממלכה המאוחדת", "المملكة المتحدة", "Europe/London", "mon_fri"),
    "US": ("United States", "ארצות הברית", "الولايات المتحدة", "America/New_York", "mon_fri"),
    "CA": ("Canada", "קנדה", "كندا", "America/Toronto", "mon_fri"),
    "FR": ("France", "צרפת", "فرنسا", "Europe/Paris", "mon_fri"),
    "DE": ("Germany", "גרמניה", "ألمانيا", "Europe/Berlin", "mon_fri"),
    "AR": ("Argentina", "ארגנטינה", "الأرجنتين", "America/Argentina/Buenos_Aires", "mon_fri"),
    "AU": ("Australia", "אוסטרליה", "أستراليا", "Australia/Sydney", "mon_fri"),
}

D, E = "israel-diaspora", "etwinning"

PROGRAMMES = {
    D: (
        ("Israel–diaspora school twinning", "תאומות בתי ספר ישראל–תפוצות", "توأمة المدارس بين إسرائيل والشتات"),
        (
            "Jewish day and supplementary schools around the world twinned with schools in Israel: "
            "letters, video meetings and shared projects.",
            "בתי ספר יהודיים יומיים ומשלימים ברחבי העולם בתאומות עם בתי ספר בישראל: "
            "מכתבים, מפגשי וידאו ופרויקטים משותפים.",
            "مدارس يهودية نهارية وتكميلية حول العالم في توأمة مع مدارس في إسرائيل: "
            "رسائل ولقاءات عبر الفيديو ومشاريع مشتركة.",
        ),
        ("IL", "GB", "US", "CA", "FR", "DE", "AR", "AU"),
    ),
    E: (
        ("eTwinning Europe and the region", "eTwinning אירופה והאזור", "eTwinning أوروبا والمنطقة"),
        (
            "Schools in Europe and around the Mediterranean working together on shared classroom projects.",
            "בתי ספר באירופה ובאגן הים התיכון עובדים יחד על פרויקטים משותפים בכיתה.",
            "مدارس في أوروبا وحوض البحر الأبيض المتوسط تعمل معاً على مشاريع صفية مشتركة.",
        ),
        ("PS", "JO", "GB", "FR", "DE", "IL"),
    ),
}


@dataclass(frozen=True)
class SchoolSpec:
    country: str
    name: str
    native_name: str
    city: str
    school_type: str
    ages: tuple[int, int]
    languages: str
    programmes: tuple[str, ...]
    time_zone: str = ""  # "" for the country's usual one
    week: str = ""  # "" for the country's usual one
    pending: bool = False  # registered by a new teacher, waiting for the NSO


S = SchoolSpec
# Supplementary schools meet on Sunday mornings and weekday afternoons: Sunday to Thursday is the
# nearest school week that has Sunday in it.
SUPP = "sun_thu"
SCHOOLS = [
    # Israel: state, state-religious and a few private schools, Hebrew names.
    S("IL", "Reali School", "בית הספר הריאלי", "Haifa", "private", (12, 18), "he en", (D,)),
    S(
        "IL",
        "Ironi Aleph High School",
        "תיכון עירוני א'",
        "Tel Aviv",
        "public",
        (14, 18),
        "he en",
        (D, E),
        week="sun_thu",
    ),
    S("IL", "Givat Ram Comprehensive School", "בית הספר המקיף גבעת רם", "Jerusalem", "public", (12, 18), "he en", (D,)),
    S("IL", "Ramot Elementary School", "בית הספר היסודי רמות", "Jerusalem", "public", (6, 12), "he", (D,)),
    S("IL", "Makif Gimel Be'er Sheva", "מקיף ג' באר שבע", "Be'er Sheva", "public", (12, 18), "he en ru", (D,)),
    S("IL", "Yavne Ulpana for Girls", "אולפנת יבנה", "Yavne", "religious", (12, 18), "he", (D,)),
    S("IL", "Kfar Saba Green School", "בית הספר הירוק כפר סבא", "Kfar Saba", "public", (6, 12), "he", (D,)),
    S("IL", "Hadar Middle School", "חטיבת הביניים הדר", "Haifa", "public", (12, 15), "he en", (D, E)),
    S(
        "IL",
        "Modi'in Democratic School",
        "בית הספר הדמוקרטי מודיעין",
        "Modi'in",
        "private",
        (6, 18),
        "he en",
        (D,),
        week="sun_thu",
    ),
    S(
        "IL",
        "Netanya Science High School",
        "תיכון מדעים נתניה",
        "Netanya",
        "public",
        (14, 18),
        "he en fr",
        (D, E),
        week="sun_thu",
    ),
    S("IL", "Galil Elementary School", "בית הספר היסודי גליל", "Karmiel", "public", (6, 12), "he ru", (D,)),
    S(
        "IL",
        "Eilat Regional High School",
        "התיכון האזורי אילת",
        "Eilat",
        "public",
        (12, 18),
        "he en",
        (D,),
        pending=True,
    ),
    # Palestine: Palestinian Authority schools and UNRWA schools in the West Bank refugee camps.
    S(
        "PS",
        "Ramallah Secondary School for Girls",
        "مدرسة بنات رام الله الثانوية",
        "Ramallah",
        "public",
        (15, 18),
        "ar en",
        (E,),
    ),
    S("PS", "Al-Bireh Basic School for Boys", "مدرسة ذكور البيرة الأساسية", "Al-Bireh", "public", (6, 15), "ar", (E,)),
    S(
        "PS",
        "Balata Boys' Preparatory School (UNRWA)",
        "مدرسة ذكور بلاطة الإعدادية",
        "Nablus",
        "refugee",
        (6, 15),
        "ar en",
        (E,),
    ),
    S("PS", "Aida Camp Girls' School (UNRWA)", "مدرسة بنات مخيم عايدة", "Bethlehem", "refugee", (6, 15), "ar", (E,)),
    S(
        "PS",
        "Jalazone Co-educational School (UNRWA)",
        "مدرسة الجلزون المختلطة",
        "Jalazone",
        "refugee",
        (6, 12),
        "ar",
        (E,),
    ),
    S(
        "PS",
        "Hebron Secondary School for Boys",
        "مدرسة الخليل الثانوية للبنين",
        "Hebron",
        "public",
        (15, 18),
        "ar en",
        (E,),
    ),
    S("PS", "Al-Amal School Bethlehem", "مدرسة الأمل - بيت لحم", "Bethlehem", "private", (4, 18), "ar en", (E,)),
    S("PS", "Nablus Model School", "المدرسة النموذجية - نابلس", "Nablus", "private", (6, 18), "ar en", (E,)),
    S("PS", "Jericho Secondary School", "مدرسة أريحا الثانوية", "Jericho", "public", (15, 18), "ar en", (E,)),
    S(
        "PS",
        "Jenin Basic School for Girls",
        "مدرسة بنات جنين الأساسية",
        "Jenin",
        "public",
        (6, 15),
        "ar",
        (E,),
        pending=True,
    ),
    # Jordan.
    S(
        "JO",
        "Jabal Amman Secondary School for Girls",
        "مدرسة جبل عمان الثانوية للبنات",
        "Amman",
        "public",
        (12, 18),
        "ar en",
        (E,),
    ),
    S(
        "JO",
        "Baqa'a Preparatory Boys' School (UNRWA)",
        "مدرسة ذكور البقعة الإعدادية",
        "Baqa'a",
        "refugee",
        (6, 15),
        "ar",
        (E,),
    ),
    # United Kingdom: Jewish day and supplementary schools, and state schools in eTwinning.
    S("GB", "Hendon Jewish Primary School", "", "London", "day", (4, 11), "en he", (D,)),
    S("GB", "Edgware Jewish Secondary School", "", "London", "day", (11, 18), "en he", (D,)),
    S("GB", "Prestwich Jewish Grammar School", "", "Manchester", "day", (11, 18), "en he", (D,)),
    S("GB", "Leeds Hebrew Classes", "", "Leeds", "supplementary", (5, 13), "en he", (D,), week=SUPP),
    S("GB", "Giffnock Sunday Cheder", "", "Glasgow", "supplementary", (5, 13), "en he", (D,), week=SUPP),
    S("GB", "Oakfield Academy", "", "Birmingham", "public", (11, 18), "en", (E,)),
    S("GB", "St Anne's Church of England Primary School", "", "Bristol", "public", (4, 11), "en", (E,)),
    S("GB", "Riverside Community College", "", "Leicester", "public", (11, 16), "en", (E,)),
    # United States: day schools and congregational (supplementary) schools across four time zones.
    S("US", "Riverdale Hebrew Academy", "", "New York", "day", (5, 14), "en he", (D,)),
    S("US", "Upper West Side Jewish Day School", "", "New York", "day", (5, 14), "en he", (D,)),
    S(
        "US",
        "Shalom Academy of Los Angeles",
        "",
        "Los Angeles",
        "day",
        (5, 18),
        "en he",
        (D,),
        time_zone="America/Los_Angeles",
    ),
    S(
        "US",
        "Temple Beth Torah Religious School",
        "",
        "Chicago",
        "supplementary",
        (5, 13),
        "en he",
        (D,),
        time_zone="America/Chicago",
        week=SUPP,
    ),
    S("US", "Brookline Community Hebrew School", "", "Boston", "supplementary", (5, 13), "en he", (D,), week=SUPP),
    S("US", "Miami Hebrew Academy", "", "Miami", "day", (4, 18), "en he es", (D,)),
    S("US", "Denver Jewish Day School", "", "Denver", "day", (5, 14), "en he", (D,), time_zone="America/Denver"),
    S(
        "US",
        "Bay Area Midrasha",
        "",
        "San Francisco",
        "supplementary",
        (13, 18),
        "en he",
        (D,),
        time_zone="America/Los_Angeles",
        week=SUPP,
    ),
    S(
        "US",
        "Phoenix Hebrew High School",
        "",
        "Phoenix",
        "day",
        (14, 18),
        "en he",
        (D,),
        time_zone="America/Phoenix",
        pending=True,
    ),
    # Canada.
    S("CA", "Toronto Hebrew Day School", "", "Toronto", "day", (4, 14), "en he fr", (D,)),
    S("CA", "École juive de Montréal", "École juive de Montréal", "Montreal", "day", (5, 17), "fr en he", (D,)),
    S(
        "CA",
        "Vancouver Jewish Community School",
        "",
        "Vancouver",
        "day",
        (5, 13),
        "en he",
        (D,),
        time_zone="America/Vancouver",
    ),
    # France: public schools in eTwinning, Jewish schools in the Israel–diaspora programme.
    S("FR", "Lycée Victor Hugo", "Lycée Victor Hugo", "Marseille", "public", (15, 18), "fr en", (E,)),
    S("FR", "Collège Jean Moulin", "Collège Jean Moulin", "Lyon", "public", (11, 15), "fr en de", (E,)),
    S(
        "FR",
        "École élémentaire des Tilleuls",
        "École élémentaire des Tilleuls",
        "Nantes",
        "public",
        (6, 11),
        "fr",
        (E,),
    ),
    S("FR", "École juive du Marais", "École juive du Marais", "Paris", "day", (3, 11), "fr he", (D,)),
    S(
        "FR",
        "Collège-lycée juif de Strasbourg",
        "Collège-lycée juif de Strasbourg",
        "Strasbourg",
        "day",
        (11, 18),
        "fr he en",
        (D,),
    ),
    S(
        "FR",
        "Talmud Torah de Toulouse",
        "Talmud Torah de Toulouse",
        "Toulouse",
        "supplementary",
        (6, 13),
        "fr he",
        (D,),
        week=SUPP,
    ),
    # Germany.
    S(
        "DE",
        "Goethe-Gymnasium Frankfurt",
        "Goethe-Gymnasium Frankfurt",
        "Frankfurt am Main",
        "public",
        (10, 18),
        "de en fr",
        (E,),
    ),
    S(
        "DE",
        "Jüdische Oberschule Berlin-Mitte",
        "Jüdische Oberschule Berlin-Mitte",
        "Berlin",
        "day",
        (10, 18),
        "de he en",
        (D,),
    ),
    S("DE", "Jüdische Grundschule München", "Jüdische Grundschule München", "Munich", "day", (6, 10), "de he", (D,)),
    S("DE", "Gesamtschule am Rhein", "Gesamtschule am Rhein", "Cologne", "public", (10, 19), "de en tr", (E,)),
    S(
        "DE",
        "Heinrich-Heine-Realschule",
        "Heinrich-Heine-Realschule",
        "Hamburg",
        "public",
        (10, 16),
        "de en",
        (E,),
        pending=True,
    ),
    # Argentina.
    S("AR", "Colegio Judío de Belgrano", "Colegio Judío de Belgrano", "Buenos Aires", "day", (3, 18), "es he en", (D,)),
    S(
        "AR",
        "Escuela Hebrea de Villa Crespo",
        "Escuela Hebrea de Villa Crespo",
        "Buenos Aires",
        "day",
        (6, 12),
        "es he",
        (D,),
    ),
    S(
        "AR",
        "Colegio Hebreo de Córdoba",
        "Colegio Hebreo de Córdoba",
        "Córdoba",
        "day",
        (5, 17),
        "es he",
        (D,),
        time_zone="America/Argentina/Cordoba",
    ),
    S(
        "AR",
        "Escuela Comunitaria Judía de Rosario",
        "Escuela Comunitaria Judía de Rosario",
        "Rosario",
        "supplementary",
        (6, 13),
        "es he",
        (D,),
        time_zone="America/Argentina/Cordoba",
        week=SUPP,
        pending=True,
    ),
    # Australia.
    S("AU", "Bondi Jewish College", "", "Sydney", "day", (5, 18), "en he", (D,)),
    S(
        "AU",
        "Caulfield Hebrew College",
        "",
        "Melbourne",
        "day",
        (5, 18),
        "en he",
        (D,),
        time_zone="Australia/Melbourne",
    ),
    S("AU", "Perth Jewish Community School", "", "Perth", "day", (4, 12), "en he", (D,), time_zone="Australia/Perth"),
    S(
        "AU",
        "Brisbane Hebrew Sunday School",
        "",
        "Brisbane",
        "supplementary",
        (5, 13),
        "en he",
        (D,),
        time_zone="Australia/Brisbane",
        week=SUPP,
    ),
]


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


FIRST_NAMES = {
    "IL": _names(
        "Noa, Yael, Tamar, Michal, Shira, Avigail, Maya, Efrat, Hila, Orly, Ronit, Dana, Adi, Liat, Sigal, "
        "Keren, Galit, Inbal, Yossi, Avi, Eitan, Oren, Amir, Itai, Guy, Moshe, Yonatan, Ido, Nir, Ofer, Uri, "
        "Gilad, Roni, Erez"
    ),
    "PS": _names(
        "Ahmad, Mohammad, Omar, Khaled, Yousef, Samer, Rami, Tariq, Basel, Fadi, Ibrahim, Mahmoud, Hani, "
        "Majd, Layla, Rana, Hiba, Noor, Amal, Reem, Dalia, Samira, Maha, Suha, Yasmin, Lina, Manal, Nadia, "
        "Aseel, Ruba"
    ),
    "JO": _names("Zaid, Hamza, Laith, Qais, Faris, Rakan, Yazan, Dana, Rawan, Sara, Tala, Haya, Lubna, Shatha"),
    "GB": _names(
        "Oliver, Harry, George, James, Daniel, Samuel, Thomas, Simon, Rachel, Hannah, Rebecca, Sarah, "
        "Emily, Charlotte, Sophie, Lucy, Claire, Helen, Katie, Jonathan, Matthew, Amira, Priya, Chloe"
    ),
    "US": _names(
        "Michael, David, Jennifer, Jessica, Ashley, Matthew, Aaron, Rachel, Sarah, Lauren, Emily, Daniel, "
        "Adam, Jacob, Ethan, Megan, Stephanie, Brian, Kevin, Maria, Carlos, Tanisha, Jamal, Allison"
    ),
    "CA": _names(
        "Emma, Olivia, Liam, Noah, Ethan, Chloé, Gabriel, Félix, Sarah, Rachel, Justin, Megan, Ryan, Isabelle, Mathieu"
    ),
    "FR": _names(
        "Camille, Léa, Manon, Chloé, Inès, Julie, Claire, Nathalie, Isabelle, Sandrine, Thomas, Nicolas, "
        "Julien, Antoine, Pierre, Mathieu, Sébastien, Laurent, Céline, Élodie"
    ),
    "DE": _names(
        "Anna, Lena, Julia, Katharina, Sophie, Laura, Petra, Sabine, Lukas, Jonas, Felix, Maximilian, "
        "Tobias, Jan, Stefan, Michael, Jürgen, Andrea, Kerstin, Matthias"
    ),
    "AR": _names(
        "Martín, Sofía, Valentina, Lucía, Camila, Florencia, Gabriela, Mariana, Santiago, Matías, Nicolás, "
        "Diego, Pablo, Federico, Alejandro, Daniela, Romina, Agustina"
    ),
    "AU": _names(
        "Jack, Liam, Noah, Charlotte, Olivia, Amelia, Isla, Chloe, Mia, Ruby, Lachlan, Cooper, Hamish, Zoe, "
        "Hannah, Josh, Ben, Sam, Kate, Tom"
    ),
}
LAST_NAMES = {
    "IL": _names(
        "Cohen, Levi, Mizrahi, Peretz, Biton, Friedman, Shapiro, Avraham, Dahan, Katz, Ben-David, Azoulay, "
        "Rosen, Goldberg, Malka, Sasson, Ohana, Hadad, Shalom, Bar-On, Golan, Tal, Segal, Amsalem, Gabay, "
        "Alon"
    ),
    "PS": _names(
        "Khalil, Haddad, Nasser, Awad, Hamdan, Saleh, Odeh, Qasem, Abu Ali, Darwish, Mansour, Shaheen, "
        "Jaber, Zaidan, Salameh, Hijazi, Issa, Khoury, Sabbagh, Tamimi, Yassin, Abu Eid, Qaraeen, "
        "Shawamreh"
    ),
    "JO": _names(
        "Al-Masri, Al-Khatib, Haddadin, Obeidat, Al-Zoubi, Khasawneh, Al-Momani, Bataineh, Nsour, Twal, "
        "Al-Rawashdeh, Hiyari"
    ),
    "GB": _names(
        "Smith, Jones, Taylor, Brown, Davies, Evans, Wilson, Patel, Harris, Clarke, Roberts, Walker, "
        "Wright, Hughes, Bennett, Phillips, Morris, Khan, Ahmed, Murphy"
    ),
    "US": _names(
        "Johnson, Williams, Brown, Garcia, Martinez, Miller, Davis, Rodriguez, Wilson, Anderson, Taylor, "
        "Thomas, Moore, Jackson, Nguyen, Lee, Robinson, Walker"
    ),
    "CA": _names(
        "Tremblay, Gagnon, Roy, Côté, Bouchard, Gauthier, Smith, Brown, MacDonald, Wilson, Campbell, Martin, Li, Singh"
    ),
    "FR": _names(
        "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Laurent, "
        "Lefebvre, Girard, Bonnet, Fontaine, Rousseau, Mercier, Lambert"
    ),
    "DE": _names(
        "Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, Koch, "
        "Richter, Wolf, Neumann, Schwarz, Zimmermann, Yilmaz, Kaya"
    ),
    "AR": _names(
        "González, Rodríguez, Fernández, López, Martínez, Pérez, Gómez, Sánchez, Romero, Díaz, Álvarez, "
        "Torres, Ruiz, Benítez"
    ),
    "AU": _names(
        "Smith, Jones, Williams, Brown, Wilson, Taylor, Nguyen, Kelly, Ryan, Walsh, Murphy, Campbell, "
        "Thompson, Mitchell"
    ),
}
# Teachers at Jewish schools in the diaspora: more often these names.
JEWISH_FIRST_NAMES = _names(
    "Avi, Noam, Tamar, Yael, Eli, Ari, Shira, Naomi, Ilana, Rivka, Dov, Miriam, Talia, Gideon, Ezra, Leah"
)
JEWISH_LAST_NAMES = {
    "GB": _names(
        "Cohen, Levy, Green, Marks, Jacobs, Stern, Rosen, Franks, Goldman, Samuels, Lewis, Myers, Salmon, Abrahams"
    ),
    "US": _names(
        "Goldstein, Rosenberg, Weiss, Schwartz, Feldman, Kaplan, Bernstein, Greenberg, Horowitz, Klein, "
        "Siegel, Adler, Katz, Levine"
    ),
    "CA": _names("Segal, Cohen, Shapiro, Kaufman, Wiseman, Levine, Greenspan, Rosen, Gold, Perlman, Weinberg, Adelman"),
    "FR": _names(
        "Cohen, Levy, Benhamou, Attal, Sebag, Azoulay, Bensimon, Hassan, Zerbib, Elbaz, Amar, Benichou, Dreyfus, Bloch"
    ),
    "DE": _names(
        "Rosenthal, Löwenstein, Grünberg, Kahn, Feldmann, Oppenheim, Hirsch, Kaufmann, Bloch, Cohn, Lewin, "
        "Guttmann, Rabinovich, Goldmann"
    ),
    "AR": _names(
        "Goldberg, Schwarcz, Kohan, Feldman, Rosenthal, Zylberstein, Grinberg, Waisman, Bursztyn, Kaplan, "
        "Mizrahi, Sutton, Rubinstein, Gurevich"
    ),
    "AU": _names(
        "Rubinstein, Gold, Roth, Frenkel, Slonim, Katz, Landau, Adler, Werdiger, Liebermann, Blashki, Lowenstein"
    ),
}

# The interface exists in English, Hebrew and Arabic only.
INTERFACE_LANGUAGE = {"IL": "he", "PS": "ar", "JO": "ar"}

# What teachers teach, by kind of school.
SUBJECTS_BY_KIND = {
    "il": (
        "english-foreign",
        "english-foreign",
        "history",
        "civics",
        "literature",
        "hebrew",
        "mathematics",
        "science",
        "geography",
        "arts",
        "music",
        "environment",
        "computing",
        "arabic",
        "physical-education",
    ),
    "il-religious": (
        "jewish-studies",
        "jewish-studies",
        "religious-education",
        "english-foreign",
        "history",
        "hebrew",
        "mathematics",
        "science",
        "literature",
    ),
    "arab": (
        "arabic",
        "english-foreign",
        "english-foreign",
        "religious-education",
        "social-studies",
        "geography",
        "history",
        "science",
        "mathematics",
        "environment",
        "arts",
        "computing",
    ),
    "jewish": (
        "jewish-studies",
        "jewish-studies",
        "hebrew",
        "hebrew",
        "history",
        "literature",
        "mathematics",
        "science",
        "arts",
        "music",
        "geography",
    ),
    "supplementary": ("jewish-studies", "jewish-studies", "hebrew", "hebrew", "religious-education", "music"),
    "public-en": (
        "history",
        "geography",
        "literature",
        "science",
        "mathematics",
        "other-languages",
        "arts",
        "music",
        "environment",
        "computing",
        "civics",
        "religious-education",
    ),
    "public": (
        "english-foreign",
        "english-foreign",
        "history",
        "geography",
        "literature",
        "science",
        "mathematics",
        "other-languages",
        "arts",
        "environment",
        "civics",
    ),
    "primary": (
        "primary-class",
        "primary-class",
        "primary-class",
        "primary-class",
        "special-education",
        "music",
        "arts",
        "physical-education",
    ),
}
SUBJECT_LANGUAGE = {"english-foreign": "en", "hebrew": "he", "jewish-studies": "he", "arabic": "ar"}
EXTRA_LANGUAGES = {
    "IL": ("ru", "ru", "fr", "es", "am", "ar"),
    "PS": ("fr", "de"),
    "JO": ("fr",),
    "GB": ("fr", "es", "de", "yi"),
    "US": ("es", "es", "yi", "ru"),
    "CA": ("fr", "fr"),
    "FR": ("es", "it", "de"),
    "DE": ("fr", "ru", "tr", "pl"),
    "AR": ("en", "it", "pt"),
    "AU": ("el", "it", "ru"),
}

SUBJECT_PHRASES = {
    "english-foreign": "English",
    "hebrew": "Hebrew",
    "arabic": "Arabic",
    "other-languages": "modern languages",
    "jewish-studies": "Jewish studies",
    "religious-education": "religious education",
    "history": "history",
    "geography": "geography",
    "civics": "civics",
    "social-studies": "social studies",
    "literature": "literature",
    "mathematics": "maths",
    "science": "science",
    "environment": "environmental studies",
    "computing": "computing",
    "arts": "art",
    "music": "music",
    "physical-education": "PE",
    "special-education": "special education",
}
HOPES_EN = (
    "We would love to exchange letters with a partner class and meet on video once a month.",
    "Looking for a partner class for a project on family stories and where our names come from.",
    "My pupils are curious about daily life elsewhere: timetables, food, festivals and weather.",
    "I'd like to plan a few lessons with a partner around the festivals our communities celebrate.",
    "Interested in an environment project comparing water, waste and green spaces in our towns.",
    "We are new to twinning and would welcome an experienced partner teacher.",
    "My classes love short video messages; happy to start small and build up.",
)
HOPES_HE = (
    "בכיתות שלי תלמידים סקרנים שרוצים להכיר בני נוער מקהילות אחרות בעולם.",
    "נשמח להתכתב עם כיתה בחו״ל ולהיפגש במפגשי וידאו.",
    "מחפשים שותפים לפרויקט משותף על זהות, משפחה ומסורת.",
)
HOPES_AR = (
    "طلابي فضوليون ويرغبون في التعرف على شباب من مدارس أخرى حول العالم.",
    "نبحث عن شركاء لمشروع مشترك حول البيئة والمياه في منطقتنا.",
    "نودّ أن نتبادل الرسائل والقصص مع صف في أوروبا.",
)
# A turned-down teacher reads the reason in their own language.
REJECTION_REASONS = {
    "en": "We could not confirm that you teach at this school. Please ask your principal to vouch for you, "
    "or sign up again with your school e-mail address.",
    "he": "לא הצלחנו לאמת את ההעסקה בבית הספר. נא לשלוח אישור העסקה או לבקש מהנהלת בית הספר לאשר את הפרטים.",
    "ar": "لم نتمكن من التحقق من عملك في هذه المدرسة. يرجى إرسال إثبات عمل أو الطلب من إدارة المدرسة تأكيد بياناتك.",
}

# How many teachers at already validated schools are at each other stage, by country. The teachers
# who registered the pending schools are waiting too.
WAITING = {"IL": 3, "PS": 3, "GB": 1, "US": 2, "FR": 1}
UNCONFIRMED = {"IL": 1, "PS": 1, "US": 1, "DE": 1}
REJECTED = {"IL": 1, "PS": 1, "GB": 1}
# Countries whose first validated school has a principal on the platform.
PRINCIPAL_COUNTRIES = ("IL", "PS", "GB", "US", "FR", "DE", "AR", "AU")


# The large generated network (``manage.py generate_network``) --------------------------------------
# Forty countries: the demo's ten and thirty more, each with its real usual time zone and school week.
MORE_COUNTRIES = {
    "ES": ("Spain", "ספרד", "إسبانيا", "Europe/Madrid", "mon_fri"),
    "IT": ("Italy", "איטליה", "إيطاليا", "Europe/Rome", "mon_fri"),
    "PT": ("Portugal", "פורטוגל", "البرتغال", "Europe/Lisbon", "mon_fri"),
    "NL": ("Netherlands", "הולנד", "هولندا", "Europe/Amsterdam", "mon_fri"),
    "BE": ("Belgium", "בלגיה", "بلجيكا", "Europe/Brussels", "mon_fri"),
    "PL": ("Poland", "פולין", "بولندا", "Europe/Warsaw", "mon_fri"),
    "AT": ("Austria", "אוסטריה", "النمسا", "Europe/Vienna", "mon_fri"),
    "CH": ("Switzerland", "שווייץ", "سويسرا", "Europe/Zurich", "mon_fri"),
    "GR": ("Greece", "יוון", "اليونان", "Europe/Athens", "mon_fri"),
    "IE": ("Ireland", "אירלנד", "أيرلندا", "Europe/Dublin", "mon_fri"),
    "TR": ("Türkiye", "טורקיה", "تركيا", "Europe/Istanbul", "mon_fri"),
    "UA": ("Ukraine", "אוקראינה", "أوكرانيا", "Europe/Kyiv", "mon_fri"),
    "CY": ("Cyprus", "קפריסין", "قبرص", "Asia/Nicosia", "mon_fri"),
    "MT": ("Malta", "מלטה", "مالطا", "Europe/Malta", "mon_fri"),
    "EG": ("Egypt", "מצרים", "مصر", "Africa/Cairo", "sun_thu"),
    "MA": ("Morocco", "מרוקו", "المغرب", "Africa/Casablanca", "mon_sat"),
    "TN": ("Tunisia", "תוניסיה", "تونس", "Africa/Tunis", "mon_sat"),
    "LB": ("Lebanon", "לבנון", "لبنان", "Asia/Beirut", "mon_fri"),
    "AE": ("United Arab Emirates", "איחוד האמירויות הערביות", "الإمارات العربية المتحدة", "Asia/Dubai", "mon_fri"),
    "SA": ("Saudi Arabia", "ערב הסעודית", "المملكة العربية السعودية", "Asia/Riyadh", "sun_thu"),
    "DZ": ("Algeria", "אלג'יריה", "الجزائر", "Africa/Algiers", "sun_thu"),
    "QA": ("Qatar", "קטאר", "قطر", "Asia/Qatar", "sun_thu"),
    "ET": ("Ethiopia", "אתיופיה", "إثيوبيا", "Africa/Addis_Ababa", "mon_fri"),
    "BR": ("Brazil", "ברזיל", "البرازيل", "America/Sao_Paulo", "mon_fri"),
    "MX": ("Mexico", "מקסיקו", "المكسيك", "America/Mexico_City", "mon_fri"),
    "CL": ("Chile", "צ'ילה", "تشيلي", "America/Santiago", "mon_fri"),
    "UY": ("Uruguay", "אורוגוואי", "الأوروغواي", "America/Montevideo", "mon_fri"),
    "ZA": ("South Africa", "דרום אפריקה", "جنوب أفريقيا", "Africa/Johannesburg", "mon_fri"),
    "NZ": ("New Zealand", "ניו זילנד", "نيوزيلندا", "Pacific/Auckland", "mon_fri"),
    "IN": ("India", "הודו", "الهند", "Asia/Kolkata", "mon_sat"),
}
NETWORK_COUNTRIES = COUNTRIES | MORE_COUNTRIES

# The languages taught in each country's schools: the first names its schools (see demo/names.py), the
# others are spoken in some of them.
COUNTRY_LANGUAGES = {
    "IL": ("he", "en", "ar", "ru"),
    "PS": ("ar", "en"),
    "JO": ("ar", "en"),
    "GB": ("en", "fr", "he"),
    "US": ("en", "es", "he"),
    "CA": ("en", "fr", "he"),
    "FR": ("fr", "en", "he"),
    "DE": ("de", "en", "tr"),
    "AR": ("es", "en", "he"),
    "AU": ("en", "he", "el"),
    "ES": ("es", "en", "fr"),
    "IT": ("it", "en", "fr"),
    "PT": ("pt", "en", "fr"),
    "NL": ("nl", "en", "de"),
    "BE": ("nl", "fr", "en"),
    "PL": ("pl", "en", "de"),
    "AT": ("de", "en", "it"),
    "CH": ("de", "fr", "it", "en"),
    "GR": ("el", "en", "fr"),
    "IE": ("en", "fr"),
    "TR": ("tr", "en", "de"),
    "UA": ("uk", "en", "pl"),
    "CY": ("el", "en", "tr"),
    "MT": ("en", "it"),
    "EG": ("ar", "en", "fr"),
    "MA": ("ar", "fr", "en"),
    "TN": ("ar", "fr", "en"),
    "LB": ("ar", "fr", "en"),
    "AE": ("ar", "en"),
    "SA": ("ar", "en"),
    "DZ": ("ar", "fr"),
    "QA": ("ar", "en"),
    "ET": ("am", "en", "he"),
    "BR": ("pt", "en", "es"),
    "MX": ("es", "en"),
    "CL": ("es", "en"),
    "UY": ("es", "en", "pt"),
    "ZA": ("en", "he"),
    "NZ": ("en",),
    "IN": ("en",),
}
# The towns of the thirty more countries, with their time zone where it is not the country's usual one.
MORE_CITIES = {
    "ES": ("Madrid", "Barcelona", "Sevilla", "València", "Málaga", "Zaragoza", ("Las Palmas", "Atlantic/Canary")),
    "IT": ("Roma", "Milano", "Napoli", "Torino", "Firenze", "Bologna", "Palermo"),
    "PT": (
        "Lisboa",
        "Porto",
        "Coimbra",
        "Braga",
        ("Funchal", "Atlantic/Madeira"),
        ("Ponta Delgada", "Atlantic/Azores"),
    ),
    "NL": ("Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Groningen"),
    "BE": ("Antwerpen", "Gent", "Bruxelles", "Liège", "Brugge"),
    "PL": ("Warszawa", "Kraków", "Łódź", "Wrocław", "Gdańsk", "Poznań"),
    "AT": ("Wien", "Graz", "Linz", "Salzburg", "Innsbruck"),
    "CH": ("Zürich", "Genève", "Basel", "Bern", "Lausanne", "Lugano"),
    "GR": ("Athina", "Thessaloniki", "Patra", "Irakleio", "Larisa"),
    "IE": ("Dublin", "Cork", "Galway", "Limerick", "Waterford"),
    "TR": ("İstanbul", "Ankara", "İzmir", "Bursa", "Antalya", "Gaziantep"),
    "UA": ("Kyiv", "Lviv", "Odesa", "Kharkiv", "Dnipro", "Chernivtsi"),
    "CY": ("Lefkosia", "Lemesos", "Larnaka", "Pafos"),
    "MT": ("Valletta", "Birkirkara", "Sliema", "Victoria"),
    "EG": ("Cairo", "Alexandria", "Giza", "Aswan", "Mansoura"),
    "MA": ("Casablanca", "Rabat", "Fès", "Marrakech", "Tanger"),
    "TN": ("Tunis", "Sfax", "Sousse", "Kairouan"),
    "LB": ("Beirut", "Tripoli", "Saida", "Zahlé"),
    "AE": ("Dubai", "Abu Dhabi", "Sharjah", "Al Ain"),
    "SA": ("Riyadh", "Jeddah", "Dammam", "Madinah"),
    "DZ": ("Alger", "Oran", "Constantine", "Annaba"),
    "QA": ("Doha", "Al Wakrah", "Al Khor"),
    "ET": ("Addis Ababa", "Gondar", "Bahir Dar", "Mekelle"),
    "BR": (
        "São Paulo",
        "Rio de Janeiro",
        "Belo Horizonte",
        "Porto Alegre",
        ("Manaus", "America/Manaus"),
        ("Recife", "America/Recife"),
    ),
    "MX": ("Ciudad de México", "Guadalajara", "Monterrey", "Puebla", ("Tijuana", "America/Tijuana")),
    "CL": ("Santiago", "Valparaíso", "Concepción", ("Punta Arenas", "America/Punta_Arenas")),
    "UY": ("Montevideo", "Salto", "Paysandú"),
    "ZA": ("Johannesburg", "Cape Town", "Durban", "Pretoria"),
    "NZ": ("Auckland", "Wellington", "Christchurch", "Dunedin"),
    "IN": ("Mumbai", "Delhi", "Bengaluru", "Kolkata", "Chennai", "Kochi"),
}
# Where the thirty more countries' people take their names from: a country of the demo, or a list here.
NAMES_LIKE = {
    "ES": "AR",
    "MX": "AR",
    "CL": "AR",
    "UY": "AR",
    "AT": "DE",
    "CH": "DE",
    "IE": "GB",
    "MT": "GB",
    "ZA": "GB",
    "NZ": "AU",
    "EG": "PS",
    "MA": "PS",
    "TN": "PS",
    "LB": "JO",
    "AE": "JO",
    "SA": "JO",
    "DZ": "PS",
    "QA": "JO",
    "BR": "PT",
    "CY": "GR",
}
FIRST_NAMES |= {
    "PT": _names("João, Pedro, Tiago, Rafael, Gonçalo, Inês, Beatriz, Mariana, Leonor, Ana, Carolina, Luís, Sofia"),
    "IT": _names("Giulia, Chiara, Francesca, Sara, Martina, Marco, Luca, Giovanni, Alessandro, Matteo, Niccolò"),
    "NL": _names("Daan, Sem, Lucas, Bram, Thijs, Emma, Julia, Sanne, Fleur, Anouk, Lotte, Joris, Maartje"),
    "BE": _names("Lars, Wout, Arne, Noor, Elise, Camille, Lucas, Louise, Hélène, Jens, Marie"),
    "PL": _names("Zofia, Zuzanna, Małgorzata, Agnieszka, Katarzyna, Jakub, Mateusz, Paweł, Łukasz, Piotr, Wojciech"),
    "GR": _names("Giorgos, Dimitris, Nikos, Kostas, Giannis, Maria, Eleni, Katerina, Sofia, Vasiliki, Anna"),
    "TR": _names("Ayşe, Elif, Zeynep, Fatma, Emine, Mehmet, Mustafa, Ahmet, Emre, Burak, Gökhan, Çağla"),
    "UA": _names("Olena, Iryna, Oksana, Nataliia, Tetiana, Andrii, Oleksandr, Dmytro, Serhii, Mykola, Yuliia"),
    "ET": _names("Abebe, Tesfaye, Dawit, Yohannes, Almaz, Tigist, Meseret, Selam, Hirut, Bekele, Mulugeta"),
    "IN": _names("Aarav, Priya, Ananya, Rohan, Kavya, Arjun, Diya, Vikram, Neha, Rahul, Sunita, Anil"),
}
LAST_NAMES |= {
    "PT": _names("Silva, Santos, Ferreira, Pereira, Oliveira, Costa, Rodrigues, Martins, Sousa, Gonçalves, Lopes"),
    "IT": _names("Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno, Galli"),
    "NL": _names("de Jong, Jansen, de Vries, van den Berg, van Dijk, Bakker, Janssen, Visser, Smit, Meijer, de Boer"),
    "BE": _names("Peeters, Janssens, Maes, Jacobs, Mertens, Willems, Claes, Goossens, Dubois, Lambert, Dupont"),
    "PL": _names("Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński, Szymański"),
    "GR": _names("Papadopoulos, Papadakis, Georgiou, Nikolaou, Dimitriou, Konstantinou, Ioannou, Vlachos"),
    "TR": _names("Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Yıldırım, Öztürk, Aydın, Özdemir, Arslan, Doğan"),
    "UA": _names("Melnyk, Shevchenko, Boiko, Kovalenko, Bondarenko, Tkachenko, Kravchenko, Oliinyk, Shevchuk"),
    "ET": _names("Tadesse, Bekele, Haile, Getachew, Alemu, Mengistu, Worku, Gebremedhin, Desta, Kebede"),
    "IN": _names("Sharma, Patel, Iyer, Nair, Reddy, Gupta, Singh, Das, Menon, Chatterjee, Kulkarni, Joshi"),
}
# Names written in their own script: half the people of Israel and of the Arabic-speaking countries.
HEBREW_PERSON_NAMES = (
    _names("נועה, יעל, תמר, מיכל, שירה, אביגיל, מאיה, יוסי, איתן, עומר, אורן, עמיר, יונתן, עידו"),
    _names("כהן, לוי, מזרחי, פרץ, ביטון, פרידמן, שפירא, אברהם, דהן, כץ, בן דוד, אזולאי"),
)
ARABIC_PERSON_NAMES = (
    _names("أحمد, محمد, عمر, خالد, يوسف, سامر, ليلى, رنا, هبة, نور, أمل, ريم, سارة, مريم"),
    _names("خليل, حداد, ناصر, عوض, حمدان, صالح, عودة, قاسم, درويش, منصور, شاهين, جابر"),
)
# The interface exists in English, Hebrew and Arabic only: the network's people read it in theirs.
NETWORK_INTERFACE_LANGUAGE = INTERFACE_LANGUAGE | {
    code: "ar" for code, languages in COUNTRY_LANGUAGES.items() if languages[0] == "ar"
}
GLOBAL = "global-classrooms"
# The network's programmes: the demo's two, reaching more countries, and one for the rest of the world.
NETWORK_PROGRAMMES = {
    D: (*PROGRAMMES[D][:2], (*PROGRAMMES[D][2], "BR", "MX", "ZA", "UY", "CL", "BE", "CH", "IT", "NL", "ET")),
    E: (
        *PROGRAMMES[E][:2],
        (*PROGRAMMES[E][2], "ES", "IT", "PT", "NL", "BE", "PL", "AT", "CH", "GR", "IE", "TR", "UA", "CY", "MT")
        + ("EG", "MA", "TN", "LB", "AE", "SA", "DZ", "QA"),
    ),
    GLOBAL: (
        ("Global classrooms", "כיתות גלובליות", "الصفوف العالمية"),
        (
            "Schools on every continent twinned for a year of letters, video meetings and shared projects.",
            "בתי ספר בכל היבשות בתאומות לשנה של מכתבים, מפגשי וידאו ופרויקטים משותפים.",
            "مدارس في كل القارات في توأمة لعام من الرسائل ولقاءات الفيديو والمشاريع المشتركة.",
        ),
        ("US", "CA", "AR", "AU", "BR", "MX", "CL", "UY", "ZA", "NZ", "IN", "ET", "EG", "AE", "JO", "IL"),
    ),
}
