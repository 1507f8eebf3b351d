"""The support log gets written, and never holds an applicant's name or ID number."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from confirm_desk.cli import main as cli


@pytest.fixture
def fresh_log(isolated_home: Path):
    """Point the app's log at this test's data folder (setup_logging runs once per process)."""
    from confirm_desk.logs import setup_logging

    root = logging.getLogger("confirm_desk")
    kept = root.handlers[:]
    root.handlers.clear()
    setup_logging()
    yield isolated_home / "logs" / "confirm_desk.log"
    for handler in root.handlers:
        handler.close()
    root.handlers[:] = kept


def _personal_values(samples: Path) -> set[str]:
    from confirm_desk.services.importing.applicants import locate_header
    from confirm_desk.services.spreadsheets.read import read_rows

    rows = read_rows(samples / "applicants_export.xlsx")
    header = locate_header(rows, "x")
    wanted = {c for c, f in header.columns.items() if f.key in ("name", "id_number", "phone", "email")}
    return {str(r[c]).strip() for r in rows[header.row_index + 1 :] for c in wanted if len(str(r[c]).strip()) > 1}


def test_import_and_a_crash_log_no_personal_data(fresh_log: Path, cli_clerk: str, db_url: str, samples: Path,
                                                 monkeypatch,
                                                 capsys) -> None:
    from sqlalchemy import insert

    from confirm_desk.services.importing import applicants as importing
    from confirm_desk.store.models import applicant_table

    export = samples / "applicants_export.xlsx"
    assert cli(["--db", db_url, "import", str(export), "--photos", str(samples / "photos")]) == 1
    real_add = importing.RowWriter.add

    def buggy_add(self, parsed) -> None:
        real_add(self, parsed)
        self.session.execute(insert(applicant_table), [values for _, values in parsed])  # duplicates: a bug

    monkeypatch.setattr(importing.RowWriter, "add", buggy_add)
    assert cli(["--db", db_url, "import", str(export)]) == 2
    assert "程序内部错误" in capsys.readouterr().err
    text = fresh_log.read_text(encoding="utf-8")
    assert "import of applicants_export.xlsx committed" in text and "Traceback" in text
    leaked = sorted(v for v in _personal_values(samples) if v in text)
    assert len(_personal_values(samples)) > 150 and leaked == []
