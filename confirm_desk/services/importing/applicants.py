"""Importing the national system's applicant export (import_format.md) and the applicants' photos.

One file is one transaction: valid rows are stored together, invalid rows are reported (file, row,
column, value, message) and skipped, and a refused file leaves the store as it was.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, insert, select, update

from confirm_desk.domain.check_codes import CodeChecker
from confirm_desk.domain.checks import CheckContext
from confirm_desk.domain.errors import Cancelled, FileRefused
from confirm_desk.domain.fields import FIELDS_BY_KEY
from confirm_desk.domain.idnumbers import mask_id
from confirm_desk.domain.statuses import Status, status_from_text
from confirm_desk.services import audit
from confirm_desk.services.applicants.findings import flags_from_codes
from confirm_desk.services.gc_pause import paused_gc
from confirm_desk.services.importing.fingerprints import blake2b_128, fingerprints, hash_in_order, hexdigest
from confirm_desk.services.importing.reconcile import FieldConflict, Reconciler, flag_missing
from confirm_desk.services.importing.rows import ALL_KEYS, RowError, RowParser, Stored, locate_header, parse_rows
from confirm_desk.services.progress import ProgressFn, no_progress
from confirm_desk.services.spreadsheets.columns import HeaderMap
from confirm_desk.services.spreadsheets.read import SheetStream, stream_rows
from confirm_desk.store.bulk import bulk_update, insert_rows
from confirm_desk.store.tables import applicant_table, batch_table, confirmation_point_table, utcnow, with_new_version

if TYPE_CHECKING:  # the photo modules are loaded by an import that brings photos (--photos), not by every one
    from confirm_desk.services.photos.intake import PhotoImportResult
    from confirm_desk.services.photos.sources import PhotoFile
    from confirm_desk.store.db import Store
    from confirm_desk.store.units import Unit

log = logging.getLogger(__name__)


@dataclass
class ImportResult:
    file: str
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    photos: PhotoImportResult | None = None
    batch_id: int | None = None
    conflicts: list[FieldConflict] = field(default_factory=list)  # local values kept, incoming differ
    missing: list[str] = field(default_factory=list)  # 报名号 no longer in the export (flagged, kept)
    national: dict[str, int] = field(default_factory=dict)  # 国家系统核对 counts after this import (keying.verify)
    # The mapping step: which header fed which field (and how it was recognised), the columns no field took,
    # the needed fields no column gave, and the header row's signature (remembered mappings are keyed by it).
    columns: list[dict[str, object]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    header_signature: str = ""

    def record_columns(self, header: HeaderMap, fields_by_key: Mapping[str, object]) -> None:
        from confirm_desk.services.spreadsheets.columns import header_signature

        self.columns = header.column_report()
        self.ignored_columns = header.ignored_headers()
        mapping = header.mapping
        self.missing_columns = [getattr(fields_by_key[k], "label", k) for k in mapping.missing_needed] if mapping \
            else []
        self.header_signature = header_signature(mapping.headers) if mapping else ""

    def columns_text(self) -> list[str]:
        """The mapping in words, for the CLI and the result dialog."""
        from confirm_desk.services.spreadsheets.columns import HOW_LABELS

        lines = [f"  列 {c['column']}“{c['header']}” → {c['label']}（{HOW_LABELS.get(str(c['how']), c['how'])}）"
                 for c in self.columns]
        if self.ignored_columns:
            lines.append("  未使用的列：" + "、".join(f"“{h}”" for h in self.ignored_columns))
        if self.missing_columns:
            lines.append("  未找到的列：" + "、".join(f"“{h}”" for h in self.missing_columns)
                         + "（可用 --map \"表头=字段\" 指定）")
        return lines

    @property
    def error_count(self) -> int:
        return len(self.errors) + (len(self.photos.errors) if self.photos else 0)

    def summary(self) -> str:
        text = (
            f"imported {self.imported}, updated {self.updated}, unchanged {self.unchanged}, "
            f"errors {len(self.errors)}"
        )
        if self.conflicts or self.missing:
            text += f", conflicts {len(self.conflicts)}, missing {len(self.missing)}"
        if self.photos:
            text += (
                f"; photos attached {self.photos.attached}, unchanged {self.photos.unchanged}, "
                f"unmatched {len(self.photos.unmatched)}, errors {len(self.photos.errors)}"
            )
        return text

    def summary_zh(self) -> str:
        text = (
            f"新增 {self.imported} 人，更新 {self.updated} 人，未变 {self.unchanged} 人，"
            f"错误 {len(self.errors)} 行，警告 {len(self.warnings)} 条"
        )
        if self.conflicts:
            text += f"；{len(self.conflicts)} 处与本地修改冲突（已保留本地值，请核对）"
        if self.missing:
            text += f"；{len(self.missing)} 人不在新名单中（已标记，未删除）"
        if any(self.national.values()):
            from confirm_desk.services.keying.verify import CATEGORY_LABELS

            found = "，".join(f"{CATEGORY_LABELS[c]} {n} 人" for c, n in self.national.items() if n)
            text += f"；国家系统核对：{found}（查看 → 国家系统核对）"
        if self.photos:
            text += (
                f"；照片：关联 {self.photos.attached} 张，未变 {self.photos.unchanged} 张，"
                f"未匹配 {len(self.photos.unmatched)} 张，无法使用 {len(self.photos.errors)} 张"
            )
        return text


_in_registry_order = itemgetter(*ALL_KEYS)
INSERT_KEYS = (*ALL_KEYS, "status", "flags", "import_hash")  # then the fixed import_batch_id, created/updated


def row_hash(values: Mapping[str, str]) -> str:
    """Fingerprint of the imported values (registry order; unit separator cannot occur in a cell)."""
    return hash_in_order(_in_registry_order(values))


def insert_tuples(columns: Sequence[Sequence[str]], statuses: Sequence[str],
                  flags: Sequence[str]) -> list[tuple[str, ...]]:
    """The insert tuples (INSERT_KEYS order) of rows given as `columns` (registry order): each row's values, its
    status and flags, and its fingerprint (hash_in_order, written out: a call per row costs 7 ms per 20,000), hashed
    while the row's values are at hand."""
    out: list[tuple[str, ...]] = []
    append = out.append
    for row, status, flag in zip(zip(*columns, strict=True), statuses, flags, strict=True):
        append(row + (status, flag, hexdigest(blake2b_128("\x1f".join(row).encode()))))  # noqa: RUF005  # one tuple
    return out


