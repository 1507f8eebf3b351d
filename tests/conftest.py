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


def file_digest(path: Path) -> str:
    """The bytes of a SQLite store and its WAL, to prove a refused file changed nothing."""
    import hashlib

    digest = hashlib.sha256()
    for part in (path, path.with_name(path.name + "-wal")):
        if part.exists():
            digest.update(part.read_bytes())
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
