"""The export batch's fast paths (one planning query, tuples to executemany, archived photos and sync marks in
SQL) record exactly what the rules say: each batch is checked against a plain reference computed here, applicant
by applicant through the ORM, on a store with every kind of row (each outcome, a decision reopened, fields edited
here and edited back, a kept import conflict, an edit without a decision, a photo missing, a photo redone after
the batch, two applicants with one ID number, an ID number that is no file name, a formula-like reason, a control
character in a name) - the rows, the workbook's cells, the items, the archived photos, the sync marks, the audit;
on SQLite and on PostgreSQL (their statements differ: UPDATE … FROM, ON CONFLICT DO NOTHING)."""

from __future__ import annotations

import hashlib
import json
import random
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from confirm_desk.domain.fields import FIELDS, FIELDS_BY_KEY
from confirm_desk.domain.filenames import safe_stem
from confirm_desk.domain.statuses import Status
from confirm_desk.services import audit
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.audit_trail import local_time
from confirm_desk.services.batches.export import _ROW_JSON, _add_stored, _ZipSink, export_again, export_batch
from confirm_desk.services.confirming.local_edits import local_edits
from confirm_desk.services.spreadsheets.safe import safe_cell, safe_row, safe_rows
from confirm_desk.services.spreadsheets.write import fixed_info
from confirm_desk.store.models import (
    Applicant,
    AuditEvent,
    Batch,
    BatchItem,
    BatchPhoto,
    ConfirmationPoint,
    Decision,
    Photo,
    applicant_table,
)
from tests.test_batch_export import decide, normalise_photos, pending_numbers

t = applicant_table
ORDER = [f.key for f in FIELDS]


def reference_plan(session: Session) -> tuple[str, list[tuple[int, int, dict]]]:
    """(confirmation point, [(applicant id, version, row)]) of the next batch, from the rules, one applicant at a
    time: moved on since its last batch (never exported, a newer version, or its photo redone after that batch),
    and decided, exported before or edited here."""
    edits = local_edits(session)
    created = dict(session.execute(select(Batch.number, Batch.created_at).where(Batch.kind == "export")).all())
    items = []
    for a in session.scalars(select(Applicant).order_by(Applicant.id)):
        photo = session.scalars(select(Photo).where(Photo.applicant_id == a.id)).first()
        redone = (a.synced_batch is not None and photo is not None and photo.normalized is not None
                  and photo.updated_at > created[a.synced_batch])
        if not (a.synced_batch is None or a.version != a.synced_version or redone):
            continue
        status = Status(a.status)
        if not (status.decided or a.id in edits or a.synced_batch is not None):
            continue
        decision = None
        if status.decided:
            decision = session.scalars(select(Decision).where(Decision.applicant_id == a.id)
                                       .order_by(Decision.id.desc())).first()
        who, at = (decision.operator, decision.decided_at) if decision else ("", None)
        mine = edits.get(a.id, {})
        for edit in mine.values():
            if at is None or edit.at > at:
                who, at = edit.operator, edit.at
        missing = json.loads(decision.missing) if decision else []
        items.append((a.id, a.version, {
            "application_no": a.application_no, "id_number": a.id_number, "name": a.name,
            "result": status.label, "reason": decision.reason if decision else "", "missing": "、".join(missing),
            "changes": [[k, mine[k].base, mine[k].value] for k in ORDER if k in mine],
            "operator": who, "at": local_time(at).strftime("%Y-%m-%d %H:%M:%S") if at else "",
        }))
    chosen = {a for a, _v, _r in items}
    points = sorted({p for i, p in session.execute(select(t.c.id, t.c.confirmation_point)) if i in chosen and p})
    return "、".join(points or sorted(session.scalars(select(ConfirmationPoint.name)))), items


def expected_names(session: Session, items: list[tuple[int, int, dict]]) -> dict[int, str]:
    """Each applicant's photo in the zip: photos/<ID number>.jpg; a second one with that number adds the 报名号."""
    with_photo = {a for (a,) in session.execute(select(Photo.applicant_id).where(Photo.normalized.is_not(None)))}
    names: dict[int, str] = {}
    for applicant_id, _version, row in items:
        if applicant_id in with_photo:
            name = f"photos/{safe_stem(row['id_number'])}.jpg"
            if name in names.values():
                name = f"photos/{safe_stem(row['id_number'])}_{safe_stem(row['application_no'])}.jpg"
            names[applicant_id] = name
    return names


