"""One-way layers, read from the source with `ast`: domain ← store ← services ← ui.

- domain imports neither SQLAlchemy nor Qt (nor the layers above it);
- store imports no Qt and nothing from services/ui;
- services import no Qt and nothing from ui;
- under ui/, only ui/ops/* and ui/jobs.py import confirm_desk.store or open a session (`.session(`).

`ALLOWED` lists today's violators (module → what it may still do); it only shrinks. A module that stops
violating must leave the list, so the list cannot hide a new violation behind an old entry.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "confirm_desk"
QT = ("PySide6", "shiboken6", "PyQt5", "PyQt6")
SQL = ("sqlalchemy", "alembic")

# Modules under ui/ that may still reach the store directly, by what they do ("import", "session").
ALLOWED: dict[str, set[str]] = {}


def _modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def _name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def _imports(path: Path, package: list[str] | None = None) -> list[str]:
    """Every module an import statement names (relative imports resolved), anywhere in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    if package is None:
        package = _name(path).split(".")
        if path.name != "__init__.py":
            package = package[:-1]
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append(module)
            found.extend(f"{module}.{alias.name}" for alias in node.names)
    return found


def _opens_session(path: Path) -> bool:
    """A call of any `….session(…)`: the store's unit of work."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "session"
        for node in ast.walk(tree)
    )


def _starts_with(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _offences(layer: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{_name(path)} imports {module}"
        for path in _modules(layer)
        for module in _imports(path)
        if _starts_with(module, forbidden)
    ]


def test_domain_is_pure() -> None:
    forbidden = (*QT, *SQL, "confirm_desk.store", "confirm_desk.services", "confirm_desk.ui")
    assert _offences("domain", forbidden) == []


def test_store_has_no_qt_and_no_upper_layer() -> None:
    assert _offences("store", (*QT, "confirm_desk.services", "confirm_desk.ui")) == []


def test_services_have_no_qt_and_no_ui() -> None:
    assert _offences("services", (*QT, "confirm_desk.ui")) == []


def test_commands_have_no_qt() -> None:
    assert _offences("commands", (*QT, "confirm_desk.ui")) == []


def _is_gateway(path: Path) -> bool:
    rel = path.relative_to(PACKAGE / "ui").parts
    return rel[0] == "ops" or rel == ("jobs.py",)


def _store_use(path: Path, package: list[str] | None = None) -> set[str]:
    what = set()
    if any(_starts_with(m, ("confirm_desk.store",)) for m in _imports(path, package)):
        what.add("import")
    if _opens_session(path):
        what.add("session")
    return what


def _ui_violations() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in _modules("ui"):
        what = set() if _is_gateway(path) else _store_use(path)
        if what:
            found[_name(path)] = what
    return found


def test_widgets_never_touch_the_store() -> None:
    """Only ui/ops/* and ui/jobs.py reach the store: a widget gets its data from an ops function via the
    job runner (ui/jobs.py)."""
    found = _ui_violations()
    new = {m: w - ALLOWED.get(m, set()) for m, w in found.items()}
    new = {m: w for m, w in new.items() if w}
    assert new == {}, "database work in a widget: move it to ui/ops/<capability>.py and run it through ui/jobs.py"


def test_allow_list_only_shrinks() -> None:
    found = _ui_violations()
    stale = {m: w - found.get(m, set()) for m, w in ALLOWED.items()}
    stale = {m: w for m, w in stale.items() if w}
    assert stale == {}, "these no longer violate: remove them from ALLOWED in tests/test_layering.py"


@pytest.mark.parametrize("source, expected", [
    ("from confirm_desk.store.db import Store\n", {"import"}),
    ("import confirm_desk.store\n", {"import"}),
    ("from ...store import db\n", {"import"}),
    ("def f(s):\n    with s.store.session() as x:\n        pass\n", {"session"}),
    ("from confirm_desk.ui.ops import photos\n", set()),
    ("from ..ops import photos\n", set()),
])
def test_the_checker_sees(tmp_path: Path, source: str, expected: set[str]) -> None:
    path = tmp_path / "mod.py"
    path.write_text(source, encoding="utf-8")
    assert _store_use(path, ["confirm_desk", "ui", "main"]) == expected


def test_saving_settings_is_below_the_lists_flags() -> None:
    """services.settings imports nothing from services.applicants: the flags depend on settings, never the other
    way round (findings.save_settings saves and then refreshes the flags; no import cycle hidden in a function)."""
    path = PACKAGE / "services" / "settings.py"
    assert [m for m in _imports(path) if m.startswith("confirm_desk.services.applicants")] == []
