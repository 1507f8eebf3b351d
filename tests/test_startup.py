"""What a process pays before its real work (issue 20): `--version` imports no store, no SQLAlchemy and
no command family; a command line builds only its own command's parsers; opening a store that is already
at the newest schema does not import Alembic. Checked on the modules a fresh process has loaded, never on
times."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from confirm_desk import cli
from tests.conftest import ROOT

# A fresh interpreter runs `confirm-desk ARGS...` as the console script would, then prints the names of
# the modules it loaded (whether the command ended normally or with SystemExit, as --version does).
RUN_AND_LIST = (
    "import json, runpy, sys\n"
    "sys.argv = ['confirm-desk', *sys.argv[1:]]\n"
    "code = 0\n"
    "try:\n"
    "    runpy.run_module('confirm_desk', run_name='__main__')\n"
    "except SystemExit as exc:\n"
    "    code = exc.code\n"
    "import gc\n"
    "tracked = len(gc.get_objects())\n"
    "sys.stdout.flush()\n"
    "print('\\nMODULES ' + json.dumps({'code': code, 'modules': sorted(sys.modules), 'gc': gc.isenabled(),\n"
    "                                  'frozen': gc.get_freeze_count(), 'tracked': tracked}))\n"
)


def run_listing(*args: str, env: dict[str, str] | None = None) -> tuple[str, int, set[str], dict]:
    done = subprocess.run([sys.executable, "-c", RUN_AND_LIST, *args], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=120)
    out, _sep, listing = done.stdout.rpartition("\nMODULES ")
    assert listing, done.stderr[-2000:]
    data = json.loads(listing)
    return out, data["code"], set(data["modules"]), data


def _loaded(modules: set[str], package: str) -> list[str]:
    return sorted(m for m in modules if m == package or m.startswith(package + "."))


def test_version_loads_no_store_and_no_command_family() -> None:
    out, code, modules, _data = run_listing("--version")
    from confirm_desk import __version__

    assert (out.strip(), code) == (f"ConfirmDesk {__version__}", 0)
    for package in ("sqlalchemy", "alembic", "argon2", "PySide6", "confirm_desk.store", "confirm_desk.services",
                    "confirm_desk.commands", "logging"):
        assert _loaded(modules, package) == [], package


def test_an_import_loads_neither_alembic_nor_qt_and_collects_garbage_after_start_up(
        tmp_path: Path, template_db: Path, samples: Path) -> None:
    from confirm_desk.services import accounts
    from confirm_desk.store.db import open_store

    db = tmp_path / "store.sqlite3"
    db.write_bytes(template_db.read_bytes())
    store = open_store(f"sqlite:///{db}")
    with store.session() as session:
        accounts.create_first_admin(session, "admin", "管理员", "Admin#2026")
    store.dispose()
    out, code, modules, data = run_listing(
        "--db", f"sqlite:///{db}", "import", str(samples / "applicants_export.xlsx"), "--user", "admin",
        env={"CONFIRM_DESK_PASSWORD": "Admin#2026"})
    assert code in (0, 1) and "新增" in out, out
    for package in IMPORT_NEVER_LOADS:
        assert _loaded(modules, package) == [], package
    # Start-up's lasting objects were frozen out of the collector's way, and it runs again; what the command
    # made is frozen when it ends, so the interpreter's last collection at exit has next to nothing to walk.
    assert data["gc"] and data["frozen"] > 10_000
    assert data["tracked"] < 1_000, data["tracked"]


# What an import of a list (no --photos) has no use for: the schema tools, the window, other databases' drivers,
# the imaging, spreadsheet-writing, PDF, barcode and OCR libraries, and the services of other capabilities. Nor
# the ORM: the log-in, the import and its audit run Core statements on store/tables.py in a store.unit().
IMPORT_NEVER_LOADS = (
    "alembic", "PySide6", "sqlalchemy.dialects.postgresql", "psycopg", "psycopg2",
    "sqlalchemy.orm", "confirm_desk.store.models", "html.parser",
    "PIL", "pillow_heif", "numpy", "cv2", "onnxruntime", "rapidocr", "openpyxl", "reportlab", "segno",
    "confirm_desk.ui", "confirm_desk.app", "confirm_desk.selftest",
    "confirm_desk.commands.photos", "confirm_desk.commands.users", "confirm_desk.commands.batches",
    "confirm_desk.services.photos", "confirm_desk.services.printing", "confirm_desk.services.batches",
    "confirm_desk.services.backup", "confirm_desk.services.reports", "confirm_desk.services.coverage",
    "confirm_desk.services.scanning", "confirm_desk.services.evidence",
    "confirm_desk.services.applicants.listing", "confirm_desk.services.importing.error_report",
    "confirm_desk.store.search_index",
)


def test_each_command_is_registered_by_the_modules_the_table_names() -> None:
    """cli.COMMAND_OWNERS must list every module that adds to a top-level command, or that command's
    parser would miss the subcommands of the module left out."""
    registered: dict[str, set[str]] = {}
    for name in cli.COMMAND_MODULES:
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers(dest="command")
        importlib.import_module(name).register(sub)
        for word in sub.choices:
            registered.setdefault(word, set()).add(name)
    assert {word: set(owners) for word, owners in cli.COMMAND_OWNERS.items()} == registered


@pytest.mark.parametrize(("argv", "word"), [
    (["--version"], None),
    (["--db", "sqlite:///x", "import", "f.xlsx"], "import"),
    (["--db=sqlite:///x", "list"], "list"),
    (["--d", "sqlite:///x", "export", "batch"], "export"),
    (["--self-test"], None),
    (["--", "show"], "show"),
])
def test_the_command_word_is_found_after_the_global_options(argv: list[str], word: str | None) -> None:
    assert cli.command_word(argv) == word


def test_a_command_line_builds_the_same_parser_for_its_command_as_the_whole_one() -> None:
    """Building only what a command line names must not change how that command is parsed."""
    whole = cli.build_parser()
    whole_sub = next(a for a in whole._actions if isinstance(a, argparse._SubParsersAction))
    for word in cli.COMMAND_OWNERS:
        part = cli.build_parser(["--db", "sqlite:///x", word])
        part_sub = next(a for a in part._actions if isinstance(a, argparse._SubParsersAction))
        assert word in part_sub.choices and set(part_sub.choices) < set(whole_sub.choices)
        assert part_sub.choices[word].format_help() == whole_sub.choices[word].format_help()
    assert cli.modules_for(["--help"]) == cli.COMMAND_MODULES
    assert cli.modules_for(["no-such-command"]) == cli.COMMAND_MODULES
    assert cli.modules_for(["--db", "sqlite:///x"]) == ()


def test_opening_a_store_at_the_newest_schema_does_not_import_alembic(tmp_path: Path, template_db: Path) -> None:
    script = ("import sys\n"
              "from confirm_desk.store.db import open_store\n"
              "store = open_store(sys.argv[1])\n"
              "store.dispose()\n"
              "print('alembic' in sys.modules)\n")
    old = tmp_path / "old.sqlite3"  # a store before the newest migration still gets it
    _older_store(template_db, old)
    at_head = tmp_path / "head.sqlite3"
    at_head.write_bytes(template_db.read_bytes())
    for path, imports_alembic in ((old, True), (at_head, False), (old, False), (tmp_path / "new.sqlite3", True)):
        done = subprocess.run([sys.executable, "-c", script, f"sqlite:///{path}"], cwd=ROOT, capture_output=True,
                              text=True, timeout=120)
        assert done.stdout.strip() == str(imports_alembic), (path.name, done.stderr[-2000:])


def _older_store(template_db: Path, path: Path) -> None:
    """A store one migration behind the newest (the newest one undone)."""
    from alembic import command
    from alembic.config import Config

    from confirm_desk.paths import migrations_dir
    from confirm_desk.store.db import create_store_engine

    path.write_bytes(template_db.read_bytes())
    engine = create_store_engine(f"sqlite:///{path}")
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "-1")
    engine.dispose()


def test_the_models_load_no_postgresql_dialect_until_a_postgresql_store_opens() -> None:
    script = ("import sys\n"
              "import confirm_desk.store.models as models\n"
              "print('sqlalchemy.dialects.postgresql' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False", done.stderr[-2000:]


def test_the_export_number_index_is_partial_on_both_databases() -> None:
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import CreateIndex

    from confirm_desk.store.models import Base, add_postgresql_options

    add_postgresql_options()  # what opening a PostgreSQL store does
    index = next(i for i in Base.metadata.tables["batch"].indexes if i.name == "uq_batch_export_number")
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        assert str(CreateIndex(index).compile(dialect=dialect)) == (
            "CREATE UNIQUE INDEX uq_batch_export_number ON batch (number) WHERE kind = 'export'")


def test_the_main_window_loads_no_printing_or_batch_export_until_used() -> None:
    """The dashboard's summary names the next batch and the papers to print; those services (some 60
    modules with their imports) load when the summary is made, not before the window's first rows."""
    script = ("import sys\n"
              "import confirm_desk.ui.main.window\n"
              "print(sorted(m for m in sys.modules if m.startswith(('confirm_desk.services.printing',\n"
              "      'confirm_desk.services.batches', 'confirm_desk.services.spreadsheets.write'))))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.stdout.strip() == "[]", done.stderr[-2000:]


def test_an_unknown_name_costs_one_argon2_run_like_a_wrong_password() -> None:
    """The dummy hash checked for an unknown name is made in advance with the production parameters: a fresh
    process (every CLI command) runs argon2 once for a wrong name, as for a wrong password, never twice."""
    from argon2 import PasswordHasher

    from confirm_desk.services import accounts

    assert not PasswordHasher().check_needs_rehash(accounts._DUMMY_HASH)
    script = ("import argon2._password_hasher as hasher, confirm_desk.services.accounts as accounts\n"
              "runs = []\n"
              "def counted(name):\n"
              "    real = getattr(hasher, name)\n"
              "    return lambda *args, **kw: runs.append(name) or real(*args, **kw)\n"
              "hasher.hash_secret, hasher.verify_secret = counted('hash_secret'), counted('verify_secret')\n"
              "accounts._verify(accounts._dummy_hash(), 'whatever')\n"
              "print(runs)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "['verify_secret']", done.stderr[-2000:]
