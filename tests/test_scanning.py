"""Scanning the originals: generated certificate and ID-card pictures read offline, compared with the
application (match / differs / unread, never a wrong 一致), kept as evidence, and the CLI's JSON."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from bench.scan_docs import fonts, make_document
from confirm_desk.cli import main
from confirm_desk.services.backup import backup
from confirm_desk.services.scanning import compare as cmp
from confirm_desk.services.scanning.engine import MODEL_FILES, models_dir
from confirm_desk.services.scanning.kinds import document_kinds
from confirm_desk.services.scanning.reader import FieldReading
from confirm_desk.store.models import AuditEvent, FieldCheck, ScanImage, applicant_table
from tests.accounts_helpers import CLERK_PW, fast_hasher, make_operators  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
WQY = fonts()[0]
# seed, kind, changed?: a few documents, small and fixed (each OCR run costs ≈1.5 CPU s).
DOCS = {"cert_same": (101, "certificate", False), "cert_changed": (102, "certificate", True),
        "id_same": (103, "id_card", False), "id_changed": (104, "id_card", True)}


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("scans")
    out = {}
    for name, (seed, kind, changed) in DOCS.items():
        doc = make_document(seed, kind, changed, font=WQY, quality=60)
        path = folder / f"{name}.jpg"
        path.write_bytes(doc.jpeg)
        out[name] = (doc, path, cmp.read_document(path))
    return out


def test_models_ship_inside_the_wheel_and_load_with_the_network_cut(tmp_path) -> None:
    folder = models_dir()
    for name in MODEL_FILES.values():
        assert (folder / name).stat().st_size > 500_000
    doc = make_document(7, "certificate", False, font=WQY, quality=70)
    image = tmp_path / "c.jpg"
    image.write_bytes(doc.jpeg)
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network is off in this test')\n"
        "socket.socket.connect = refuse; socket.create_connection = refuse; socket.getaddrinfo = refuse\n"
        "import sys; from confirm_desk.services.scanning.compare import read_document\n"
        "r = read_document(sys.argv[1]); print(r.kind.key, r.fields['cert_number'].value)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(image)], capture_output=True, text=True, timeout=300,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["certificate", doc.printed["cert_number"]]


def test_each_document_is_read_and_compared_without_a_wrong_match(docs) -> None:
    for name, (doc, _path, reading) in docs.items():
        assert reading.kind.key == doc.kind, name
        results = cmp.compare([reading], doc.desk)
        assert set(results) == set(doc.desk)
        for key, c in results.items():
            really_same = doc.printed[key] == doc.desk[key]
            assert not (c.result == cmp.MATCH and not really_same), (name, key, c)  # the hard rule
            if key == doc.changed:
                assert c.result in (cmp.DIFFERS, cmp.UNREAD), (name, key, c)
        read = [c for c in results.values() if c.result != cmp.UNREAD]
        assert len(read) >= len(results) - 1, (name, results)
    doc, _path, reading = docs["cert_changed"]
    changed = cmp.compare([reading], doc.desk)[doc.changed]
    assert changed.result == cmp.DIFFERS and cmp.normalise(changed.scanned, "x") != ""
    assert docs["id_same"][2].fields["id_address"].value == docs["id_same"][0].printed["id_address"]


def test_a_document_read_against_another_person_marks_nothing(docs) -> None:
    """The application of someone else: every field differs or is unread, none is 一致."""
    other = make_document(999, "certificate", False).desk
    for _doc, _path, reading in docs.values():
        results = cmp.compare([reading], other)
        for key in ("name", "id_number", "birth_date", "cert_number", "cert_issue_date"):
            if key in results:
                assert results[key].result != cmp.MATCH, results[key]


def test_doubtful_readings_never_match() -> None:
    spec = next(f for f in document_kinds()["certificate"].fields if f.key == "id_number")

    def field(value: str, confidence: float, valid: bool = True) -> FieldReading:
        return FieldReading(spec.key, spec.label, spec.desk, value, value, confidence, valid)

    good = "330106198001010017"
    assert cmp.compare_field(field(good, 0.99), good, "id_number").result == cmp.MATCH
    assert cmp.compare_field(field(good, 0.80), good, "id_number").result == cmp.UNREAD  # not sure enough
    assert cmp.compare_field(field(good, 0.99, valid=False), good, "id_number").result == cmp.UNREAD  # checksum
    assert cmp.compare_field(field("", 0.0, valid=False), good, "id_number").result == cmp.UNREAD
    assert cmp.compare_field(field("330106198001010025", 0.99), good, "id_number").result == cmp.DIFFERS
    # Full-width, lower-case x, spaces and 年月日 dates compare equal once normalised.
    assert cmp.normalise("３３０１０６１９８００１０１００１ｘ", "id_number") == "33010619800101001X"
    assert cmp.normalise("1980年1月1日", "date") == cmp.normalise("1980-01-01", "date") == "1980-01-01"
    assert cmp.normalise("汉", "ethnicity") == cmp.normalise("汉族", "ethnicity")
    assert cmp.normalise("杭州市 教育局", "text") == "杭州市教育局"


def test_a_picture_that_is_no_document_is_refused_plainly(tmp_path, capsys) -> None:
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("RGB", (400, 300), "white").save(blank)
    assert main(["scan", "read", str(blank)]) == 2
    assert "无法识别证件类型" in capsys.readouterr().err
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 not really")
    assert main(["scan", "read", str(broken)]) == 2
    assert "无法读取图像" in capsys.readouterr().err


def test_cli_read_json_shape(docs, capsys) -> None:
    doc, path, _reading = docs["id_same"]
    assert main(["scan", "read", str(path), "--kind", "id_card", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "id_card"
    assert set(data["fields"]) == {"name", "gender", "ethnicity", "birth_date", "id_address", "id_number"}
    for entry in data["fields"].values():
        assert set(entry) == {"value", "confidence"} and 0 <= entry["confidence"] <= 1
    assert data["fields"]["id_number"]["value"] == doc.printed["id_number"]


def _add_applicant(store, values: dict[str, str]) -> str:
    row = {"application_no": "2026330000999", "status": "pending", "id_type": "居民身份证", **values}
    with store.session() as session:
        session.execute(insert(applicant_table), [row])
    return row["application_no"]


def test_cli_compare_and_attach(store, docs, capsys, tmp_path) -> None:
    doc, cert, _r = docs["cert_changed"]
    id_doc = docs["id_same"][0]
    values = dict(doc.desk)
    values["ethnicity"] = id_doc.desk["ethnicity"]
    number = _add_applicant(store, values)
    make_operators(store)
    import os

    os.environ["CONFIRM_DESK_PASSWORD"] = CLERK_PW  # every command that reads the applicant logs in
    argv = ["--db", store.url, "scan", "compare", number, str(cert), "--format", "json", "--user", "clerk"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["fields"]) == set(doc.desk)
    for key, entry in data["fields"].items():
        assert set(entry) >= {"desk", "scanned", "result"} and entry["result"] in ("match", "differs", "unread")
        assert entry["desk"] == values[key]
    assert data["fields"][doc.changed]["result"] == "differs"
    assert main(["--db", store.url, "scan", "compare", number, str(cert), "--attach"]) == 2  # no --user
    assert main([*argv, "--attach"]) == 0
    attached = json.loads(capsys.readouterr().out)["attached"]
    assert len(attached["images"]) == 1 and attached["marked"][doc.changed] == "differs"
    with store.session() as session:
        images = session.scalars(select(ScanImage)).all()
        assert len(images) == 1 and images[0].image[:2] == b"\xff\xd8" and images[0].kind == "certificate"
        marks = {fc.field: fc for fc in session.scalars(select(FieldCheck))}
        assert marks[doc.changed].matches is False
        assert marks[doc.changed].original_value == doc.printed[doc.changed] or doc.changed.endswith("date")
        assert all(marks[k].matches for k, r in attached["marked"].items() if r == "match")
        scan_marks = session.scalars(select(AuditEvent).where(AuditEvent.action == "scan_mark")).all()
        assert {e.field for e in scan_marks} == set(attached["marked"])
        assert all("置信度" in e.detail for e in scan_marks)

    out = tmp_path / "evidence.pdf"
    assert main(["--db", store.url, "scan", "evidence", number, "-o", str(out), "--user", "clerk"]) == 0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "证件原件核验留证" in text and values["name"] in text and "教师资格证书" in text
    assert "不一致" in text and "置信度" not in text  # results and confidences, not the audit wording
    assert main(["--db", store.url, "scan", "evidence", "2025000000000", "-o", str(out), "--user", "clerk"]) == 2
    del os.environ["CONFIRM_DESK_PASSWORD"]

    info = backup(store, tmp_path / "backup.sqlite3")
    with closing(sqlite3.connect(info.path)) as conn:  # the pictures travel with every backup
        assert conn.execute("SELECT count(*) FROM scan_image").fetchone()[0] == 1
