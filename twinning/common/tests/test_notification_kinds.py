"""Every notification kind the code sends is declared by an app (`<app>/notifications.py`).

The code is read, not run: a kind on a path no other test reaches is still checked. A kind is found
where the code hands one over: `kind=` and the string arguments of a call to a notify/tell helper, the
second item of a `(person, kind, url, params)` row (with a twinning's id as a fifth, or not), a value
given to a name `kind`, and the kinds a loop over `(…, kind)` rows walks through. `notify` itself
refuses an undeclared kind at run time.
"""

import ast
from pathlib import Path

import pytest

from twinning.accounts.models import Role
from twinning.common.notifications import notify, notify_many, registered_kinds

PACKAGE = Path(__file__).resolve().parents[2]


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts:
            continue
        source = path.read_text(encoding="utf-8")
        if "notify" in source:
            yield path, ast.parse(source)


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _strings(node) -> list:
    """The kinds an expression can be: a string, either branch of `a if c else b`, or an f-string's
    fixed start (returned as ("prefix", start))."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return [("prefix", node.values[0].value)]
    return []


def kinds_in_code() -> dict[object, list[str]]:
    found: dict[object, list[str]] = {}

    def add(values, path, node):
        for value in values:
            found.setdefault(value, []).append(f"{path.relative_to(PACKAGE)}:{node.lineno}")

    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and ("notify" in _callee(node) or "tell" in _callee(node)):
                for arg in node.args:
                    add(_strings(arg), path, node)
                for keyword in node.keywords:
                    if keyword.arg == "kind":
                        add(_strings(keyword.value), path, node)
            elif isinstance(node, ast.Tuple) and len(node.elts) in (4, 5):
                # A row, with its twinning's id as a fifth item or not; other five-item tuples hold keys
                # built with f-strings, so only a plain string counts there.
                kinds = _strings(node.elts[1])
                add([k for k in kinds if len(node.elts) == 4 or isinstance(k, str)], path, node)
            elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "kind" for t in node.targets):
                add(_strings(node.value), path, node)
            elif (
                isinstance(node, ast.For)
                and isinstance(node.target, ast.Tuple)
                and isinstance(node.iter, ast.Tuple | ast.List)
            ):
                names = [getattr(t, "id", "") for t in node.target.elts]
                if "kind" in names:
                    at = names.index("kind")
                    for row in node.iter.elts:
                        if isinstance(row, ast.Tuple) and len(row.elts) == len(names):
                            add(_strings(row.elts[at]), path, node)
    return found


def test_notification_kinds_used_in_the_code_are_all_registered():
    registered = registered_kinds()
    found = kinds_in_code()
    plain = {kind: where for kind, where in found.items() if isinstance(kind, str)}
    prefixes = {kind[1]: where for kind, where in found.items() if isinstance(kind, tuple)}
    # Strings that are not kinds can sit in the same places (a four-item tuple of other things): only
    # the ones shaped like a kind are held to the rule.
    shaped = {kind: where for kind, where in plain.items() if kind.replace("_", "").isalpha() and "_" in kind}
    families = {kind.split("_")[0] for kind in registered}
    missing = {k: where for k, where in shaped.items() if k.split("_")[0] in families and k not in registered}
    assert missing == {}
    bare = {prefix: where for prefix, where in prefixes.items() if not any(k.startswith(prefix) for k in registered)}
    assert bare == {}
    # The reading finds the kinds it should: every registered kind is sent somewhere.
    unused = {k for k in registered if k not in plain and not any(k.startswith(p) for p in prefixes)}
    assert unused == set()


def test_notification_kinds_cover_every_role_given_and_taken():
    # accounts names the kind after the role: f"role_granted_{kind}" and f"role_removed_{kind}".
    expected = {f"role_{change}_{kind}" for change in ("granted", "removed") for kind in Role.Kind.values}
    assert expected - registered_kinds() == set()


@pytest.mark.django_db
def test_notification_kinds_unregistered_is_refused_and_nothing_is_written(cast):
    with pytest.raises(LookupError):
        notify(user=cast.teacher_a.user, kind="no_such_kind", title="x")
    with pytest.raises(LookupError):
        notify_many([(cast.teacher_a.user, "twinning_started", "", {}), (cast.teacher_b.user, "no_such_kind", "", {})])
    assert cast.teacher_a.user.notifications.count() == 0
