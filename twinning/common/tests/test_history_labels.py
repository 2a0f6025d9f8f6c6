"""Every action recorded on an object that has a history page reads as a sentence, never as its key."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from twinning import testing
from twinning.common import audit

PACKAGE = Path(settings.BASE_DIR) / "twinning"
# Objects whose audit entries a page shows as a history: a twinning's page, a school's and a
# teacher's (the validation page).
WITH_HISTORY = {"twinning", "school", "teacher"}


def _literals(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def recorded_actions() -> dict[str, str]:
    """Each action literal given to ``audit.record`` (or a service's ``_move``) on such an object."""
    found: dict[str, str] = {}
    for path in PACKAGE.rglob("*.py"):
        if {"tests", "migrations"} & set(path.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            keywords = {k.arg: k.value for k in node.keywords if k.arg}
            target = keywords.get("target")
            name = ast.unparse(node.func).rpartition(".")[2]
            on_history = (
                target is not None and ast.unparse(target).rpartition(".")[2] in WITH_HISTORY
            ) or name == "_move"
            if "action" in keywords and on_history:
                for action in _literals(keywords["action"]):
                    found[action] = str(path.relative_to(PACKAGE))
    return found


def test_the_code_records_actions_on_objects_with_a_history():
    actions = recorded_actions()
    assert {"twinning.approved", "twinning.pupils_added", "teacher.validated", "calendar.term_added"} <= set(actions)


def test_every_action_shown_in_a_history_is_labelled():
    unlabelled = sorted(
        f"{action} ({where})" for action, where in recorded_actions().items() if not audit.is_labelled(action)
    )
    assert unlabelled == [], "declare each in its app's history.py"


@pytest.mark.parametrize("language", ["en", "he", "ar"])
def test_a_label_is_a_sentence_in_the_readers_language(language):
    with translation.override(language):
        shown = audit.label("twinning.pupils_added")
        unknown = audit.label("something.retired")
    assert "." not in shown.rstrip(".") and "_" not in shown
    assert unknown != "something.retired"
    if language != "en":
        assert shown != "Pupils were added"


def test_the_twinning_page_shows_sentences_not_keys(client, cast, twinning, pupils):
    """Adding a pupil (the ``pupils`` fixture does, on the page) is in the twinning's history, in words."""
    page = testing.as_(client, cast.teacher_a.user).get(f"/twinnings/{twinning.pk}/").content.decode()
    assert "Pupils were added" in page
    assert "twinning.pupils_added" not in page
