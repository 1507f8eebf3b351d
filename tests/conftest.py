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
    from confirm_desk.services.importing import import_applicants

    import_applicants(store, samples / "applicants_export.xlsx", samples / "photos")
    return store


# Reliability tests count what they tried (bad inputs, kills...); the totals close the test run.
TALLY_KEY = pytest.StashKey[dict[str, int]]()


@pytest.fixture(scope="session")
def tally(request: pytest.FixtureRequest) -> dict[str, int]:
    return request.config.stash.setdefault(TALLY_KEY, {})


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ANN001
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
