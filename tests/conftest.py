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
