"""Normalising applicants' photos (CONF-7) in the store, one at a time or in a batch, and single files."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session

from confirm_desk.domain.errors import FileRefused, NotFound, PhotoRefused
from confirm_desk.domain.photo_checks import Preset, encode_findings
from confirm_desk.domain.photo_frame import Frame, parse_frame
from confirm_desk.services import audit, output_files
from confirm_desk.services.photos.normalize import DEFAULT_MAX_BYTES, TARGET, NormalizedPhoto
from confirm_desk.services.photos.presets import active_preset, preset_by_key
from confirm_desk.services.progress import ProgressFn, no_progress
from confirm_desk.store.db import Store
from confirm_desk.store.models import Photo, Setting, applicant_table, with_new_version

if TYPE_CHECKING:
    from confirm_desk.services.photos.analysis import PhotoCheck

# The normalised photo and its check under the preset.
Checked = tuple[NormalizedPhoto, "PhotoCheck"]

log = logging.getLogger(__name__)
MAX_KB_SETTING = "photo_max_kb"  # the JPEG size ceiling in KB, shared by every seat
CHUNK = 50
t = applicant_table

BoxLike = Frame | tuple[float, float, float, float] | str | None


@dataclass(frozen=True)
class PhotoSource:
    """What the crop dialog needs: the supplied photo and the crop last used."""

    applicant_id: int
    application_no: str
    name: str
    original: bytes
    original_name: str
    frame: Frame | None
    rotation: int
    problem: str


@dataclass(frozen=True)
class PhotoFailure:
    applicant_id: int
    application_no: str
    name: str
    message: str


@dataclass
class NormalizeBatchResult:
    normalized: int = 0
    already: int = 0  # normalised before, left as they were
    no_photo: int = 0
    failures: list[PhotoFailure] = field(default_factory=list)
    warnings: list[PhotoFailure] = field(default_factory=list)
    flagged: int = 0  # normalised with a photo-check finding (no face, background...): see the review sheet

    def summary_zh(self) -> str:
        parts = [f"已规范 {self.normalized} 张"]
        if self.already:
            parts.append(f"此前已规范 {self.already} 张")
        if self.no_photo:
            parts.append(f"无照片 {self.no_photo} 人")
        parts.append(f"失败 {len(self.failures)} 张")
        if self.warnings:
            parts.append(f"需留意 {len(self.warnings)} 张")
        if self.flagged:
            parts.append(f"照片检查有问题 {self.flagged} 张")
        return "，".join(parts)


def photo_max_bytes(session: Session) -> int:
    value = session.scalar(select(Setting.value).where(Setting.key == MAX_KB_SETTING))
    try:
        kb = int(value) if value else 0
    except ValueError:
        kb = 0
    return kb * 1024 if kb > 0 else DEFAULT_MAX_BYTES


def as_frame(box: BoxLike) -> Frame | None:
    if box is None or isinstance(box, Frame):
        return box
    if isinstance(box, str):
        frame = parse_frame(box)
        if frame is None and box.strip():
            raise PhotoRefused(f"裁剪框“{box}”格式不对，应为 x,y,宽,高")
        return frame
    return Frame(*(float(v) for v in box))


def get_photo_source(session: Session, applicant_id: int) -> PhotoSource:
    query = select(t.c.id, t.c.application_no, t.c.name).where(t.c.id == applicant_id)
    row = session.execute(query).one_or_none()
    if row is None:
        raise NotFound(f"申请人（编号 {applicant_id}）不存在")
    photo = session.scalar(select(Photo).where(Photo.applicant_id == applicant_id))
    if photo is None:
        raise PhotoRefused(f"{row.name}（{row.application_no}）还没有照片，请先导入照片")
    return PhotoSource(row.id, row.application_no, row.name, photo.original, photo.original_name,
                       parse_frame(photo.crop_box), photo.rotation, photo.problem)


def _normalized(data: bytes, frame: Frame | None, rotation: int, ceiling: int, preset: Preset,
                face: bool = True) -> Checked:
    """The stored CONF-7 photo (always 114×156, whatever the preset) and its check under `preset`.
    Without a frame the crop is face-centred when exactly one face is found (photo_analysis)."""
    from confirm_desk.services.photos.analysis import normalize_and_check  # OpenCV loads on first use

    return normalize_and_check(data, preset, frame, rotation, ceiling, face, target=TARGET)


def _save(session: Session, photo: Photo, application_no: str, normalized: Checked, operator: str) -> None:
    """The result and its findings into the Photo row, the list's photo state, and the audit trail."""
    result, check = normalized
    old = f"{photo.crop_box} 旋转{photo.rotation}°" if photo.normalized else ""
    photo.normalized = result.data
    photo.crop_box = result.frame.as_text()
    photo.rotation = result.rotation
    photo.problem = encode_findings(check.codes, check.background, len(check.faces), result.warning)
    new_state = with_new_version(photo_state="normalized")
    session.execute(update(t).where(t.c.id == photo.applicant_id).values(new_state))
    audit.record(session, "photo_normalize", operator, applicant_id=photo.applicant_id,
                 application_no=application_no, field="photo", old=old,
                 new=f"{photo.crop_box} 旋转{photo.rotation}°", detail=result.warning)


