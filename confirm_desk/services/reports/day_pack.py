"""The end-of-day pack: the day's reports in one .zip with a manifest of SHA-256 sums."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from confirm_desk.domain.errors import KnownError
from confirm_desk.services import audit
from confirm_desk.services.audit_trail import AuditFilter, export_audit
from confirm_desk.services.batches.export import export_batch, preview_next_batch
from confirm_desk.services.confirming.follow_up import incomplete_applicants
from confirm_desk.services.coverage.report import coverage_report, write_coverage_xlsx
from confirm_desk.services.coverage.staff import staff_count
from confirm_desk.services.importing.applicants import file_sha256
from confirm_desk.services.output_files import atomic_output, private_work_dir
from confirm_desk.services.photos.review import review_items
from confirm_desk.services.progress import ProgressFn, no_progress
from confirm_desk.services.reports.roster import write_roster
from confirm_desk.services.reports.statistics import write_statistics
from confirm_desk.services.spreadsheets.safe import safe_cell
from confirm_desk.store.db import Store

MANIFEST = "manifest.json"
PHOTO_HEADERS = ("报名号", "姓名", "照片情况", "说明")


@dataclass
class DayPack:
    path: Path
    day: dt.date
    files: list[tuple[str, int, str]] = field(default_factory=list)  # (name, bytes, sha256)
    left_out: list[str] = field(default_factory=list)  # parts not in this pack, and why
    batch: int | None = None  # the synced batch exported into the pack
    keying: dict[str, int] = field(default_factory=dict)  # 已决定 / 已录入 / 已核实 (and still due)
    batch_path: Path | None = None  # its zip, also kept beside the pack (a recorded batch keeps its file)


def photo_problems(session: Session) -> list[tuple[str, ...]]:
    """Applicants whose photo needs a person (none, not normalised, a finding or a failure), by 报名号."""
    return [(i.application_no, i.name, "、".join(i.badges), "；".join(i.messages))
            for i in review_items(session) if i.has_problem]


def _write_sheet(
    path: Path, title: str, headers: tuple[str, ...], rows: Sequence[tuple[object, ...]], text_cols: tuple[int, ...]
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(headers))
    for n, row in enumerate(rows, start=2):
        sheet.append([safe_cell(v) for v in row])
        for col in text_cols:
            sheet.cell(row=n, column=col).number_format = "@"
    with atomic_output(path) as temp:
        book.save(temp)


def _write_parts(session: Session, folder: Path, pack: DayPack, operator: str, progress: ProgressFn) -> None:
    progress(0, 4, "应注册情况")
    if staff_count(session):
        write_coverage_xlsx(coverage_report(session, as_of=pack.day), folder / "应注册情况.xlsx")
    else:
        pack.left_out.append("应注册情况：尚未导入教职工名单")
    progress(1, 4, "照片问题")
    _write_sheet(folder / "照片问题.xlsx", "照片问题", PHOTO_HEADERS, photo_problems(session), (1,))
    progress(2, 4, "补正跟进")
    rows = [(r.application_no, r.name, r.phone, r.school, "、".join(r.missing) or "已补齐，待确认",
             r.since.isoformat(), r.deadline.isoformat(), "逾期" if r.overdue else "")
            for r in incomplete_applicants(session, pack.day)]
    headers = ("报名号", "姓名", "联系电话", "现任教学校", "仍缺材料", "确认日期", "补交期限", "逾期")
    _write_sheet(folder / "补正跟进.xlsx", "补正跟进", headers, rows, (1, 3))
    progress(3, 4, "花名册、统计表、当日审计记录")
    _write_national(session, folder, pack)
    write_roster(session, folder / "花名册.xlsx", operator=operator, today=pack.day)
    write_statistics(session, folder / "统计表.xlsx", pack.day)
    export_audit(session, folder / "当日审计记录.xlsx", AuditFilter(since=pack.day, until=pack.day), operator)


def _write_national(session: Session, folder: Path, pack: DayPack) -> None:
    """国家系统核对: 已决定 / 已录入 / 已核实 and the four lists of the newest national export."""
    from confirm_desk.services.keying.queue import keying_progress
    from confirm_desk.services.keying.state import read_state
    from confirm_desk.services.keying.verify import national_report, write_national_xlsx

    state = read_state(session)
    pack.keying = keying_progress(session, state).as_json()
    write_national_xlsx(national_report(session, state), folder / "国家系统核对.xlsx")


def _next_batch(store: Store, folder: Path, pack: DayPack, operator: str, progress: ProgressFn) -> None:
    """The next synced batch, exported (and recorded) in its own transaction before the reports read.

    Its zip is written beside the pack, not in the temporary folder: the batch is recorded as soon as it
    is written, so if a later part of the pack fails (or the process dies) the batch's file still exists.
    The pack carries a copy."""
    if not operator:
        pack.left_out.append("同步批次：导出批次必须记录操作员（--user）")
        return
    with store.session() as session:
        number = preview_next_batch(session).number
    beside = pack.path.absolute().parent / f"批次{number:03d}.zip"
    beside.parent.mkdir(parents=True, exist_ok=True)
    try:
        result = export_batch(store, beside, operator, progress=progress)
    except KnownError as err:  # nothing new since the last batch
        pack.left_out.append(f"同步批次：{err.message}")
        return
    shutil.copyfile(result.path, folder / result.path.name)
    pack.batch, pack.batch_path = result.number, result.path


def export_day(store: Store, out: Path, day: dt.date | None = None, operator: str = "",
               progress: ProgressFn = no_progress) -> DayPack:
    """Writes the pack to `out` (.zip) in one go: a cancelled or failed job leaves no file behind."""
    pack = DayPack(Path(out), day or dt.date.today())
    with private_work_dir("day-pack") as tmp:
        folder = Path(tmp)
        _next_batch(store, folder, pack, operator, progress)
        with store.session() as session:
            _write_parts(session, folder, pack, operator, progress)
            _finish(session, folder, pack, operator, progress)
    return pack


def _finish(session: Session, folder: Path, pack: DayPack, operator: str, progress: ProgressFn) -> None:
    """The manifest over every file, the zip under a temporary name, the audit event, then the real name."""
    parts = sorted(p for p in folder.iterdir() if p.is_file())
    pack.files = [(p.name, p.stat().st_size, file_sha256(p)) for p in parts]
    manifest = {
        "day": pack.day.isoformat(),
        "generated_at": dt.datetime.now().isoformat(timespec="seconds"),
        "files": [{"name": n, "size": s, "sha256": h} for n, s, h in pack.files],
        "left_out": pack.left_out,
        "keying": pack.keying,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    with atomic_output(pack.path, make_parents=True) as partial:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for p in [*parts, folder / MANIFEST]:
                archive.write(p, p.name)
        progress(4, 4, "正在写入")
        audit.record(session, "export", operator, detail=f"当日工作包 {pack.day} → {pack.path.name}")