def sheet(rows: list[dict]) -> list[list[str]]:
    changed = sorted({c[0] for r in rows for c in r["changes"]}, key=ORDER.index)
    header = ["报名号", "证件号码", "姓名", "确认结果", "未通过原因", "缺少材料"]
    for key in changed:
        header += [f"{FIELDS_BY_KEY[key].label}（修改前）", FIELDS_BY_KEY[key].label]
    out = [[*header, "确认人", "确认时间"]]
    for r in rows:
        cells = [r["application_no"], r["id_number"], r["name"], r["result"], r["reason"], r["missing"]]
        by_key = {c[0]: c for c in r["changes"]}
        for key in changed:
            cells += by_key[key][1:] if key in by_key else ["", ""]
        out.append([safe_cell(c) for c in [*cells, r["operator"], r["at"]]])
    return out


def state(session: Session) -> dict[int, tuple]:
    return {r[0]: tuple(r[1:]) for r in session.execute(
        select(t.c.id, t.c.version, t.c.updated_at, t.c.synced_batch, t.c.synced_version))}


def export_and_check(store, out: Path, archived: dict[str, bytes], exported: dict[str, bytes]) -> dict[str, dict]:
    """Exports the next batch and checks everything it recorded against the reference (`archived`: what
    batch_photo must hold now: the photos of earlier batches redone since); returns its rows, and adds its photos
    to `exported` (sha -> bytes)."""
    with store.session() as session:
        point, items = reference_plan(session)
        names = expected_names(session, items)
        before = state(session)
        audit_before = session.scalar(select(func.max(AuditEvent.id)))
    result = export_batch(store, out, "clerk")
    with zipfile.ZipFile(out) as bundle:
        files = {n: bundle.read(n) for n in bundle.namelist()}
    manifest_text = files.pop("manifest.json").decode()
    manifest = json.loads(manifest_text)
    rows = [{**row, "photo": names.get(a, "")} for a, _v, row in items]
    shas = {n: hashlib.sha256(d).hexdigest() for n, d in files.items()}
    assert set(files) == {"results.xlsx", *names.values()} and manifest["files"] == shas
    assert manifest["confirmation_point"] == point and manifest["rows"] == len(items) == result.rows
    assert manifest["photos_missing"] == result.photos_missing == [r["application_no"] for r in rows if not r["photo"]]
    book = out.with_suffix(".xlsx")
    book.write_bytes(files["results.xlsx"])
    cells = CalamineWorkbook.from_path(str(book)).get_sheet_by_index(0).to_python()
    assert cells == sheet(rows)
    exported.update({shas[n]: d for n, d in files.items() if n.startswith("photos/")})

    with store.session() as session:
        batch = session.scalars(select(Batch).where(Batch.kind == "export", Batch.number == result.number)).one()
        assert (batch.row_count, batch.manifest, batch.confirmation_point) == (len(items), manifest_text, point)
        assert batch.file_sha256 == hashlib.sha256(out.read_bytes()).hexdigest() == result.sha256
        assert batch.summary == result.summary_zh() and batch.operator == "clerk"
        recorded = session.execute(select(BatchItem.applicant_id, BatchItem.applicant_version, BatchItem.row,
                                          BatchItem.photo_sha256).where(BatchItem.batch_id == batch.id)
                                   .order_by(BatchItem.id)).all()
        assert [(a, v, json.loads(r), s) for a, v, r, s in recorded] == [
            (a, v, row, shas.get(row["photo"], "")) for (a, v, _r), row in zip(items, rows, strict=True)]
        # The row text is what json.dumps writes (compact, characters as they are): a re-export depends on it.
        assert [r for _a, _v, r, _s in recorded] == [
            json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows]
        # A photo is archived when it changes after a batch carried it, not at export (migration 0012).
        assert dict(session.execute(select(BatchPhoto.sha256, BatchPhoto.data)).all()) == archived
        after = state(session)
        carried = {a: v for a, v, _r in items}
        assert after == {i: (v, u, result.number, carried[i]) if i in carried else (v, u, b, s)
                         for i, (v, u, b, s) in before.items()}
        events = session.execute(select(AuditEvent.action, AuditEvent.operator, AuditEvent.applicant_id,
                                        AuditEvent.detail).where(AuditEvent.id > audit_before)).all()
        assert events == [("export", "clerk", None, f"{result.summary_zh()} → {out.name}")]
    return {row["application_no"]: row for row in rows}