_NUMBER, _POINT, _STATUS, _ID = (ALL_KEYS.index(k) for k in ("application_no", "confirmation_point", "online_status",
                                                              "id_number"))


def status_for(values: dict[str, str]) -> Status:
    return status_from_text(values.get("online_status", "")) or Status.PENDING


_status_values: dict[str, str] = {}  # 网报状态 text -> the stored status (an export has a handful of texts)


def _status_value(values: dict[str, str]) -> str:
    """status_for(values).value, remembered per text."""
    text = values.get("online_status", "")
    found = _status_values.get(text)
    if found is None:
        found = status_for(values).value
        if len(_status_values) < 256:
            _status_values[text] = found
    return found


def _status_values_of(texts: Sequence[str]) -> list[str]:
    """_status_value of each 网报状态 text (a row's other values do not matter to it)."""
    found = list(map(_status_values.get, texts))
    if None in found:  # texts not remembered yet: one by one (each is remembered, up to 256 of them)
        found = [_status_value({"online_status": text}) if value is None else value
                 for text, value in zip(texts, found, strict=True)]
    return found  # type: ignore[return-value]  # no None left


def flags_for(values: Mapping[str, str], context: CheckContext | None = None, *,
              checker: CodeChecker | None = None) -> str:
    """The flags column for one row as imported (duplicates across rows are added after the import).
    `checker`: one made for `context`, kept across the rows of an import (its caches)."""
    return flags_from_codes((checker or CodeChecker(context)).codes(values))


_flags_by_codes: dict[frozenset[str], str] = {}  # an import's rows share a few sets of codes


