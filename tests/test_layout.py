"""The house rules a newcomer relies on: one place reads htmx headers, modules stay small, views stay thin."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(ROOT.joinpath("volunteer").rglob("*.py"))
HTMX = "volunteer/web/htmx.py"
MAX_MODULE_LINES = 400
MAX_VIEW_LINES = 25



def name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def views(path: Path):
    """The functions a blueprint routes to (decorated with bp.get, bp.post, bp.route…)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                and d.func.attr in ("get", "post", "put", "patch", "delete", "route") for d in node.decorator_list):
            yield node


def test_the_layout_sees_the_package():
    assert HTMX in {name(path) for path in MODULES}
    assert any(True for path in MODULES for _ in views(path))


@pytest.mark.parametrize("path", [path for path in MODULES if name(path) != HTMX], ids=name)
def test_only_htmx_py_reads_htmx_headers(path):
    text = path.read_text(encoding="utf-8")
    assert "is_htmx(" not in text and "HX-" not in text, \
        f"{name(path)} decides full page or partial itself: use render, fragment, done or render_form from {HTMX}"


@pytest.mark.parametrize("path", MODULES, ids=name)
def test_no_module_is_over_400_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{name(path)} has {lines} lines: split it into a package"


@pytest.mark.parametrize("path", MODULES, ids=name)
def test_views_are_thin(path):
    long = [f"{view.name} ({view.end_lineno - view.lineno + 1} lines)" for view in views(path)
            if view.end_lineno - view.lineno + 1 > MAX_VIEW_LINES]
    assert not long, f"{name(path)}: views over {MAX_VIEW_LINES} lines: {', '.join(long)}; move the work to a service"
