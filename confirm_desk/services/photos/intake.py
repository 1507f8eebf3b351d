"""Attaching supplied photos to applicants, matched by 证件号码 or 报名号, stored as original bytes."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from confirm_desk.domain.text import compact_code
from confirm_desk.services import audit
from confirm_desk.services.photos.probe import probe_photo
from confirm_desk.services.photos.sources import PhotoFile
from confirm_desk.services.progress import ProgressFn, no_progress
from confirm_desk.store.db import Store
from confirm_desk.store.models import Photo, applicant_table, with_new_version


@dataclass(frozen=True)
class PhotoError:
    file: str
    message: str


@dataclass
class PhotoImportResult:
    attached: int = 0
    unchanged: int = 0
    unmatched: list[str] = field(default_factory=list)
    errors: list[PhotoError] = field(default_factory=list)
    warnings: list[PhotoError] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        """What the attach did, for people: the counts, then each photo not attached and each warning."""
        return [f"已关联照片 {self.attached} 张，未变 {self.unchanged} 张，"
                f"无法匹配 {len(self.unmatched)} 张，出错 {len(self.errors)} 张",
                *(f"  {name}：找不到证件号码或报名号相同的申请人" for name in self.unmatched),
                *(f"  {e.file}：{e.message}" for e in self.errors),
                *(f"  注意 {w.file}：{w.message}" for w in self.warnings)]


def photo_key(stem: str) -> str:
    """What a file name says about its applicant: full-width digits and letters made half-width (a name
    typed with a Chinese input method), spaces and dashes dropped, upper case (330902…x)."""
    return compact_code(stem)


def attach_photo_files(
    session: Session,
    files: Sequence[PhotoFile],
    *,
    operator: str = "",
    progress: ProgressFn = no_progress,
) -> PhotoImportResult:
    result = PhotoImportResult()
    t = applicant_table
    by_key: dict[str, tuple[int, str]] = {}
    numbers: dict[int, str] = {}
    for row in session.execute(select(t.c.id, t.c.id_number, t.c.application_no)):
        by_key[row.application_no.upper()] = (row.id, row.application_no)
        numbers[row.id] = row.application_no
        if row.id_number:
            by_key[row.id_number.upper()] = (row.id, row.application_no)
    # Only the digests: loading every stored photo's bytes (or one bind variable per applicant, past
    # SQLite's 32,766 on Windows) would not scale to 100,000 applicants.
    existing: dict[int, str] = {
        aid: digest for aid, digest in session.execute(select(Photo.applicant_id, Photo.original_sha256))
    }
    total = len(files)
    groups: dict[int, list[tuple[PhotoFile, bytes]]] = {}  # applicant -> the files naming it (and their bytes)
    for pf in files:
        if pf.data is None:
            result.errors.append(PhotoError(pf.name, pf.problem))
            continue
        match = by_key.get(photo_key(pf.stem))
        if match is None:
            result.unmatched.append(pf.name)
            continue
        groups.setdefault(match[0], []).append((pf, pf.data))
    for index, (applicant_id, group) in enumerate(groups.items()):
        if index % 50 == 0:
            progress(index, len(groups), f"正在处理照片 {index} / {len(groups)}")
        application_no = numbers[applicant_id]
        if len({hashlib.sha256(data).digest() for _, data in group}) > 1:  # the same file twice is no conflict
            names = "、".join(pf.name for pf, _ in group)
            for pf, _ in group:
                result.errors.append(PhotoError(
                    pf.name, f"报名号 {application_no} 的申请人有 {len(group)} 张不同的照片（{names}），"
                             "均未关联：请只保留要用的一张后重新导入"))
            continue
        pf, data = group[0]
        probe = probe_photo(data)
        if not probe.ok:
            result.errors.append(PhotoError(pf.name, probe.problem))
            continue
        if probe.problem:
            result.warnings.append(PhotoError(pf.name, probe.problem))
        digest = hashlib.sha256(data).hexdigest()
        if existing.get(applicant_id) == digest:
            result.unchanged += 1
            continue
        # Core statements, not ORM objects: the session would keep every photo's bytes until commit.
        values = {"original": data, "original_name": pf.name, "original_sha256": digest,
                  "normalized": None, "crop_box": "", "rotation": 0, "problem": probe.problem}
        if applicant_id in existing:
            session.execute(update(Photo).where(Photo.applicant_id == applicant_id).values(values))
        else:
            session.execute(insert(Photo).values(applicant_id=applicant_id, **values))
        existing[applicant_id] = digest
        session.execute(update(t).where(t.c.id == applicant_id).values(with_new_version(photo_state="original")))
        audit.record(session, "photo_attach", operator, applicant_id=applicant_id,
                     application_no=application_no, field="photo", new=pf.name)
        result.attached += 1
    progress(total, total, "照片处理完成")
    return result


def import_photos(
    store: Store, source: Path, *, operator: str = "", progress: ProgressFn = no_progress
) -> PhotoImportResult:
    """Attach a folder or zip of photos to applicants already in the store (one transaction)."""
    from confirm_desk.services.photos.sources import iter_photo_files

    files = list(iter_photo_files(source))
    with store.session() as session:
        return attach_photo_files(session, files, operator=operator, progress=progress)
