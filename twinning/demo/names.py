"""School names as varied as real ones, for the large generated network and the benchmarks.

Hebrew names are written with niqqud on some schools and Arabic names with tashkeel on some, as real schools
write their own; Latin names keep their accents (Molière, Dvořák, São Paulo). Search must find each with or
without the marks (`common/search.py`). Every word here is invented as a name or taken from places and common
words: no real school is described.
"""

import random

# Hebrew words schools are named after, with their usual transliteration, and the pointed spelling some use.
HEBREW_WORDS = {
    "אור": "Or",
    "שלום": "Shalom",
    "הגליל": "HaGalil",
    "נווה": "Neve",
    "רמות": "Ramot",
    "הדר": "Hadar",
    "גבעת": "Givat",
    "עמק": "Emek",
    "ים": "Yam",
    "הרים": "Harim",
    "תקווה": "Tikva",
    "אלון": "Alon",
}
HEBREW_POINTED = {"אור": "אוֹר", "שלום": "שָׁלוֹם", "הגליל": "הַגָּלִיל", "נווה": "נְוֵה", "רמות": "רָמוֹת"}
# Arabic words schools are named after, with their usual transliteration, and the spelling with tashkeel.
ARABIC_WORDS = {
    "الأمل": "Al-Amal",
    "النور": "Al-Nour",
    "الزيتون": "Al-Zaytoun",
    "القدس": "Al-Quds",
    "الإخاء": "Al-Ikhaa",
    "السلام": "Al-Salam",
    "الفجر": "Al-Fajr",
    "المستقبل": "Al-Mustaqbal",
    "الرياض": "Al-Riyad",
    "الهدى": "Al-Huda",
}
ARABIC_MARKED = {"الأمل": "الأَمَل", "النور": "النُّور", "السلام": "السَّلَام", "الفجر": "الفَجْر"}
HEBREW = list(HEBREW_WORDS)
ARABIC = list(ARABIC_WORDS)
LATIN = ["Oak", "River", "Hill", "Unity", "Peace", "Garden", "Harbour", "Valley", "Star", "Bridge", "Molière", "Dvořák"]
TOWNS = ["Haifa", "חיפה", "نابلس", "Lyon", "Kraków", "São Paulo", "אום אל-פחם", "الخليل", "Zürich", "Córdoba"]


def scripted_name(rng: random.Random, n: int) -> tuple[str, str]:
    """The n-th school of a mixed list, (name, native name): Hebrew, Arabic and Latin in turn, one in five
    Hebrew names pointed and one in five Arabic names with tashkeel."""
    script = n % 3
    if script == 0:
        word = rng.choice(HEBREW)
        native = f"בית ספר {HEBREW_POINTED.get(word, word) if n % 5 == 0 else word} {n}"
        return f"{rng.choice(LATIN)} School {n}", native
    if script == 1:
        word = rng.choice(ARABIC)
        native = f"مدرسة {ARABIC_MARKED.get(word, word) if n % 5 == 0 else word} {n}"
        return f"Al-{rng.choice(LATIN)} School {n}", native
    return f"École {rng.choice(LATIN)} {n}", ""


# The kinds of school name in each language, (native pattern, English pattern, youngest, oldest), and the
# words they take. Patterns take {w} (the word in the language) and {e} (the word as written in English).
SCHOOL_PATTERNS = {
    "he": (
        ("בית הספר היסודי {w}", "{e} Elementary School", 6, 12),
        ("חטיבת הביניים {w}", "{e} Middle School", 12, 15),
        ("תיכון {w}", "{e} High School", 15, 18),
        ("מקיף {w}", "{e} Comprehensive School", 12, 18),
    ),
    "ar": (
        ("مدرسة {w} الأساسية", "{e} Basic School", 6, 15),
        ("مدرسة {w} الثانوية", "{e} Secondary School", 15, 18),
        ("مدرسة بنات {w}", "{e} Girls' School", 6, 18),
        ("مدرسة ذكور {w}", "{e} Boys' School", 6, 18),
    ),
    "en": (
        ("", "{e} Primary School", 4, 11),
        ("", "{e} Academy", 11, 18),
        ("", "{e} High School", 14, 18),
        ("", "{e} Community School", 5, 16),
    ),
    "fr": (
        ("École élémentaire {w}", "École élémentaire {w}", 6, 11),
        ("Collège {w}", "Collège {w}", 11, 15),
        ("Lycée {w}", "Lycée {w}", 15, 18),
    ),
    "de": (
        ("Grundschule {w}", "Grundschule {w}", 6, 10),
        ("{w}-Gymnasium", "{w}-Gymnasium", 10, 18),
        ("Gesamtschule {w}", "Gesamtschule {w}", 10, 16),
    ),
    "es": (
        ("Escuela {w}", "Escuela {w}", 6, 12),
        ("Colegio {w}", "Colegio {w}", 4, 18),
        ("Instituto {w}", "Instituto {w}", 12, 18),
    ),
    "it": (
        ("Scuola primaria {w}", "Scuola primaria {w}", 6, 11),
        ("Istituto comprensivo {w}", "Istituto comprensivo {w}", 6, 14),
        ("Liceo {w}", "Liceo {w}", 14, 19),
    ),
    "pt": (
        ("Escola Básica {w}", "Escola Básica {w}", 6, 15),
        ("Escola Secundária {w}", "Escola Secundária {w}", 15, 18),
        ("Colégio {w}", "Colégio {w}", 4, 18),
    ),
    "nl": (
        ("Basisschool {w}", "Basisschool {w}", 4, 12),
        ("{w} College", "{w} College", 12, 18),
        ("Lyceum {w}", "Lyceum {w}", 12, 18),
    ),
    "pl": (
        ("Szkoła Podstawowa im. {w}", "Szkoła Podstawowa im. {w}", 7, 15),
        ("Liceum Ogólnokształcące im. {w}", "Liceum Ogólnokształcące im. {w}", 15, 19),
    ),
    "el": (
        ("Δημοτικό Σχολείο {w}", "{e} Primary School", 6, 12),
        ("Γυμνάσιο {w}", "{e} Gymnasium", 12, 15),
        ("Λύκειο {w}", "{e} Lyceum", 15, 18),
    ),
    "tr": (
        ("{w} İlkokulu", "{w} İlkokulu", 6, 10),
        ("{w} Ortaokulu", "{w} Ortaokulu", 10, 14),
        ("{w} Anadolu Lisesi", "{w} Anadolu Lisesi", 14, 18),
    ),
    "uk": (
        ("Ліцей «{w}»", "{e} Lyceum", 6, 17),
        ("Гімназія «{w}»", "{e} Gymnasium", 10, 17),
    ),
    "am": (
        ("{w} አንደኛ ደረጃ ትምህርት ቤት", "{e} Primary School", 7, 14),
        ("{w} ሁለተኛ ደረጃ ትምህርት ቤት", "{e} Secondary School", 14, 18),
    ),
}