def flags_of_codes(codes: Sequence[frozenset[str]]) -> list[str]:
    """flags_from_codes of each row's codes (CodeChecker.codes_of_columns), remembered per set of codes."""
    found = list(map(_flags_by_codes.get, codes))
    if None in found:
        # this chunk's own table: another import in this process may empty the shared one meanwhile
        table: dict[frozenset[str], str] = {}
        for one in set(codes):
            known = _flags_by_codes.get(one)
            table[one] = flags_from_codes(one) if known is None else known
        if len(_flags_by_codes) > 4096:
            _flags_by_codes.clear()
        _flags_by_codes.update(table)
        found = list(map(table.__getitem__, codes))
    return found  # type: ignore[return-value]  # no None left


def store_rows(
    session: Unit,
    parsed: Sequence[tuple[int, dict[str, str]]],
    result: ImportResult,
    *,
    operator: str = "",
    batch_id: int | None = None,
    present: Collection[str] | None = None,
    failed: Sequence[str] = (),
) -> None:
    """Insert new applicants and update changed ones in bulk (Core executemany, no ORM objects).
    `failed`: the 报名号 of the file's refused rows (they are still in the list: see flag_missing).

    Fields changed here are kept and each disagreement is reported (reconcile.py); applicants of the
    file's confirmation points that the file no longer holds are flagged. `present`: the field keys the
    file has columns for; a stored applicant keeps every other field (a file of a few columns, such as
    the list's own 导出, never blanks the rest)."""
    writer = RowWriter(session, result, operator=operator, batch_id=batch_id, present=present)
    writer.add(parsed)
    writer.finish(failed)