def normalize_applicant_photo(session: Session, applicant_id: int, box: BoxLike = None, rotation: int = 0,
                              operator: str = "") -> NormalizedPhoto:
    """Crop (the given box in upright pixels after `rotation`, or the default) and store the result."""
    source = get_photo_source(session, applicant_id)
    normalized = _normalized(source.original, as_frame(box), rotation, photo_max_bytes(session),
                             active_preset(session))
    photo = session.scalars(select(Photo).where(Photo.applicant_id == applicant_id)).one()
    _save(session, photo, source.application_no, normalized, operator)
    return normalized[0]


def normalize_all(store: Store, applicant_ids: Sequence[int] | None = None, progress: ProgressFn = no_progress,
                  operator: str = "", *, redo: bool = False) -> NormalizeBatchResult:
    """Normalise the given applicants' photos (None: everyone with a photo), keeping any crop a clerk
    chose. Already normalised photos are left alone unless `redo`. A photo that fails is listed and
    skipped; the batch goes on. Cancelling (progress raises Cancelled) rolls the whole batch back."""
    result = NormalizeBatchResult()
    with store.session() as session:
        query = select(t.c.id, t.c.application_no, t.c.name, t.c.photo_state).order_by(t.c.application_no)
        if applicant_ids is not None:
            rows = [r for chunk in _chunks(list(applicant_ids))
                    for r in session.execute(query.where(t.c.id.in_(chunk)))]
        else:
            rows = list(session.execute(query.where(t.c.photo_state != "none")))
        ceiling, preset = photo_max_bytes(session), active_preset(session)
        total = len(rows)
        for start in range(0, total, CHUNK):
            chunk = rows[start:start + CHUNK]
            photos = {p.applicant_id: p for p in session.scalars(
                select(Photo).where(Photo.applicant_id.in_([r.id for r in chunk])))}
            for index, row in enumerate(chunk, start):
                progress(index, total, f"正在规范照片 {index + 1} / {total}：{row.name}")
                photo = photos.get(row.id)
                if photo is None:
                    result.no_photo += 1
                elif photo.normalized and row.photo_state == "normalized" and not redo:
                    result.already += 1
                else:
                    _normalize_one(session, row, photo, (ceiling, preset), operator, result)
        progress(total, total, "照片规范完成")
    return result


def _normalize_one(session: Session, row: Row[int, str, str, str], photo: Photo, spec: tuple[int, Preset],
                   operator: str, result: NormalizeBatchResult) -> None:
    try:
        normalized = _normalized(photo.original, parse_frame(photo.crop_box), photo.rotation, *spec)
    except PhotoRefused as err:
        message = err.message
    except Exception as exc:  # one odd file must not stop the batch; the log keeps the details
        log.exception("normalising the photo of %s failed", row.application_no)
        message = f"处理照片时出现意外错误（{exc.__class__.__name__}）"
    else:
        _save(session, photo, row.application_no, normalized, operator)
        result.normalized += 1
        if normalized[0].warning:
            result.warnings.append(PhotoFailure(row.id, row.application_no, row.name, normalized[0].warning))
        if normalized[1].findings:
            result.flagged += 1
        return
    photo.problem = message[:400]
    result.failures.append(PhotoFailure(row.id, row.application_no, row.name, message))


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i:i + 500] for i in range(0, len(ids), 500)]


def read_photo_file(in_path: Path) -> bytes:
    if not in_path.is_file():
        raise FileRefused(f"照片文件不存在：{in_path}")
    try:
        return in_path.read_bytes()
    except OSError as exc:
        raise FileRefused(f"无法读取照片文件 {in_path}：{exc.strerror or exc}") from exc


def normalize_file(in_path: Path | str, out_path: Path | str, box: BoxLike = None, rotation: int = 0,
                   max_bytes: int | None = None, *, face: bool = True,
                   preset: str | None = None) -> NormalizedPhoto:
    return normalize_file_checked(in_path, out_path, box, rotation, max_bytes, face=face, preset=preset)[0]


def normalize_file_checked(in_path: Path | str, out_path: Path | str, box: BoxLike = None, rotation: int = 0,
                           max_bytes: int | None = None, *, face: bool = True, preset: str | None = None
                           ) -> Checked:
    """One photo file to a JPEG file of the preset's size (the CLI's `photo normalize IN OUT`):
    face-centred unless a box is given or `face` is off. Returns (NormalizedPhoto, PhotoCheck)."""
    from confirm_desk.services.photos.analysis import normalize_and_check

    in_path, out_path = Path(in_path), Path(out_path)
    data = read_photo_file(in_path)
    spec = preset_by_key(preset)
    result, check = normalize_and_check(data, spec, as_frame(box), rotation, max_bytes, face)
    try:
        output_files.write_bytes(out_path, result.data)
    except OSError as exc:
        raise FileRefused(f"无法写入 {out_path}：{exc.strerror or exc}") from exc
    return result, check