def _same(*words: str) -> tuple[tuple[str, str], ...]:
    return tuple((word, word) for word in words)


# Words names are made of, in each language: (word, as written in English) where the two differ.
SCHOOL_WORDS = {
    "he": tuple(HEBREW_WORDS.items()) + (("הרצל", "Herzl"), ("רמב״ם", "Rambam"), ("ביאליק", "Bialik")),
    "ar": tuple(ARABIC_WORDS.items()) + (("ابن سينا", "Ibn Sina"), ("الخوارزمي", "Al-Khwarizmi")),
    "en": _same("Oakfield", "Riverside", "Hillcrest", "St Anne's", "Meadowbank", "Kingsway", "Elmwood", "Harbourside"),
    "fr": _same("Jean Moulin", "Victor Hugo", "Molière", "Les Tilleuls", "Marie Curie", "Émile Zola", "Jules Ferry"),
    "de": _same("Goethe", "Schiller", "Heinrich Heine", "Lessing", "Käthe Kollwitz", "Sophie Scholl", "Humboldt"),
    "es": _same("San José", "Cervantes", "Nuestra Señora del Carmen", "García Lorca", "Rubén Darío", "Belgrano"),
    "it": _same("Dante Alighieri", "Galileo Galilei", "Manzoni", "Leopardi", "Montessori", "Garibaldi"),
    "pt": _same("Camões", "Fernando Pessoa", "Machado de Assis", "Dom Pedro II", "São João"),
    "nl": _same("Erasmus", "De Regenboog", "Spinoza", "Het Baken", "Vondel"),
    "pl": _same("Marii Skłodowskiej-Curie", "Mikołaja Kopernika", "Adama Mickiewicza", "Janusza Korczaka"),
    "el": (("Αριστοτέλης", "Aristotelis"), ("Ελπίδα", "Elpida"), ("Ολυμπία", "Olympia"), ("Αθηνά", "Athina")),
    "tr": _same("Atatürk", "Yunus Emre", "Mimar Sinan", "Gazi", "Cumhuriyet"),
    "uk": (("Світанок", "Svitanok"), ("Шевченко", "Shevchenko"), ("Надія", "Nadiia"), ("Проліска", "Proliska")),
    "am": (("ብርሃን", "Birhan"), ("ተስፋ", "Tesfa"), ("አበባ", "Abeba")),
}
# A second school of the same name in the same town is numbered, as real ones are.
NUMBERED = {
    "he": "{name} מס' {k}",
    "ar": "{name} رقم {k}",
    "en": "{name} No. {k}",
    "fr": "{name} n° {k}",
    "de": "{name} {k}",
    "es": "{name} N.º {k}",
    "it": "{name} n. {k}",
    "pt": "{name} n.º {k}",
    "nl": "{name} {k}",
    "pl": "{name} nr {k}",
    "el": "{k}ο {name}",
    "tr": "{name} {k}",
    "uk": "{name} № {k}",
    "am": "{name} {k}",
}


def school_name(rng: random.Random, language: str) -> tuple[str, str, int, int]:
    """A school's (English or Latin name, native name, youngest age, oldest age) in a language: one Hebrew
    name in five pointed, one Arabic name in five with tashkeel. The native name is empty where the
    school's own name is English."""
    native_pattern, english_pattern, age_from, age_to = rng.choice(SCHOOL_PATTERNS[language])
    word, english = rng.choice(SCHOOL_WORDS[language])
    if language == "he" and rng.random() < 0.2:
        word = HEBREW_POINTED.get(word, word)
    elif language == "ar" and rng.random() < 0.2:
        word = ARABIC_MARKED.get(word, word)
    native = native_pattern.format(w=word)
    return english_pattern.format(w=word, e=english), native, age_from, age_to


def numbered(language: str, name: str, k: int) -> str:
    return NUMBERED[language].format(name=name, k=k) if name else name