class RowWriter:
    """store_rows one chunk at a time (RowParser's chunks of a large file): `add` writes each chunk's new and
    changed applicants at once; `finish` does what needs the whole file (audit, missing flags, duplicates,
    conflicts). Errors, events and counts come out in the same order as for the whole file at once."""

    def __init__(self, session: Unit, result: ImportResult, *, operator: str = "", batch_id: int | None = None,
                 present: Collection[str] | None = None) -> None:
        from confirm_desk.services.applicants.findings import base_context

        table = applicant_table
        self.session, self.result, self.operator, self.batch_id = session, result, operator, batch_id
        # Of every stored applicant only what matching the file's rows and flag_missing need (_MATCH_KEYS); a
        # whole row is read only for an applicant the file changes (_whole_rows): 100,000 stored rows of every
        # field held 430 MB through a re-import.
        stored = session.execute(select(*[table.c[key] for key in _MATCH_KEYS])).all()
        self.existing = {row[1]: row for row in stored}  # by 报名号 (rows unpacked by position: 3x named access)
        # 报名号 -> (fingerprint, ID number) as stored: a row of the file that has both is as stored now.
        self.as_stored = {number: (digest, id_number) for _id, number, digest, _flag, id_number, _point in stored}
        self.context = base_context(session)
        self.checker = CodeChecker(self.context)
        self.reconciler = Reconciler(session, operator, batch_id)
        self.events: list[dict[str, Any]] = []
        self.identity_errors: list[RowError] = []
        self.absent = [k for k in ALL_KEYS if k not in present] if present is not None else []
        self.numbers: set[str] = set()  # every 报名号 stored or refused as another person
        self.points: set[str] = set()
        self.count = 0  # rows given
        self.now = utcnow()
        # The national system's own changes do not make an exported applicant need exporting again: an
        # applicant in step with its batch stays in step.
        in_step = case((table.c.synced_version == table.c.version, table.c.version + 1),
                       else_=table.c.synced_version)
        self.update_extra = with_new_version(missing_from_import=False, synced_version=in_step,
                                             import_batch_id=batch_id, updated_at=self.now)
        self.dropped_indexes: list[str] = []

    def stored_as_is(self) -> Stored | None:
        """For RowParser.feed: what each stored applicant was imported as (fingerprint, ID number), when a row
        exactly as stored is unchanged — the file has every column (a file of a few columns is merged with what
        is stored, see store_rows)."""
        return self.as_stored if self.as_stored and not self.absent else None

    def _in_file(self, numbers: Iterable[str], points: Iterable[str]) -> None:
        """The 报名号 and 确认点 of rows the file holds (flag_missing's view of the file)."""
        self.numbers.update(numbers)
        self.points.update(points)
        self.points.discard("")

    def _drop_indexes(self) -> None:
        """Into an empty SQLite table, the rows go in without the table's indexes, which are made again from
        their own statements in finish (one sort each instead of a B-tree insert per row and index; the
        same transaction, so a failed import gets them back as they were)."""
        conn = self.session.connection()
        if self.existing or conn.dialect.name != "sqlite" or self.dropped_indexes:
            return
        found = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                                     "tbl_name = 'applicant' AND sql IS NOT NULL ORDER BY name").fetchall()
        for name, _sql in found:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        self.dropped_indexes = [sql for _name, sql in found]

    def _restore_indexes(self) -> None:
        conn = self.session.connection()
        for sql in self.dropped_indexes:
            conn.exec_driver_sql(sql)
        self.dropped_indexes = []

    def add(self, parsed: Sequence[tuple[int, dict[str, str]]]) -> None:
        existing, reconciler, events, absent = self.existing, self.reconciler, self.events, self.absent
        result, operator, batch_id, checker = self.result, self.operator, self.batch_id, self.checker
        inserts: list[tuple[str, ...]] = []
        updates: list[dict[str, Any]] = []
        self.count += len(parsed)
        as_stored: list[tuple[str, str]] = getattr(parsed, "as_stored", [])
        if as_stored:  # rows exactly as stored (RowParser.feed set them aside): unchanged, in the file
            self.count += len(as_stored)
            result.unchanged += len(as_stored)
            numbers, points = zip(*as_stored, strict=True)
            self._in_file(numbers, points)
        columns: tuple[list[str], ...] | None = getattr(parsed, "columns", None)
        digests: list[str] | None = None  # each parsed row's fingerprint, where already made
        if (columns is not None and len(columns[_NUMBER]) == len(parsed)
                and existing.keys().isdisjoint(columns[_NUMBER])):
            # Only new applicants (RowParser.feed's ParsedChunk): the insert tuples, statuses, flags and fingerprints
            # made column by column (no dict per row), as the loop below makes them row by row.
            self._in_file(columns[_NUMBER], columns[_POINT])
            inserts = insert_tuples(columns, _status_values_of(columns[_STATUS]),
                                    flags_of_codes(checker.codes_of_columns(dict(zip(ALL_KEYS, columns, strict=True)))))
            parsed = ()
        elif columns is not None and len(columns[_NUMBER]) == len(parsed) and not absent:
            # A re-import's chunk (ParsedChunk): the rows stored as they are now are told by their fingerprints,
            # made column by column; a dict is made only for each row that is new or changed.
            self._in_file(columns[_NUMBER], columns[_POINT])
            rows = list(zip(*columns, strict=True))
            row_numbers = parsed.row_numbers  # type: ignore[attr-defined]  # a ParsedChunk: it has columns
            stored_as = map(self.as_stored.get, columns[_NUMBER])
            prints = fingerprints(rows)
            now = zip(prints, columns[_ID], strict=True)
            kept = [i for i, (key, before) in enumerate(zip(now, stored_as, strict=True)) if key != before]
            result.unchanged += len(rows) - len(kept)
            parsed = [(row_numbers[i], dict(zip(ALL_KEYS, rows[i], strict=True))) for i in kept]
            digests = [prints[i] for i in kept]
        # rows of applicants already in the store, with their fingerprint (None: made once the values are complete)
        stored: list[tuple[int, dict[str, str], Any, str | None]] = []
        for j, (row_number, values) in enumerate(parsed):
            self.numbers.add(values["application_no"])
            point = values.get("confirmation_point")
            if point:
                self.points.add(point)
            old = existing.get(values["application_no"])
            if old is None:
                ordered = _in_registry_order(values)
                inserts.append((*ordered, _status_value(values), flags_for(values, checker=checker),
                                hash_in_order(ordered)))
            elif absent:
                stored.append((row_number, values, old, None))
            else:
                stored.append((row_number, values, old, digests[j] if digests is not None else row_hash(values)))
        if not absent:  # the usual re-import: most rows are as stored, told by their fingerprint alone
            changed = []
            for item in stored:
                if item[2].import_hash == item[3] and not _another_person(item[2], item[1]):
                    result.unchanged += 1
                else:
                    changed.append(item)
            stored = changed
        whole = self._whole_rows([old.id for _, _, old, _ in stored])
        for row_number, values, light, digest in stored:
            old = whole[light.id]
            if digest is None:  # the file leaves columns out (absent): fingerprinted once they are filled in
                # What the national system holds for the fields the file leaves out: the stored value, or for
                # a field edited here the national one (so an applicant whose present columns did not move
                # stays `unchanged`).
                edited = reconciler.edits.get(old.id, {})
                values = {**values, **{k: reconciler.national(old.id, k) if k in edited else getattr(old, k) or ""
                                       for k in absent}}
                digest = row_hash(values)
            if _another_person(old, values):
                # The same 报名号 now names another ID number: never applied, never carrying the decision over.
                self.identity_errors.append(_identity_error(result.file, row_number, old, values))
                events.append({"action": "import_identity", "operator": operator, "applicant_id": old.id,
                               "application_no": old.application_no, "field": "id_number",
                               "old_value": mask_id(old.id_number or ""),
                               "new_value": mask_id(values["id_number"]),
                               "detail": f"{old.name} → {values['name']}，未导入"})
                continue
            if old.import_hash == digest:
                result.unchanged += 1
                continue
            status = Status(old.status)
            if not status.decided:  # a decision made here is never undone by a re-import
                status = status_for(values)
            if absent:
                merged = reconciler.merge(old, {k: v for k, v in values.items() if k not in absent})
                values = {**{k: getattr(old, k) or "" for k in absent}, **merged}
            else:
                values = reconciler.merge(old, values)
            updates.append({**values, "status": status.value, "import_hash": digest, "id": old.id})
            for key, before, after in zip(ALL_KEYS, old[:_FIELD_COUNT], _in_registry_order(values), strict=True):
                if (before or "") != after:
                    events.append({
                        "action": "import_update", "operator": operator, "applicant_id": old.id,
                        "application_no": values["application_no"], "field": key,
                        "old_value": before or "", "new_value": after, "detail": "",
                    })
        for update_row, flags in zip(updates, flags_of_codes(checker.codes_of_rows(updates)), strict=True):
            update_row["flags"] = flags  # the merged values' flags, made column by column
        if inserts and not self.existing:
            self._drop_indexes()
        conn = self.session.connection()
        insert_rows(conn, applicant_table, INSERT_KEYS, inserts,
                    {"import_batch_id": batch_id, "created_at": self.now, "updated_at": self.now})
        bulk_update(conn, applicant_table, "id", updates, self.update_extra)
        result.imported += len(inserts)
        result.updated += len(updates)

    def _whole_rows(self, ids: Sequence[int]) -> dict[int, Any]:
        """Every field of the stored applicants `ids` (at most a chunk of them), by id: the fields first, in
        registry order (row[:_FIELD_COUNT]), then _STATE_KEYS."""
        table, found = applicant_table, dict[int, Any]()
        columns = [table.c[key] for key in (*ALL_KEYS, *_STATE_KEYS)]
        for start in range(0, len(ids), _IDS_PER_READ):
            found.update((row.id, row) for row in self.session.execute(
                select(*columns).where(table.c.id.in_(ids[start:start + _IDS_PER_READ]))).all())
        return found

    def finish(self, failed: Sequence[str] = ()) -> None:
        """After the last chunk. `failed`: the 报名号 of the file's refused rows (see flag_missing)."""
        from confirm_desk.services.applicants.findings import ensure_flags_current, refresh_duplicate_flags

        session, result = self.session, self.result
        self._restore_indexes()
        result.errors.extend(self.identity_errors)
        self.reconciler.finish(session)
        audit.record_many(session, self.events + self.reconciler.events)
        result.conflicts.extend(self.reconciler.conflicts)
        result.missing.extend(flag_missing(session, self.existing, self.numbers, self.points,
                                           self.count, failed))
        # SCOPE-3: one ID number under two 报名号, in this file or across imports
        refresh_duplicate_flags(session, flagged_before=bool(self.existing))
        # flags stored by older rules follow the current ones
        ensure_flags_current(session, computed_now=not self.existing)
        _remember_confirmation_points(session, self.points)


