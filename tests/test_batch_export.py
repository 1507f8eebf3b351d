"""Export batches: only what changed since the last batch, hashes that match, re-export byte for byte."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from python_calamine import CalamineWorkbook
from sqlalchemy import select, update

from confirm_desk.domain.decisions import ConditionMark
from confirm_desk.domain.errors import KnownError
from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.listing import ListCriteria, count_matching, fetch_rows, resolve
from confirm_desk.services.batches.export import export_again, export_batch, preview_next_batch
from confirm_desk.services.confirming.confirmation import CheckInput, load_check, material_labels, save_check
from confirm_desk.store.models import Photo, applicant_table

t = applicant_table


def normalise_photos(store, skip: set[str] = frozenset(), only: set[str] | None = None,
                     quality: int = 90) -> None:
    """Stand-in for the photo normaliser: a real 114x156 JPEG of each original."""
    with store.session() as session:
        rows = session.execute(select(Photo.id, Photo.original, t.c.application_no)
                               .join(t, t.c.id == Photo.applicant_id)).all()
        for photo_id, original, number in rows:
            if number in skip or (only is not None and number not in only):
                continue
            image = Image.open(io.BytesIO(original)).convert("RGB").resize((114, 156))
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=quality)
            session.execute(update(Photo).where(Photo.id == photo_id).values(normalized=buffer.getvalue()))


def pending_numbers(store, count: int) -> list[str]:
    with store.session() as session:
        return list(session.scalars(select(t.c.application_no).where(t.c.status == "pending")
                                    .order_by(t.c.id).limit(count)))


def decide(store, number: str, outcome: Status = Status.CONFIRMED, edits: dict | None = None) -> None:
    labels = material_labels()
    with store.session() as session:
        state = load_check(session, resolve(session, number))
        data = CheckInput(
            edits=edits or {},
            materials={m: outcome is not Status.INCOMPLETE or m != labels[3] for m in labels},
            conditions=[ConditionMark(True)] * 7 if outcome is not None else None,
            outcome=outcome,
            reason="师德考核不合格" if outcome is Status.REJECTED else "",
            missing=[labels[3]] if outcome is Status.INCOMPLETE else [],
            reopen_reason="补充材料后重新确认" if state.status.decided else "",
            override_reason="测试：越过检查" if outcome is Status.CONFIRMED else "",
        )
        save_check(session, state.applicant_id, data, "clerk", state.version)


def read_zip(path: Path) -> tuple[dict, dict[str, bytes], list[list[str]]]:
    with zipfile.ZipFile(path) as bundle:
        files = {name: bundle.read(name) for name in bundle.namelist()}
    manifest = json.loads(files.pop("manifest.json"))
    tmp = path.with_suffix(".results.xlsx")
    tmp.write_bytes(files["results.xlsx"])
    rows = CalamineWorkbook.from_path(str(tmp)).get_sheet_by_index(0).to_python()
    return manifest, files, rows


def test_round_trip_two_batches_and_byte_identical_re_export(imported_store, tmp_path) -> None:
    store = imported_store
    first, second = pending_numbers(store, 6)[:4], pending_numbers(store, 6)[4:]
    normalise_photos(store, skip={first[2]})
    decide(store, first[0])
    decide(store, first[1], Status.INCOMPLETE)
    decide(store, first[2], Status.REJECTED)
    decide(store, first[3], None, edits={"teaching_subject": "物理"})  # edited, not decided

    with store.session() as session:
        plan = preview_next_batch(session)
    assert plan.number == 1 and [i.row["application_no"] for i in plan.items] == first

    one = export_batch(store, tmp_path / "batch1.zip", "clerk")
    manifest, files, rows = read_zip(one.path)
    assert (one.number, one.rows, one.photos, one.photos_missing) == (1, 4, 3, [first[2]])
    assert manifest["batch"] == 1 and manifest["rows"] == 4 and manifest["operator"] == "clerk"
    assert manifest["photos_missing"] == [first[2]]
    assert set(manifest["files"]) == set(files)
    assert all(hashlib.sha256(files[n]).hexdigest() == h for n, h in manifest["files"].items())
    header, *cells = rows
    assert header[:6] == ["报名号", "证件号码", "姓名", "确认结果", "未通过原因", "缺少材料"]
    assert header[6:] == ["现任教学科（修改前）", "现任教学科", "确认人", "确认时间"]
    by_no = {r[0]: r for r in cells}
    assert [by_no[n][3] for n in first] == ["确认已通过", "申请材料不全", "确认未通过", "网报待确认"]
    assert by_no[first[1]][5] == material_labels()[3] and by_no[first[2]][4] == "师德考核不合格"
    assert by_no[first[3]][7] == "物理" and by_no[first[3]][6] not in ("", "物理")
    assert all(r[-2] == "clerk" and r[-1] for r in cells)
    with store.session() as session:
        ids = {n: resolve(session, n) for n in first}
        id_number = fetch_rows(session, [ids[first[0]]])[ids[first[0]]]["id_number"]
    photo = Image.open(io.BytesIO(files[f"photos/{id_number}.jpg"]))
    assert photo.size == (114, 156)

    # Nothing changed: no second batch. Then decide two more and change one of batch 1.
    with pytest.raises(KnownError, match="没有需要导出"):
        export_batch(store, tmp_path / "empty.zip", "clerk")
    assert not (tmp_path / "empty.zip").exists()
    for number in second:
        decide(store, number)
    decide(store, first[1], Status.CONFIRMED)  # materials handed in later
    # Photos made or redone after batch 1 go in batch 2; batch 1 must still come back as it was.
    normalise_photos(store, only={first[0], first[2]}, quality=70)
    with store.session() as session:
        assert count_matching(session, ListCriteria(sync_state="changed")) == 3
        assert count_matching(session, ListCriteria(sync_state="synced")) == 1
        rows_now = fetch_rows(session, [ids[n] for n in first])
        assert [rows_now[ids[n]]["sync"] for n in first] == ["第1批后有改动"] * 3 + ["已导出（第1批）"]

    two = export_batch(store, tmp_path / "batch2.zip", "clerk")
    manifest2, files2, rows2 = read_zip(two.path)
    assert sorted(r[0] for r in rows2[1:]) == sorted([*second, *first[:3]])
    assert two.photos_missing == []
    assert all(hashlib.sha256(files2[n]).hexdigest() == h for n, h in manifest2["files"].items())
    assert set(manifest2["files"]) == set(files2)

    again = export_again_in(store, 1, tmp_path / "batch1-again.zip")
    assert again.mismatched == [] and again.sha256 == one.sha256
    assert (tmp_path / "batch1-again.zip").read_bytes() == one.path.read_bytes()
    with store.session() as session:
        assert count_matching(session, ListCriteria(sync_state="changed")) == 0


def export_again_in(store, number: int, out: Path):
    with store.session() as session:
        return export_again(session, number, out, "clerk")


def test_applicants_sharing_a_long_id_number_get_distinct_photo_members(imported_store, tmp_path) -> None:
    """A second or third applicant with the same (long) ID number gets a suffixed name that the writer does not
    shorten back into the first one's: each photo is its own zip member, and the batch can be written again."""
    store = imported_store
    numbers = pending_numbers(store, 3)
    normalise_photos(store, only=set(numbers))
    for number in numbers:
        decide(store, number)
    with store.session() as session:
        session.execute(update(t).where(t.c.application_no.in_(numbers)).values(id_number="X" * 90))

    one = export_batch(store, tmp_path / "long.zip", "clerk")
    manifest, files, _ = read_zip(one.path)
    with zipfile.ZipFile(one.path) as bundle:
        names = bundle.namelist()
    photos = [n for n in names if n.startswith("photos/")]
    assert one.photos == 3 and len(photos) == len(set(photos)) == 3
    assert all(len(n) <= len("photos/") + 80 + len(".jpg") for n in photos)
    assert set(manifest["files"]) == set(files)
    again = export_again_in(store, 1, tmp_path / "long-again.zip")
    assert again.mismatched == [] and again.sha256 == one.sha256
