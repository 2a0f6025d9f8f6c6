"""Every string is translated into Hebrew and Arabic, and the catalogues match the code."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from twinning.common.i18n import language_codes

PACKAGE = Path(settings.BASE_DIR) / "twinning"
# Every language of the settings has its catalogue, but the main one (the code's own language).
LANGUAGES = [code for code in language_codes() if code != settings.LANGUAGE_CODE]


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgid, msgid_plural, msgstr forms, flags (enough for these checks)."""
    entries, current, key = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current is not None:
                entries.append(current)
            current, key = None, None
            continue
        if current is None:
            current = {"flags": set(), "msgctxt": None, "msgid": "", "msgid_plural": None, "msgstr": {}}
        if line.startswith("#,"):
            current["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[(\d+)\])?) "(.*)"$', line):
            name, index, text = match.groups()
            key = ("msgstr", int(index or 0)) if name.startswith("msgstr") else (name, None)
            _append(current, key, text)
        elif line.startswith('"') and key is not None:
            _append(current, key, line[1:-1])
    return [e for e in entries if e["msgid"] or e["msgstr"]]


def _append(entry, key, text):
    name, index = key
    if name == "msgstr":
        entry["msgstr"][index] = entry["msgstr"].get(index, "") + text
    else:
        entry[name] = (entry[name] or "") + text


def catalogue(language: str) -> Path:
    return PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_strings(language):
    entries = parse_po(catalogue(language))
    messages = [e for e in entries if e["msgid"]]

    untranslated = [e["msgid"] for e in messages if not all(e["msgstr"].values()) or not e["msgstr"]]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert len(messages) > 200
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    placeholder = re.compile(r"%\(\w+\)[sd]")
    wrong = []
    for entry in parse_po(catalogue(language)):
        if not entry["msgid"]:
            continue
        expected = set(placeholder.findall(entry["msgid"] + (entry["msgid_plural"] or "")))
        for text in entry["msgstr"].values():
            if not set(placeholder.findall(text)) <= expected:
                wrong.append(entry["msgid"])
    assert wrong == []


def test_catalogues_contain_every_string_of_the_code(tmp_path):
    """`make messages` would add nothing: every translatable string is already in the catalogues."""
    copy = tmp_path / "twinning"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "tests"))
    # Without LOCALE_PATHS, makemessages writes into the copy's own locale/ folder, never into ours.
    (tmp_path / "copy_settings.py").write_text("from twinning.settings import *  # noqa\nLOCALE_PATHS = []\n")
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{settings.BASE_DIR}"}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "--no-location", "-l", "he", "--settings", "copy_settings"],
        cwd=copy,
        check=True,
        capture_output=True,
        timeout=120,
        env=env,
    )
    fresh = {e["msgid"] for e in parse_po(copy / "locale" / "he" / "LC_MESSAGES" / "django.po") if e["msgid"]}
    committed = {e["msgid"] for e in parse_po(catalogue("he")) if e["msgid"]}
    assert sorted(fresh - committed) == [], "run `make messages` and translate the new strings"


# Django's sentences that are not words of a language (a protocol's name, punctuation, a
# placeholder alone) or that only a developer sees (a password hasher's parameters).
NOT_WORDS = {"IPv4", "IPv6", "IPv4 or IPv6", "URL", ":?.!", ":", ", ", "%(truncated_text)s…", "salt", "hash"}
NOT_WORDS |= {"%(class_name)s %(instance)s"}
NOT_WORDS |= {"work factor", "algorithm", "iterations", "memory cost", "time cost", "parallelism", "checksum"}


def unescape(text: str) -> str:
    """A .po file's string as the program has it (``parse_po`` keeps the file's escapes)."""
    return re.sub(r'\\(["\\nt])', lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), text)


def framework_catalogues() -> list[Path]:
    """Django's English catalogues: its core's and each installed contrib app's."""
    import django

    root = Path(django.__file__).parent
    apps = [
        name.removeprefix("django.contrib.") for name in settings.INSTALLED_APPS if name.startswith("django.contrib.")
    ]
    paths = [root / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po"]
    paths += [root / "contrib" / app / "locale" / "en" / "LC_MESSAGES" / "django.po" for app in apps]
    return [path for path in paths if path.exists()]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_sentence_of_the_framework_stays_in_english(language):
    """What Django leaves in English in a language is translated in the project's catalogue.

    The fix for a failure: name the sentence in ``common/framework_messages.py``, run
    ``make messages`` and translate it.
    """
    from django.utils import translation

    english = []
    with translation.override(language):
        for path in framework_catalogues():
            for entry in parse_po(path):
                msgid, plural = unescape(entry["msgid"]), entry["msgid_plural"] and unescape(entry["msgid_plural"])
                if not msgid or msgid in NOT_WORDS:
                    continue
                context = entry["msgctxt"]
                if plural:
                    shown = (
                        translation.npgettext(context, msgid, plural, 5)
                        if context
                        else translation.ngettext(msgid, plural, 5)
                    )
                else:
                    shown = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
                if shown in (msgid, plural):
                    english.append(f"{path.parent.parent.parent.parent.name}: {msgid}")
    assert english == [], "\n".join(english)