# A stored applicant's columns read for every row of the file: matching (报名号, fingerprint, ID number) and
# flag_missing's, in the order RowWriter unpacks them. A whole row (_whole_rows) has the fields and _STATE_KEYS too.
_MATCH_KEYS = ("id", "application_no", "import_hash", "missing_from_import", "id_number", "confirmation_point")
_STATE_KEYS = ("id", "import_hash", "status", "missing_from_import")
_FIELD_COUNT = len(ALL_KEYS)
_IDS_PER_READ = 500  # ids per IN (...) list: well under every driver's parameter limit


def _another_person(old: Any, values: dict[str, str]) -> bool:
    before = (old.id_number or "").strip().upper()
    return bool(before) and before != values["id_number"].strip().upper()


def _identity_error(file: str, row_number: int, old: Any, values: dict[str, str]) -> RowError:
    status = Status(old.status).label
    return RowError(file, row_number, FIELDS_BY_KEY["id_number"].label, mask_id(values["id_number"]),
                    f"报名号 {old.application_no} 原为 {old.name}（证件号码 {mask_id(old.id_number or '')}，"
                    f"{status}），本次导出为 {values['name']}（证件号码 {mask_id(values['id_number'])}）："
                    "证件号码变了，可能是另一个人。本行未导入，原记录及其确认结论不变，请与上级核实")