def test_batches_record_what_the_rules_say(any_imported_store, tmp_path) -> None:
    store = any_imported_store
    numbers = pending_numbers(store, 16)
    normalise_photos(store, skip={numbers[2], numbers[12]})
    with store.session() as session:
        ids = {n: resolve(session, n) for n in numbers}
        same_id = session.scalar(select(t.c.id_number).where(t.c.id == ids[numbers[0]]))
        session.execute(update(t).where(t.c.id == ids[numbers[5]]).values(id_number=same_id))
        session.execute(update(t).where(t.c.id == ids[numbers[6]]).values(id_number="../../etc/passwd"))
        session.execute(update(t).where(t.c.id == ids[numbers[7]]).values(name="张\x07三"))
    decide(store, numbers[0])
    decide(store, numbers[1], Status.INCOMPLETE)
    decide(store, numbers[2], Status.REJECTED)
    decide(store, numbers[3], None, edits={"teaching_subject": "物理", "school": "第九中学"})  # edited only
    decide(store, numbers[4], edits={"teaching_subject": "化学"})
    decide(store, numbers[5])
    decide(store, numbers[6], Status.INCOMPLETE)
    decide(store, numbers[7])
    decide(store, numbers[8], Status.REJECTED, edits={"school": "实验小学"})
    with store.session() as session:
        base = session.scalar(select(t.c.teaching_subject).where(t.c.id == ids[numbers[9]]))
    decide(store, numbers[9], None, edits={"teaching_subject": "生物"})
    decide(store, numbers[9], None, edits={"teaching_subject": base})  # edited back: not local any more
    with store.session() as session:
        # A formula-like reason (written as text in the workbook) and a kept import conflict.
        session.execute(update(Decision).where(Decision.applicant_id == ids[numbers[2]])
                        .values(reason="=HYPERLINK(\"http://x\")"))
        audit.record(session, "conflict_keep", "clerk", applicant_id=ids[numbers[10]],
                     application_no=numbers[10], field="title", old="一级教师", new="高级教师")
    exported: dict[str, bytes] = {}
    one = export_and_check(store, tmp_path / "batch1.zip", {}, exported)
    # The cases are there: every row but the one edited back, two photos by one ID number, a safe name.
    assert set(one) == set(numbers[:9]) | {numbers[10]}
    assert one[numbers[5]]["photo"] == f"photos/{same_id}_{numbers[5]}.jpg" and not one[numbers[2]]["photo"]
    assert one[numbers[6]]["photo"] == "photos/etc_passwd.jpg" and one[numbers[3]]["result"] == "网报待确认"
    assert [c[0] for c in one[numbers[3]]["changes"]] == ["school", "teaching_subject"]
    assert one[numbers[10]]["changes"] == [["title", "一级教师", "高级教师"]]

    decide(store, numbers[1], Status.CONFIRMED)  # reopened: materials handed in
    decide(store, numbers[11])
    decide(store, numbers[12], Status.REJECTED)
    decide(store, numbers[13], edits={"teaching_subject": "历史"})
    normalise_photos(store, only={numbers[0], numbers[6]}, quality=70)  # redone after batch 1
    with store.session() as session:
        audit.record(session, "conflict_take", "clerk", applicant_id=ids[numbers[10]],
                     application_no=numbers[10], field="title")  # follows the national system again
        session.execute(update(t).where(t.c.id == ids[numbers[10]]).values(version=t.c.version + 1))
    archived = {sha: data for sha, data in exported.items()  # the two redone photos as batch 1 carried them
                if sha in {photo_sha(store, 1, numbers[0]), photo_sha(store, 1, numbers[6])}}
    assert len(archived) == 2
    two = export_and_check(store, tmp_path / "batch2.zip", archived, exported)
    assert set(two) == {numbers[i] for i in (0, 1, 6, 10, 11, 12, 13)}
    assert two[numbers[10]]["changes"] == [] and two[numbers[1]]["result"] == "确认已通过"

    with store.session() as session:
        again = export_again(session, 1, tmp_path / "batch1-again.zip", "clerk")
    assert again.mismatched == [] and (tmp_path / "batch1-again.zip").read_bytes() == (
        tmp_path / "batch1.zip").read_bytes()


def photo_sha(store, number: int, application_no: str) -> str:
    """The photo hash batch `number` recorded for an applicant."""
    with store.session() as session:
        applicant = resolve(session, application_no)
        return session.scalars(select(BatchItem.photo_sha256).join(Batch, Batch.id == BatchItem.batch_id)
                               .where(Batch.number == number, BatchItem.applicant_id == applicant)).one()


