"""How the tests are laid out: an app's factories and helpers live in its tests' conftest.py, and no
test module imports another (each can be read, moved and run alone)."""

import ast
from pathlib import Path

import twinning

ROOT = Path(twinning.__file__).parent


def test_no_test_module_imports_another_test_module():
    found = []
    for path in sorted(ROOT.glob("**/tests/**/*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            if any(".tests.test_" in name for name in names):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == [], "move the shared helper into that app's tests/conftest.py: " + ", ".join(found)