def _remember_confirmation_points(session: Unit, names: set[str]) -> None:
    if not names:
        return
    points = confirmation_point_table
    new = sorted(names - set(session.scalars(select(points.c.name))))
    if new:
        session.execute(insert(points), [{"name": name} for name in new])


class SeveralSheets(FileRefused):
    """More than one visible sheet looks like an applicant export: the clerk must say which one."""

    def __init__(self, file_name: str, sheets: list[str]) -> None:
        names = "、".join(f"“{s}”" for s in sheets)
        super().__init__(f"“{file_name}”中有多个工作表像是申请人名单：{names}。请指定要导入的工作表"
                         "（命令行用 --sheet 工作表名，导入对话框中选择“工作表”）。")
        self.sheets = sheets


Locate = Callable[[Sequence[Sequence[object]]], HeaderMap]  # the header in a sheet's first rows


def read_export(path: Path, sheet: str | None = None, locate: Locate | None = None) -> tuple[SheetStream, HeaderMap]:
    """The rows (a SheetStream: a workbook's rows are read one at a time after its first few hundred) and
    header of the export in `path`: the sheet named, or else the first visible sheet that has an applicant
    header. Hidden sheets are never read unless named; when several visible sheets look like exports,
    SeveralSheets names them instead of guessing. `locate(rows)` finds the header in the first rows
    (default: locate_header)."""
    locate = locate or (lambda found: locate_header(found, path.name))
    rows = stream_rows(path, sheet)
    if sheet is not None or len(rows.sheets) < 2:
        return rows, locate(rows.head)
    found = []
    for name in rows.sheets:
        candidate = rows if name == rows.sheet else stream_rows(path, name)
        try:
            found.append((name, candidate, locate(candidate.head)))
        except FileRefused:
            continue
    if len(found) > 1:
        raise SeveralSheets(path.name, [name for name, *_ in found])
    if not found:
        return rows, locate(rows.head)  # the first sheet's own "no header" message
    return found[0][1], found[0][2]


CHUNK_ROWS = 5000  # rows read, checked and written at a time: a large file is never held whole


