"""Shared fixtures: an isolated data folder, a fresh migrated store per test, the shared samples."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT.parent / "shared" / "domain" / "samples"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("CONFIRM_DESK_HOME", str(home))
    monkeypatch.delenv("CONFIRM_DESK_DB", raising=False)
    return home


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database per test session; each test gets a copy (migrations run once)."""
    from confirm_desk.store.db import open_store

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    store = open_store(f"sqlite:///{path}")
    store.dispose()
    return path


@pytest.fixture
def db_url(tmp_path: Path, template_db: Path) -> str:
    path = tmp_path / "store.sqlite3"
    shutil.copy(template_db, path)
    return f"sqlite:///{path}"


@pytest.fixture
def store(db_url: str):
    from confirm_desk.store.db import open_store

    opened = open_store(db_url)
    yield opened
    opened.dispose()


@pytest.fixture
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip("../shared/domain/samples is not beside this checkout")
    return SAMPLES


@pytest.fixture
def imported_store(store, samples: Path):
    from confirm_desk.services.importing.applicants import import_applicants

    import_applicants(store, samples / "applicants_export.xlsx", samples / "photos")
    return store


@pytest.fixture
def cli_clerk(monkeypatch: pytest.MonkeyPatch, db_url: str) -> str:
    """Command-line tests: the store at `db_url` has the operators (tests/accounts_helpers.py) and every
    command runs as the clerk (CONFIRM_DESK_USER / CONFIRM_DESK_PASSWORD, subprocesses too); returns the URL."""
    from tests.accounts_helpers import login_env, use_fast_hasher

    use_fast_hasher(monkeypatch)
    login_env(monkeypatch, db_url)
    return db_url


# Reliability tests count what they tried (bad inputs, kills...); the totals close the test run.
TALLY_KEY = pytest.StashKey[dict[str, int]]()


@pytest.fixture(scope="session")
def tally(request: pytest.FixtureRequest) -> dict[str, int]:
    return request.config.stash.setdefault(TALLY_KEY, {})


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    counts = config.stash.get(TALLY_KEY, None)
    if counts:
        terminalreporter.write_sep("-", "reliability counts")
        for name, value in sorted(counts.items()):
            terminalreporter.write_line(f"{name}: {value}")


@pytest.fixture(scope="session")
def bad_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bad-input corpus (tests/data/make_bad_inputs.py), built once per run into a temp folder."""
    from tests.data.make_bad_inputs import build_corpus

    return build_corpus(tmp_path_factory.mktemp("bad"))


LOGIN_ACTIONS = ("login", "login_failed", "login_refused", "lockout")


def file_digest(path: Path) -> str:
    """What a SQLite store holds, to prove a refused file changed nothing.

    Every table's rows in order, except the log-in bookkeeping every command now writes (the operator
    table's failure counter and the log-in audit events): a refused import must change no data, while
    the operator who ran it has logged in."""
    import hashlib
    import sqlite3
    from contextlib import closing

    digest = hashlib.sha256()
    if not path.exists():
        return digest.hexdigest()
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        for table in tables:
            if table == "operator":
                continue
            query = f'SELECT * FROM "{table}"'
            if table == "audit_event":
                query += f" WHERE action NOT IN ({','.join('?' * len(LOGIN_ACTIONS))})"
            rows = conn.execute(query + " ORDER BY 1", LOGIN_ACTIONS if table == "audit_event" else ())
            digest.update(table.encode())
            for row in rows:
                digest.update(repr(row).encode())
    return digest.hexdigest()


# --- PostgreSQL (issue 10): the same tests on a shared server -------------------------------------------
PG_URL = os.environ.get("CONFIRM_DESK_TEST_PG_URL", "")
PG_SKIP = ("PostgreSQL tests need CONFIRM_DESK_TEST_PG_URL=postgresql+psycopg://user:pw@127.0.0.1:55432/db, "
           "a throwaway "
           "database the tests empty (bash scripts/start_test_postgres.sh starts a server and prints one)")


@pytest.fixture(scope="session")
def pg_migrated_url() -> str:
    """The test database emptied and migrated from nothing once per test session."""
    if not PG_URL:
        pytest.skip(PG_SKIP)
    from sqlalchemy import create_engine, text

    from confirm_desk.store.db import open_store

    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    open_store(PG_URL).dispose()
    return PG_URL


@pytest.fixture
def pg_store(pg_migrated_url: str):
    """A migrated, empty PostgreSQL store (every table truncated, ids restarted)."""
    from sqlalchemy import text

    from confirm_desk.store.db import open_store
    from confirm_desk.store.models import Base

    opened = open_store(pg_migrated_url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with opened.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    yield opened
    opened.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_store(request: pytest.FixtureRequest):
    """The same test on a SQLite file and on the PostgreSQL server (skipped without one)."""
    return request.getfixturevalue("store" if request.param == "sqlite" else "pg_store")


@pytest.fixture
def any_imported_store(any_store, samples: Path):
    from confirm_desk.services.importing.applicants import import_applicants

    import_applicants(any_store, samples / "applicants_export.xlsx", samples / "photos")
    return any_store
