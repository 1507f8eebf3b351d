"""Readiness before online filing opens (seed 004: 最好由学校统一拍照): a folder of staff photos -> a folder of
114×156 face-centred JPEGs named <身份证号码>.jpg, matched by file name = ID number, or = the teacher's name
through the staff list, with a report of every problem (no face, two faces, too small, greyscale…)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from confirm_desk.domain.errors import FileRefused, PhotoRefused
from confirm_desk.domain.filenames import safe_stem
from confirm_desk.domain.idnumbers import has_valid_checksum, normalize_id
from confirm_desk.services.output_files import atomic_output, private_dir
from confirm_desk.services.photos.intake import photo_key
from confirm_desk.services.photos.sources import iter_photo_files
from confirm_desk.services.progress import ProgressFn, no_progress
from confirm_desk.store.models import staff_table


@dataclass(frozen=True)
class ReadyPhoto:
    source: str  # the file as the user named it
    id_number: str = ""
    name: str = ""
    output: str = ""  # the written file's name ('' when none was written)
    problems: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        if not self.output:
            return "未生成"
        return "需人工确认" if self.problems else "合格"


@dataclass
class ReadinessResult:
    items: list[ReadyPhoto] = field(default_factory=list)

    @property
    def written(self) -> int:
        return sum(1 for i in self.items if i.output)

    @property
    def with_problems(self) -> int:
        return sum(1 for i in self.items if i.problems)

    def summary_zh(self) -> str:
        return (f"共 {len(self.items)} 张照片：生成 {self.written} 张，其中需人工确认 "
                f"{sum(1 for i in self.items if i.output and i.problems)} 张；未生成 "
                f"{len(self.items) - self.written} 张")


def staff_names(session: Session | None) -> tuple[dict[str, str], dict[str, list[str]]]:
    """ID number -> name, and name -> the ID numbers of the staff list (one name may belong to two teachers)."""
    by_id: dict[str, str] = {}
    by_name: dict[str, list[str]] = {}
    if session is None:
        return by_id, by_name
    for id_number, name in session.execute(select(staff_table.c.id_number, staff_table.c.name)):
        number = normalize_id(id_number)
        by_id[number] = name
        by_name.setdefault((name or "").strip(), []).append(number)
    return by_id, by_name


def match_file(stem: str, by_id: dict[str, str], by_name: dict[str, list[str]]) -> tuple[str, str, str]:
    """(ID number, name, problem) for a file name: an ID number, or a name found once in the staff list."""
    key = photo_key(stem)
    if len(key) == 18 and key[:17].isdigit():
        problem = "" if has_valid_checksum(key) else "文件名中的身份证号码校验位不对，请核对"
        return key, by_id.get(key, ""), problem
    name = stem.strip()
    numbers = by_name.get(name, [])
    if len(numbers) == 1:
        return numbers[0], name, ""
    if len(numbers) > 1:
        return "", name, f"教职工名单中有 {len(numbers)} 位“{name}”，无法确定是谁，请把文件改名为身份证号码"
    if by_name:
        return "", "", "文件名既不是身份证号码，也不是教职工名单中的姓名"
    return "", "", "文件名不是身份证号码（按姓名匹配需要先导入教职工名单）"


def prepare_folder(
    source: Path,
    out_dir: Path,
    session: Session | None = None,
    progress: ProgressFn = no_progress,
) -> ReadinessResult:
    """Normalises every photo of `source` (a folder or zip) into `out_dir`; nothing in `source` changes."""
    from confirm_desk.services.photos.analysis import normalize_and_check
    from confirm_desk.services.photos.presets import active_preset, preset_by_key

    preset = active_preset(session) if session is not None else preset_by_key(None)
    by_id, by_name = staff_names(session)
    files = list(iter_photo_files(Path(source)))
    if not files:
        raise FileRefused(f"“{Path(source).name}”中没有照片文件")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    private_dir(out)
    result = ReadinessResult()
    written: dict[str, str] = {}  # ID number -> the source that produced its file
    for index, photo in enumerate(files):
        progress(index, len(files), f"正在处理 {photo.name}")
        id_number, name, problem = match_file(photo.stem, by_id, by_name)
        if photo.data is None or not id_number:
            result.items.append(ReadyPhoto(photo.name, id_number, name, "", (photo.problem or problem,)))
            continue
        if id_number in written:
            result.items.append(ReadyPhoto(photo.name, id_number, name, "",
                                           (f"与“{written[id_number]}”是同一人，只用了第一张",)))
            continue
        try:
            normalized, checked = normalize_and_check(photo.data, preset)
        except PhotoRefused as refused:
            result.items.append(ReadyPhoto(photo.name, id_number, name, "", (str(refused),)))
            continue
        target = out / f"{safe_stem(id_number)}.jpg"  # an ID from the staff list is free text: never a path
        with atomic_output(target) as temp:
            temp.write_bytes(normalized.data)
        written[id_number] = photo.name
        problems = tuple(f.message for f in checked.findings) + ((problem,) if problem else ())
        if normalized.warning:
            problems += (normalized.warning,)
        result.items.append(ReadyPhoto(photo.name, id_number, name, target.name, problems))
    progress(len(files), len(files), "完成")
    return result


def write_report(result: ReadinessResult, path: Path) -> None:
    """The problems list as .xlsx (or .csv by suffix): 文件, 身份证号码, 姓名, 结果, 问题."""
    import csv

    from confirm_desk.services.spreadsheets.safe import safe_cell

    header = ["文件", "身份证号码", "姓名", "结果", "问题"]
    rows = [[i.source, i.id_number, i.name, i.status, "；".join(i.problems)] for i in result.items]
    path = Path(path)
    with atomic_output(path, make_parents=True) as temp:
        if path.suffix.lower() == ".csv":
            with temp.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(header)
                writer.writerows([[safe_cell(v) for v in row] for row in rows])
            return
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "照片处理结果"
        sheet.append(header)
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
            sheet.cell(sheet.max_row, 2).number_format = "@"
        for letter, width in zip("ABCDE", (28, 21, 10, 12, 60), strict=True):
            sheet.column_dimensions[letter].width = width
        book.save(temp)