def import_applicants(
    store: Store,
    path: Path,
    photos: Path | None = None,
    *,
    progress: ProgressFn = no_progress,
    operator: str = "",
    manual: Mapping[str, str] | None = None,
    ask_needed: bool = False,
    sheet: str | None = None,
) -> ImportResult:
    """Import one export file (and optionally a photo folder/zip) in one transaction. `manual`: header ->
    field key (or "-") where the headers say too little (ColumnsUnclear); remembered for the same headers.
    `sheet` names the worksheet to read; by default the one visible sheet that looks like an export
    (see read_export)."""
    with paused_gc():  # every cell is a live object: the collector's passes would walk them all, in vain
        return _import_applicants(store, Path(path), photos, progress, operator, manual, ask_needed, sheet)


def _import_applicants(store: Store, path: Path, photos: Path | None, progress: ProgressFn, operator: str,
                       manual: Mapping[str, str] | None, ask_needed: bool, sheet: str | None) -> ImportResult:
    from confirm_desk.services.importing.column_maps import remember_mapping, remembered_in

    progress(0, 0, f"正在读取 {path.name}…")
    remembered = remembered_in(store, "applicants")
    rows, header = read_export(path, sheet,
                               lambda found: locate_header(found, path.name, manual, remembered, ask_needed))
    photo_files: list[PhotoFile] | None = None
    if photos:
        from confirm_desk.services.photos.sources import iter_photo_files

        photo_files = list(iter_photo_files(photos))
    start = header.row_index + 1
    total = max(rows.height - start, 0)
    progress(0, total, f"正在校验 {total} 行…")
    parser = RowParser(header, path.name)
    result = ImportResult(file=path.name, errors=parser.out.errors, warnings=parser.out.warnings)
    result.record_columns(header, FIELDS_BY_KEY)
    with store.unit() as session:  # Core statements only: an import process never loads the ORM
        batch_id = session.execute(insert(batch_table).values(
            kind="import", file_name=path.name, file_sha256=file_sha256(path), operator=operator,
        ).returning(batch_table.c.id)).scalar_one()
        writer = RowWriter(session, result, operator=operator, batch_id=batch_id,
                           present={f.key for f in header.columns.values()})
        for first, chunk in rows.chunks(start, CHUNK_ROWS):
            writer.add(parser.feed(chunk, first + 1, writer.stored_as_is()))
            progress(min(first + CHUNK_ROWS - start, total), total, f"正在校验并保存 {total} 行…")
        if not writer.count and not result.errors:
            raise FileRefused(f"“{path.name}”只有表头，没有申请人数据")
        progress(total, total, "正在保存…")
        writer.finish(parser.out.failed)
        if photo_files is not None:
            result.photos = _attach_photos(session, photo_files, operator, progress)
        from confirm_desk.services.keying.verify import national_report

        result.national = national_report(session).counts()  # the newer export against the desk, every applicant
        session.execute(update(batch_table).where(batch_table.c.id == batch_id)
                        .values(row_count=result.imported + result.updated, summary=result.summary()))
        audit.record(session, "import", operator, detail=f"{path.name}: {result.summary()}")
        if manual:
            remember_mapping(session, "applicants", result.header_signature, manual, operator)
        result.batch_id = batch_id
        _check_cancel(progress)
    log.info("import of %s committed: %s", path.name, result.summary())  # counts only, no personal data
    return result


def _attach_photos(unit: Unit, files: list[PhotoFile], operator: str, progress: ProgressFn) -> PhotoImportResult:
    """The photos, in the import's transaction: their module works on an ORM Session, here one joined to the
    unit's connection (its commit only flushes: the unit commits or rolls back the whole import)."""
    from sqlalchemy.orm import Session

    from confirm_desk.services.photos.intake import attach_photo_files

    with Session(unit.connection(), expire_on_commit=False) as session:
        found = attach_photo_files(session, files, operator=operator, progress=progress)
        session.commit()
    return found


def _check_cancel(progress: ProgressFn) -> None:
    """Give a cancel request one last chance before commit (the callback raises Cancelled)."""
    progress(1, 1, "正在提交…")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


__all__ = ["Cancelled", "ImportResult", "RowError", "import_applicants", "locate_header", "parse_rows"]
