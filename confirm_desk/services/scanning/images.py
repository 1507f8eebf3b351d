"""Scanned originals kept in the store as evidence of the check, and the marks a scan sets.

The picture is stored as a compressed JPEG (longer side ≤ 2000 px) in `scan_image`, so it is exactly as
readable as the store and goes into every backup; synced batches never carry it. Each capture and each mark a
scan sets is audited with the document kind and the OCR's confidence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import NotRequired, TypedDict

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from confirm_desk.domain.decisions import CompareMark
from confirm_desk.domain.errors import KnownError, NotFound
from confirm_desk.services import audit
from confirm_desk.services.scanning.compare import DIFFERS, MATCH, RESULT_LABELS, FieldComparison, Reading
from confirm_desk.services.scanning.kinds import document_kinds
from confirm_desk.store.models import Applicant, ScanImage

MAX_SIDE = 2000
JPEG_QUALITY = 80
MAX_INPUT_BYTES = 40 * 1024 * 1024


class ScannedField(TypedDict):
    """One field as read and kept with the image (its comparison's result when it was compared)."""

    label: str
    value: str
    confidence: float
    result: NotRequired[str]


class ScanRecord(TypedDict, total=False):
    """What the store keeps of a reading (JSON): the kind and the fields read."""

    kind: str
    fields: dict[str, ScannedField]


@dataclass(frozen=True)
class ScanInfo:
    id: int
    kind: str
    kind_label: str
    source_name: str
    size_kb: int
    width: int
    height: int
    operator: str
    captured_at: dt.datetime
    fields: dict[str, ScannedField]  # registry key -> what was read


@dataclass(frozen=True)
class AttachResult:
    image_ids: list[int] = field(default_factory=list)
    marked: dict[str, str] = field(default_factory=dict)  # registry key -> match / differs
    kept: list[str] = field(default_factory=list)  # keys the clerk had marked already: left as they were
    note: str = ""

    def summary_zh(self) -> str:
        text = f"已保存 {len(self.image_ids)} 张证件图像；按扫描结果标记 {len(self.marked)} 项"
        if self.kept:
            text += f"，{len(self.kept)} 项已有人工标记，未改动"
        return text + (f"（{self.note}）" if self.note else "")


def compress(data: bytes, name: str = "图像") -> tuple[bytes, int, int]:
    """Any picture as an upright JPEG whose longer side is at most MAX_SIDE; KnownError when not an image."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(data) > MAX_INPUT_BYTES:
        raise KnownError(f"图像文件过大：{name}（超过 40 MB）")
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.draft("RGB", (MAX_SIDE, MAX_SIDE))
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise KnownError(f"无法读取图像：{name}（不是可识别的 JPEG/PNG/BMP 图片，或文件已损坏）") from exc
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue(), image.width, image.height


def store_image(session: Session, applicant_id: int, data: bytes, source_name: str, who: str,
                reading: Reading | None = None, results: dict[str, FieldComparison] | None = None) -> int:
    """One picture kept for the applicant, audited; returns its id."""
    applicant = session.get(Applicant, applicant_id)
    if applicant is None:
        raise NotFound(f"申请人（编号 {applicant_id}）不存在")
    jpeg, width, height = compress(data, source_name)
    row = ScanImage(
        applicant_id=applicant_id, kind=reading.kind.key if reading else "", image=jpeg, width=width,
        height=height, source_name=source_name[-260:], sha256=hashlib.sha256(jpeg).hexdigest(),
        reading=json.dumps(reading_record(reading, results), ensure_ascii=False), operator=who,
    )
    session.add(row)
    session.flush()
    label = reading.kind.label if reading else "未识别"
    audit.record(session, "scan_image", who, applicant_id=applicant_id, application_no=applicant.application_no,
                 new=f"#{row.id}", detail=f"保存证件图像：{label}，{source_name}，{len(jpeg) // 1024} KB")
    return row.id


def reading_record(reading: Reading | None, results: dict[str, FieldComparison] | None) -> ScanRecord:
    if reading is None:
        return {}
    results = results or {}
    fields: dict[str, ScannedField] = {}
    for spec in reading.kind.fields:
        f = reading.fields[spec.key]
        entry: ScannedField = {"label": f.label, "value": f.value, "confidence": f.confidence}
        compared = results.get(spec.desk or "")
        if compared is not None and compared.source == reading.kind.key:
            entry["result"] = compared.result
        fields[spec.key] = entry
    return {"kind": reading.kind.key, "fields": fields}


def attach_scans(session: Session, applicant_id: int, items: list[tuple[Path | str, Reading]],
                 results: dict[str, FieldComparison], who: str) -> AttachResult:
    """The CLI's `--attach`: keep the pictures and set the scan's marks on fields nobody has marked yet
    (一致 for match, 不一致 with the value read for differs; unread stays unmarked). A confirmed or rejected
    applicant keeps its marks: setting them would re-open it."""
    from confirm_desk.services.confirming.confirmation import CheckInput, load_check, save_check

    ids = []
    for source, reading in items:
        path = Path(source)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise KnownError(f"无法读取图像文件：{path}（{exc.strerror or exc}）") from exc
        ids.append(store_image(session, applicant_id, data, path.name, who, reading, results))
    state = load_check(session, applicant_id)
    wanted = {k: c for k, c in results.items() if c.result in (MATCH, DIFFERS)}
    kept = [k for k in wanted if k in state.compares]
    todo = {k: c for k, c in wanted.items() if k not in state.compares}
    if state.needs_reopen_reason and todo:
        return AttachResult(ids, {}, sorted(wanted), note=f"该申请人已“{state.status.label}”，未改动比对标记")
    if not todo:
        return AttachResult(ids, {}, kept)
    marks = {k: CompareMark(c.result == MATCH, "" if c.result == MATCH else c.scanned) for k, c in todo.items()}
    save_check(session, applicant_id, CheckInput(compares=marks), who, state.version)
    record_scan_marks(session, applicant_id, who, todo)
    return AttachResult(ids, {k: c.result for k, c in todo.items()}, kept)


def record_scan_marks(session: Session, applicant_id: int, who: str, used: dict[str, FieldComparison]) -> None:
    """The audit line saying a mark came from a scan, with the document and the OCR's confidence."""
    applicant = session.get(Applicant, applicant_id)
    no = applicant.application_no if applicant is not None else ""
    kinds = document_kinds()
    for key, c in used.items():
        source = kinds[c.source].label if c.source in kinds else c.source
        audit.record(session, "scan_mark", who, applicant_id=applicant_id, application_no=no, field=key,
                     new=RESULT_LABELS[c.result] + (f"：{c.scanned}" if c.result == DIFFERS else ""),
                     detail=f"扫描{source}读出“{c.scanned}”，置信度 {c.confidence:.2f}")


def list_scans(session: Session, applicant_id: int) -> list[ScanInfo]:
    kinds = document_kinds()
    rows = session.execute(
        select(ScanImage.id, ScanImage.kind, ScanImage.source_name, ScanImage.width, ScanImage.height,
               ScanImage.operator, ScanImage.captured_at, ScanImage.reading, func.length(ScanImage.image).label("size"))
        .where(ScanImage.applicant_id == applicant_id).order_by(ScanImage.id)
    ).all()
    out = []
    for r in rows:
        record: ScanRecord = json.loads(r.reading) if r.reading else {}
        out.append(ScanInfo(r.id, r.kind, kinds[r.kind].label if r.kind in kinds else "未识别", r.source_name,
                            (r.size or 0) // 1024, r.width, r.height, r.operator, r.captured_at,
                            record.get("fields", {})))
    return out


def scan_image_bytes(session: Session, scan_id: int) -> bytes:
    data = session.scalar(select(ScanImage.image).where(ScanImage.id == scan_id))
    if data is None:
        raise NotFound(f"证件图像 #{scan_id} 不存在")
    return data


def delete_scan(session: Session, scan_id: int, who: str) -> None:
    row = session.get(ScanImage, scan_id)
    if row is None:
        raise NotFound(f"证件图像 #{scan_id} 不存在")
    applicant = session.get(Applicant, row.applicant_id)
    audit.record(session, "scan_image_delete", who, applicant_id=row.applicant_id,
                 application_no=applicant.application_no if applicant else "", old=f"#{scan_id}",
                 detail=f"删除证件图像：{row.source_name}")
    session.execute(delete(ScanImage).where(ScanImage.id == scan_id))