def test_row_text_is_what_json_dumps_writes() -> None:
    """An item's row text is kept and written again by re-exports: the encoder made once writes json.dumps's text."""
    rng = random.Random(11)
    alphabet = "张三李四王五\"\\/\x00\x07\x1f\t\n\r\u2028\u2029\ud800\U0001f600é ab1-_=+@"
    assert "_row_encoder" in _ROW_JSON.__qualname__  # the C encoder made once is in use on this Python
    for _ in range(500):
        def text() -> str:
            return "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12)))
        row = {"application_no": text(), "id_number": text(), "name": text(), "result": "确认已通过", "reason": text(),
               "missing": text(), "changes": [[text(), text(), text()] for _ in range(rng.randrange(0, 3))],
               "operator": text(), "at": "2026-03-01 09:00:00", "photo": text()}
        assert _ROW_JSON(row) == json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def test_safe_rows_equal_safe_row_of_each_row() -> None:
    plain = [["2025001", "110101199001011234", "张三", "确认已通过", "", "", "clerk", "2026-03-01 09:00:00"]] * 3
    cases = [
        plain,
        [*plain, ["=1+1", "x"]],  # a formula
        [*plain, ["a", "-2+3"], ["b", "-缺少学历证书"]],  # a sign that is one, and one that is not
        [*plain, ["\tSUM(A1)", "@A1"], ["+86 138", "\r=x"]],
        [*plain, ["张\x07三", "ok"]],  # a control character
        [*plain, ["a\x00b", "c"]],  # NUL inside a cell (the separator of the quick scan)
        [*plain, ["\x00=1", "c"]],
        [*plain, ["a", 3], ["b", None]],  # values that are not text
        [*plain, []],  # an empty row
        [["", ""], ["", "="]],
        [],
    ]
    for rows in cases:
        assert [list(r) for r in safe_rows(rows)] == [safe_row(r) for r in rows], rows
    assert safe_rows(plain) is plain  # the usual sheet is not copied


def test_zip_sink_writes_the_bytes_zipfile_writes_to_a_file(tmp_path, monkeypatch) -> None:
    rng = random.Random(5)
    members = [(f"photos/{n:06d}{'照片' if n % 7 == 0 else ''}.jpg", rng.randbytes(rng.randrange(0, 9000)))
               for n in range(600)]
    members.insert(3, ("results.xlsx", rng.randbytes(3 << 20)))  # larger than a block
    moment = (2026, 3, 1, 9, 0, 0)

    def write(bundle: zipfile.ZipFile) -> None:
        for name, data in members:
            bundle.writestr(fixed_info(name, moment, zipfile.ZIP_STORED), data)
        bundle.writestr(fixed_info("manifest.json", moment, zipfile.ZIP_DEFLATED), b"{}" * 5000)

    with zipfile.ZipFile(tmp_path / "plain.zip", "w") as bundle:
        write(bundle)
    expected = (tmp_path / "plain.zip").read_bytes()
    for block in (1 << 20, 1 << 12, 1):
        monkeypatch.setattr(_ZipSink, "BLOCK", block)
        with _ZipSink(tmp_path / "sink.zip") as sink, zipfile.ZipFile(sink, "w") as bundle:
            write(bundle)
        assert (tmp_path / "sink.zip").read_bytes() == expected
        assert sink.sha256() == hashlib.sha256(expected).hexdigest()
    # A write before the pending block (zipfile makes none) still lands where it belongs; the hash is read back.
    monkeypatch.setattr(_ZipSink, "BLOCK", 1)
    with _ZipSink(tmp_path / "patched.zip") as sink:
        sink.write(b"a" * 100)
        sink.seek(100)  # back at the end: the block goes out
        sink.write(b"b" * 3000)
        sink.seek(0, 2)
        sink.write(b"e" * 10)  # pending
        sink.seek(50)
        sink.write(b"c" * 100)  # all before the pending block
        sink.seek(3095)
        sink.write(b"f" * 10)  # across the pending block's start
        sink.seek(0, 2)
        sink.write(b"d")
    want = b"a" * 50 + b"c" * 100 + b"b" * 2945 + b"f" * 10 + b"e" * 5 + b"d"
    assert (tmp_path / "patched.zip").read_bytes() == want and sink.sha256() == hashlib.sha256(want).hexdigest()


def test_stored_members_are_the_bytes_writestr_writes(tmp_path) -> None:
    rng = random.Random(7)
    members = [(f"photos/{'张' * (n % 3)}{n:05d}.jpg", rng.randbytes(rng.randrange(0, 5000))) for n in range(300)]
    members.insert(0, ("results.xlsx", rng.randbytes(200_000)))
    moment = (2026, 3, 1, 9, 0, 0)

    def write(path: Path, add) -> bytes:
        with _ZipSink(path) as sink, zipfile.ZipFile(sink, "w") as bundle:
            for name, data in members:
                add(bundle, fixed_info(name, moment, zipfile.ZIP_STORED), data)
            with pytest.warns(UserWarning, match="Duplicate name"):  # zipfile's own warning, either way
                add(bundle, fixed_info(members[5][0], moment, zipfile.ZIP_STORED), b"again")
            bundle.writestr(fixed_info("manifest.json", moment, zipfile.ZIP_DEFLATED), b"{}")
        return path.read_bytes()

    expected = write(tmp_path / "writestr.zip", lambda bundle, info, data: bundle.writestr(info, data))
    assert write(tmp_path / "direct.zip", _add_stored) == expected
    with zipfile.ZipFile(tmp_path / "direct.zip") as bundle:
        assert bundle.testzip() is None
        assert [bundle.read(info) for info in bundle.infolist()[:-2]] == [data for _n, data in members]
