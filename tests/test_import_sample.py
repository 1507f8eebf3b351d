"""The sample export imports as documented; every data anomaly shows as a flagged check."""

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from confirm_desk.services.applicants.listing import ListCriteria, get_detail, list_records, resolve
from confirm_desk.services.importing.applicants import import_applicants
from confirm_desk.store.models import AuditEvent, Photo, applicant_table

# anomalies.json (data rows) -> the check code that must be flagged in the detail
EXPECTED_FLAGS = {
    "2025330000004": "id_checksum",
    "2025320000012": "cert_old_format",
    "2025320000021": "gender_mismatch",
    "2025330000025": "stage_mismatch",
    "2025500000029": "cert_format",
    "2025330000034": "subject_differs",
    "2025500000041": "cert_year_mismatch",
    "2025320000042": "cert_year_mismatch",
    "2025330000043": "cert_year_mismatch",
}


def test_sample_import_counts_and_reimport_unchanged(store, samples: Path) -> None:
    first = import_applicants(store, samples / "applicants_export.xlsx", samples / "photos")
    assert (first.imported, first.updated, first.unchanged, len(first.errors)) == (60, 0, 0, 0)
    # 56 photo files: 55 usable, the corrupt one (2025320000048) refused with a message.
    assert first.photos.attached == 55
    assert [e.file for e in first.photos.errors] == ["320106198703218941.jpg"]
    assert "损坏" in first.photos.errors[0].message
    assert not re.search("[A-Za-z]", first.photos.errors[0].message)  # not Pillow's "Truncated File Read"
    assert first.photos.unmatched == []
    again = import_applicants(store, samples / "applicants_export.xlsx", samples / "photos")
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 60)
    assert again.photos.attached == 0 and again.photos.unchanged == 55
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(applicant_table)) == 60
        assert s.scalar(select(func.count()).select_from(Photo)) == 55


def test_statuses_from_glossary(imported_store) -> None:
    with imported_store.session() as s:
        records = list_records(s, ListCriteria())
    statuses = {r["application_no"]: r["status"] for r in records}
    assert {k for k, v in statuses.items() if v == "draft"} == {"2025330000016", "2025500000017", "2025320000018"}
    assert set(statuses.values()) == {"draft", "pending"}
    assert all(r["status_label"] in ("网报未完成", "网报待确认") for r in records)


@pytest.mark.parametrize(("number", "code"), sorted(EXPECTED_FLAGS.items()))
def test_data_anomalies_are_flagged(imported_store, number: str, code: str) -> None:
    with imported_store.session() as s:
        detail = get_detail(s, resolve(s, number))
    assert code in {f.code for f in detail.findings}
    assert code in {c["code"] for c in detail.as_json()["checks"]}


def test_anomaly_list_covers_every_data_row(samples: Path) -> None:
    anomalies = json.loads((samples / "anomalies.json").read_text(encoding="utf-8"))
    data_rows = {k for k, v in anomalies.items() if not v.startswith("photo") and "draft" not in v
                 and "lower-case" not in v and "no photo" not in v}
    assert data_rows == set(EXPECTED_FLAGS)


def test_lowercase_x_is_stored_uppercase(imported_store) -> None:
    with imported_store.session() as s:
        detail = get_detail(s, resolve(s, "2025500000008"))
    assert detail.values["id_number"] == "33090219830517317X"


def test_photo_states(imported_store) -> None:
    with imported_store.session() as s:
        states = dict(s.execute(select(applicant_table.c.application_no, applicant_table.c.photo_state)).all())
    assert states["2025320000051"] == "none"  # no photo supplied
    assert states["2025320000048"] == "none"  # corrupt photo not attached
    assert states["2025320000045"] == "original"  # PNG
    assert states["2025330000049"] == "original"  # small: attached with a warning


def test_import_is_audited(imported_store) -> None:
    with imported_store.session() as s:
        actions = s.scalars(select(AuditEvent.action)).all()
    assert actions.count("import") == 1
    assert actions.count("photo_attach") == 55
