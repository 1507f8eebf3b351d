"""Export batches: one zip per batch (results.xlsx, the normalised photos, manifest.json), recorded in
the store so the batch is immutable and can be written again byte for byte.

Reproducible by construction: each item keeps its row as written and its photo's hash (the bytes stay in
`photo`; migration 0012's triggers archive them by content in `batch_photo` before that photo changes or goes),
the manifest is kept as written, and results.xlsx and the zip carry fixed member times (xlsx_write).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import json.encoder
import logging
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypedDict, cast

from sqlalchemy import Dialect, Row, Select, and_, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from confirm_desk import __version__
from confirm_desk.domain.errors import KnownError, NotFound
from confirm_desk.domain.filenames import MAX_STEM, safe_stem
from confirm_desk.services import audit
from confirm_desk.services.batches.rows import (
    BatchPlan,
    BatchRow,
    candidates,
    changed_fields,
    driver_rows,
    plan_next_batch,
    sheet_rows,
)
from confirm_desk.services.gc_pause import paused_gc
from confirm_desk.services.importing.applicants import file_sha256
from confirm_desk.services.output_files import atomic_output
from confirm_desk.services.progress import ProgressFn, no_progress
from confirm_desk.services.spreadsheets.safe import safe_rows
from confirm_desk.services.spreadsheets.write import fixed_info, workbook_bytes, zip_moment
from confirm_desk.store.bulk import insert_rows
from confirm_desk.store.db import Store
from confirm_desk.store.models import Batch, BatchItem, BatchPhoto, Photo, applicant_table, table_of, utcnow

log = logging.getLogger(__name__)
RESULTS, MANIFEST, PHOTO_DIR = "results.xlsx", "manifest.json", "photos/"


def _row_encoder() -> Callable[[Any], str]:
    """What `json.dumps(row, ensure_ascii=False, separators=(",", ":"))` writes, by one C encoder made once (the
    encoder's own encode() makes a new one per call); the plain encoder where there is no C encoder or it writes
    a sample differently."""
    plain = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return plain.encode
    try:
        fast = make(None, plain.default, json.encoder.encode_basestring, None, ":", ",", False, False, True)

        def encode(row: Any) -> str:
            return "".join(fast(row, 0))

        sample = {"a": "张\"三\x07\\/", "b": [["x", "", "é\u2028"]], "c": 1, "d": None, "e": 1.5, "f": True, "g": []}
        if encode(sample) == plain.encode(sample):
            return encode
    except Exception:  # another Python's C encoder: the plain one writes the same text
        log.debug("json's C encoder not usable here", exc_info=True)
    return plain.encode


_ROW_JSON = _row_encoder()  # a batch row's text as kept with its item (a re-export depends on it)
_CHUNK = 500


class Manifest(TypedDict):
    """manifest.json of a batch zip (kept with the batch: a re-export writes the same text)."""

    batch: int
    confirmation_point: str
    created: str  # local time, ISO 8601
    operator: str
    rows: int
    app_version: str
    files: dict[str, str]  # member name -> SHA-256
    photos_missing: list[str]  # 报名号 of the rows without a photo


@dataclass
class BatchResult:
    number: int
    path: Path
    rows: int
    photos: int
    photos_missing: list[str] = field(default_factory=list)  # 报名号 without a normalised photo
    sha256: str = ""  # of the zip
    mismatched: list[str] = field(default_factory=list)  # re-export: files whose hash left the manifest

    def summary_zh(self) -> str:
        text = f"第 {self.number} 批：{self.rows} 人，照片 {self.photos} 张"
        if self.photos_missing:
            text += f"，{len(self.photos_missing)} 人无规范照片（已在包内的校验清单中列出）"
        return text


def preview_next_batch(session: Session) -> BatchPlan:
    """What `export_batch` would write now (nothing is recorded)."""
    return plan_next_batch(session)


def export_batch(store: Store, out: Path, operator: str, *, progress: ProgressFn = no_progress,
                 now: dt.datetime | None = None) -> BatchResult:
    """Writes the next batch to `out` and records it: its items (with their photos' hashes), the applicants' sync.

    A recorded batch always has its file: the zip is written under a temporary name beside `out`, flushed
    to disk, renamed to `out`, and only then does the transaction that records the batch commit. A crash
    before the rename leaves no batch (its temporary file is cleaned up later); one between the rename and the commit
    leaves a complete file and no batch (the next export writes that number again); a failed commit
    removes the renamed file."""
    if not operator:
        raise KnownError("导出批次必须记录操作员")
    out = Path(out).absolute()
    at = now or utcnow()
    renamed = committed = False
    try:
        with paused_gc(), store.session() as session:
            progress(0, 0, "正在汇总本批数据…")
            plan = plan_next_batch(session)
            if not plan.items:
                raise KnownError("没有需要导出的申请人：自上一批以来没有新的确认结果或修改" + _missing_hint(session))
            batch = Batch(kind="export", number=plan.number, file_name=_recorded_path(out), operator=operator,
                          created_at=at, row_count=len(plan.items), confirmation_point=plan.confirmation_point)
            session.add(batch)
            try:
                session.flush()
            except IntegrityError as exc:  # the partial unique index: another seat took this number
                raise KnownError(f"另一席位刚刚导出了第 {plan.number} 批，请重新打开导出后再试") from exc
            # The photos are read after the batch's first write: on SQLite this transaction now holds the write
            # lock, so no photo changes before the batch commits; PostgreSQL reads them FOR SHARE (a change
            # waits for the commit, and its trigger then sees these items). Either way a photo that changes after
            # this batch has its bytes archived by migration 0012's triggers (the item keeps only the hash).
            photos = _current_photos(session, [i.applicant_id for i in plan.items])
            names = _photo_names(plan, photos)
            rows: list[BatchRow] = []
            for item in plan.items:  # the plan's own rows (made for this export): the photo's name goes last
                item.row["photo"] = names.get(item.applicant_id, "")
                rows.append(item.row)
            archive = {names[a]: data for a, data in photos.items() if a in names}
            manifest = _manifest(plan, rows, at, operator)
            # atomic_output (issue 26): the zip is complete and on disk under its real name before the
            # batch counts; an error or a cancel before the rename leaves no file.
            with atomic_output(out, make_parents=True) as part:
                text, zip_sha, _ = _write_zip(part, rows, archive, manifest, progress)
                batch.manifest, batch.file_sha256 = text, zip_sha
                hashes = manifest["files"]
                if not _kept_on_change(session):  # a store without 0012's triggers archives them now
                    _archive_photos(session, {hashes[name]: data for name, data in archive.items()})
                batch_id = batch.id
                insert_rows(session.connection(), _ITEMS, _ITEM_COLUMNS, [
                    (batch_id, item.applicant_id, item.version, _ROW_JSON(row), hashes.get(row["photo"], ""))
                    for item, row in zip(plan.items, rows, strict=True)
                ])
                _mark_synced(session, batch)
                result = BatchResult(plan.number, out, len(rows), len(archive),
                                     [r["application_no"] for r in rows if not r["photo"]], zip_sha)
                batch.summary = result.summary_zh()
                audit.record(session, "export", operator, detail=f"{result.summary_zh()} → {out.name}")
                progress(1, 1, "正在写入文件…")  # a last chance to cancel before the file gets its name
            renamed = True
            progress(1, 1, "正在提交…")
        committed = True
    finally:
        if renamed and not committed:
            out.unlink(missing_ok=True)  # the batch was not recorded: no file may claim to be it
    return result


def export_again(session: Session, number: int, out: Path, operator: str = "",
                 progress: ProgressFn = no_progress) -> BatchResult:
    """Writes batch `number` again from what the store kept; reports any file whose hash differs."""
    batch = session.scalar(select(Batch).where(Batch.kind == "export", Batch.number == number))
    if batch is None:
        raise NotFound(f"没有第 {number} 批导出记录")
    manifest: Manifest = json.loads(batch.manifest)
    items = session.execute(_ITEMS_WITH_PHOTOS, {"batch_id": batch.id}).all()
    rows: list[BatchRow] = [json.loads(i.row) for i in items]
    # A photo gone from both places (never by the app) is left out: `mismatched` names it.
    archive = {r["photo"]: i.data for r, i in zip(rows, items, strict=True) if r["photo"] and i.data is not None}
    out = Path(out).absolute()
    with atomic_output(out, make_parents=True) as part:
        _, zip_sha, written = _write_zip(part, rows, archive, manifest, progress, batch.manifest)
    kept = Path(batch.file_name or "")
    if not kept.is_file() or file_sha256(kept) != batch.file_sha256:
        batch.file_name = _recorded_path(out)  # the batch's file is here now
    recorded = manifest["files"]
    mismatched = sorted(n for n in recorded.keys() | written.keys() if recorded.get(n) != written.get(n))
    audit.record(session, "export", operator, detail=f"重新导出第 {number} 批 → {out.name}")
    return BatchResult(number, out, len(rows), len(archive), list(manifest.get("photos_missing", [])),
                       zip_sha, mismatched)


def _mark_synced(session: Session, batch: Batch) -> None:
    """The batch's applicants are synced at the version it carried: one UPDATE … FROM its items (no version
    bump and the same updated_at: marking the sync is no change of the applicant)."""
    t, item = applicant_table, _ITEMS
    session.execute(update(t).where(t.c.id == item.c.applicant_id, item.c.batch_id == batch.id)
                    .values(synced_batch=batch.number, synced_version=item.c.applicant_version,
                            updated_at=t.c.updated_at))


@dataclass(frozen=True)
class BatchFile:
    """A recorded export batch and whether its zip is where it was written."""

    number: int
    created_at: dt.datetime
    rows: int
    path: str
    state: str  # "ok", "missing" (not there, or not the bytes recorded), "unknown" (recorded by name only)

    @property
    def state_zh(self) -> str:
        return {"ok": "文件完好", "missing": "文件缺失或已改动", "unknown": "未记录位置"}[self.state]


def batch_files(session: Session, *, check_hash: bool = True) -> list[BatchFile]:
    """Every export batch, newest first, with the state of its file (a missing one is written again
    with `export_again`)."""
    rows = session.execute(select(Batch.number, Batch.created_at, Batch.row_count, Batch.file_name,
                                  Batch.file_sha256).where(Batch.kind == "export").order_by(Batch.number.desc()))
    out = []
    for number, created, count, name, sha in rows:
        path = Path(name or "")
        if not path.is_absolute():
            state = "unknown"
        elif not path.is_file() or (check_hash and sha and file_sha256(path) != sha):
            state = "missing"
        else:
            state = "ok"
        out.append(BatchFile(number, created, count, str(path), state))
    return out


def _missing_hint(session: Session) -> str:
    missing = [b for b in batch_files(session) if b.state == "missing"]
    if not missing:
        return ""
    listing = "、".join(f"第 {b.number} 批（{b.path}）" for b in missing[:5])
    return (f"。注意：{listing}的文件不在原处或已改动，请用 confirm-desk export batch OUT.zip --again N "
            "重新写出")


def _recorded_path(out: Path) -> str:
    text = str(out)
    return text if len(text) <= 260 else out.name  # the column holds a Windows path (MAX_PATH)


def batch_numbers(session: Session) -> list[tuple[int, dt.datetime, int]]:
    """Export batches so far: (number, created at, rows), newest first."""
    rows = session.execute(select(Batch.number, Batch.created_at, Batch.row_count)
                           .where(Batch.kind == "export").order_by(Batch.number.desc()))
    return [tuple(r) for r in rows]  # type: ignore[misc]


_PHOTOS = table_of(Photo)


def _rows_in_chunks(session: Session, statement: Select[Any], name: str,
                    values: list[Any]) -> Iterator[Row[*tuple[Any, ...]]]:
    """The rows of `statement` whose expanding IN parameter `name` takes `values`, _CHUNK values a query
    (SQLite's limit on bound parameters)."""
    conn = session.connection()
    for start in range(0, len(values), _CHUNK):
        yield from conn.execute(statement, {name: values[start:start + _CHUNK]}).all()  # fetchall, not row by row


def _current_photos(session: Session, ids: list[int]) -> dict[int, bytes]:
    """The normalised photos of `ids` (the plan's applicants), read in one pass: those of the applicants a plan
    may carry (rows.candidates, in SQL), kept when planned."""
    conn = session.connection()
    name = conn.dialect.name
    if name not in _PLANNED_PHOTOS:
        candidate = select(applicant_table.c.id).where(*candidates())
        statement = select(_PHOTOS.c.applicant_id, _PHOTOS.c.normalized).where(
            _PHOTOS.c.normalized.is_not(None), _PHOTOS.c.applicant_id.in_(candidate))
        if name == "postgresql":  # read committed: a photo changed by another seat waits for this batch
            statement = statement.with_for_update(read=True)
        _PLANNED_PHOTOS[name] = str(statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    wanted = set(ids)
    return {applicant_id: data for applicant_id, data in driver_rows(conn, _PLANNED_PHOTOS[name])
            if applicant_id in wanted}


_PLANNED_PHOTOS: dict[str, str] = {}


def _photo_names(plan: BatchPlan, photos: dict[int, bytes]) -> dict[int, str]:
    """`photos/<证件号码>.jpg`; the rare second applicant with the same number adds the 报名号."""
    names: dict[int, str] = {}
    used: set[str] = set()
    for item in plan.items:
        if item.applicant_id not in photos:
            continue
        # An ID number is free text for passports: never a path inside the zip (`../../x` → `x`).
        stem = safe_stem(item.row["id_number"])
        name = f"{PHOTO_DIR}{stem}.jpg"
        if name in used:
            name = _suffixed(stem, safe_stem(item.row["application_no"]))
        n = 2
        while name in used:
            name, n = _suffixed(stem, str(n)), n + 1
        used.add(name)
        names[item.applicant_id] = name
    return names


def _suffixed(stem: str, suffix: str) -> str:
    """`photos/<stem>_<suffix>.jpg`, the stem shortened so the name stays within MAX_STEM: a name the writer
    would shorten (`_member`) could meet another applicant's and write one zip member twice."""
    return f"{PHOTO_DIR}{safe_stem(stem[:max(0, MAX_STEM - len(suffix) - 1)] + '_' + suffix)}.jpg"


def _manifest(plan: BatchPlan, rows: list[BatchRow], at: dt.datetime, operator: str) -> Manifest:
    local = at.replace(tzinfo=dt.UTC).astimezone().replace(microsecond=0)
    return {
        "batch": plan.number,
        "confirmation_point": plan.confirmation_point,
        "created": local.isoformat(),
        "operator": operator,
        "rows": len(rows),
        "app_version": __version__,
        "files": {},  # filled as the zip is written
        "photos_missing": [r["application_no"] for r in rows if not r["photo"]],
    }


def _results_bytes(rows: list[BatchRow], manifest: Manifest) -> bytes:
    from openpyxl import Workbook

    headers, cells = sheet_rows(rows, changed_fields(rows))
    book = Workbook(write_only=True)
    sheet = book.create_sheet(f"第{manifest['batch']}批确认结果")
    sheet.append(headers)
    for row in safe_rows(cells):
        # Every cell is text (ID numbers never become 3.3E+17), escaped and cleaned like every other writer's.
        sheet.append(row)
    return workbook_bytes(book, _created(manifest).replace(tzinfo=None))


def _created(manifest: Manifest) -> dt.datetime:
    return dt.datetime.fromisoformat(manifest["created"])


def _write_zip(path: Path, rows: list[BatchRow], archive: dict[str, bytes], manifest: Manifest,
               progress: ProgressFn, manifest_text: str | None = None) -> tuple[str, str, dict[str, str]]:
    """Writes the zip (results, photos, manifest last); returns the manifest text, the zip's SHA-256
    and each file's SHA-256. A new batch's manifest gets the hashes; a re-export writes the kept text."""
    moment = zip_moment(_created(manifest))
    results = _results_bytes(rows, manifest)
    files = {RESULTS: _sha(results)}
    path.parent.mkdir(parents=True, exist_ok=True)
    with _ZipSink(path) as sink, zipfile.ZipFile(cast(IO[bytes], sink), "w") as bundle:  # seekable, writable
        bundle.writestr(fixed_info(RESULTS, moment, zipfile.ZIP_STORED), results)
        total = len(archive)
        for done, kept in enumerate(sorted(archive), start=1):
            # Batches recorded before names were made safe are written safely too (a new batch's names are:
            # _photo_names makes them with safe_stem, which leaves a safe stem as it is).
            data, name = archive[kept], kept if manifest_text is None else _member(kept)
            _add_stored(bundle, fixed_info(name, moment, zipfile.ZIP_STORED), data)  # JPEG: no gain in deflating
            files[name] = _sha(data)
            if done % 500 == 0:
                progress(done, total, f"正在写入照片 {done}/{total}…")
        if manifest_text is None:
            manifest["files"] = files
            manifest_text = json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
        bundle.writestr(fixed_info(MANIFEST, moment, zipfile.ZIP_DEFLATED), manifest_text.encode())
    return manifest_text, sink.sha256(), files


def _add_stored(bundle: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes) -> None:
    """`bundle.writestr(info, data)` for a stored (not deflated) member, the same bytes without zipfile's
    machinery for a member of unknown size (a write handle, the header written twice and patched): the size
    and CRC are known here, so the header is written once, and the member is entered as zipfile enters it
    (its central directory is zipfile's own). A repeated name or a member needing ZIP64 goes through writestr.
    tests/test_batch_export_same.py compares the bytes with writestr's."""
    if info.filename in bundle.NameToInfo or len(data) * 1.05 > zipfile.ZIP64_LIMIT or bundle.fp is None:
        bundle.writestr(info, data)
        return
    info.file_size = info.compress_size = len(data)
    info.CRC = zlib.crc32(data)
    info.flag_bits = 0
    fp = bundle.fp
    info.header_offset = fp.seek(bundle.start_dir)
    header = info.FileHeader(False)
    fp.write(header)
    fp.write(data)
    bundle.start_dir = info.header_offset + len(header) + len(data)
    bundle.filelist.append(info)
    bundle.NameToInfo[info.filename] = info


class _ZipSink:
    """The zip's file as zipfile sees it (seekable), reaching the disk in large blocks and hashed on the way.

    zipfile writes a member's header and data, then seeks back to patch the header and returns to the end; on
    an ordinary buffered file every seek flushes, so 20,000 photos cost 40,000 small writes. Here the bytes
    since the last block stay in memory, the patch lands in them, and a block goes to the file (and into the
    SHA-256) once the writer is back at the end. The bytes are the same as on an ordinary file. A write before
    the block (zipfile makes none) goes to the file directly, and the hash is then read back from the file.

    While the writer is at the end (nearly always: a photo's header and data, the central directory's 80,000
    pieces) `write` is the pending block's own `extend`, with no Python call in between."""

    BLOCK = 1 << 20
    write: Callable[[Any], object]  # zipfile never uses what write returns

    def __init__(self, path: Path) -> None:
        self._path = path
        self._file = path.open("wb")
        self._hash: Any = hashlib.sha256()  # None once a write went before the pending block
        self._pending = bytearray()  # the bytes from the file offset _start on (one object: `write` is its extend)
        self._start = 0
        self._pos: int | None = None  # where a write lands when that is not the end (None: at the end)
        self.write = self._pending.extend

    def __enter__(self) -> _ZipSink:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is None:
            self.close()
        else:
            self._file.close()  # atomic_output removes the partial file

    def _patch(self, data: bytes) -> int:
        """A write anywhere but the end."""
        assert self._pos is not None
        size = len(data)
        offset = self._pos - self._start
        if offset < 0:  # before the pending block: straight to the file
            head = min(size, -offset)
            self._file.seek(self._pos)
            self._file.write(data[:head])
            self._hash = None
            data, offset = data[head:], 0
        if offset > len(self._pending):  # past the end: the gap reads as zeros, as in a file
            self._pending.extend(bytes(offset - len(self._pending)))
        self._pending[offset:offset + len(data)] = data
        self.seek(self._pos + size)
        return size

    def tell(self) -> int:
        return self._start + len(self._pending) if self._pos is None else self._pos

    def seek(self, pos: int, whence: int = 0) -> int:
        end = self._start + len(self._pending)
        pos = pos if whence == 0 else self.tell() + pos if whence == 1 else end + pos
        if pos == end:
            self._pos, self.write = None, self._pending.extend
            if len(self._pending) >= self.BLOCK:
                self._drain()
        else:
            self._pos, self.write = pos, self._patch
        return pos

    def seekable(self) -> bool:
        return True

    def flush(self) -> None:
        self._drain()
        self._file.flush()

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self._file.close()

    def sha256(self) -> str:
        """The SHA-256 of what was written (after the `with` block)."""
        return self._hash.hexdigest() if self._hash is not None else file_sha256(self._path)

    def _drain(self) -> None:
        if self._pending:
            self._file.seek(self._start)
            self._file.write(self._pending)
            if self._hash is not None:
                self._hash.update(self._pending)
            self._start += len(self._pending)
            del self._pending[:]  # the same object: `write` stays its extend


def _member(name: str) -> str:
    stem = name.removeprefix(PHOTO_DIR).removesuffix(".jpg")
    return name if name == f"{PHOTO_DIR}{stem}.jpg" and safe_stem(stem) == stem else f"{PHOTO_DIR}{safe_stem(stem)}.jpg"


_ARCHIVE = table_of(BatchPhoto)
_ITEMS = table_of(BatchItem)
# A batch's items with their photos' bytes (one statement, one snapshot): archived by hash, else the applicant's
# current photo (by migration 0012's invariant the same bytes; a re-export checks their hash against the manifest).
_ITEMS_WITH_PHOTOS = (
    select(_ITEMS.c.row, func.coalesce(_ARCHIVE.c.data, _PHOTOS.c.normalized).label("data"))
    .select_from(_ITEMS.outerjoin(_ARCHIVE, _ARCHIVE.c.sha256 == _ITEMS.c.photo_sha256)
                 .outerjoin(_PHOTOS, and_(_PHOTOS.c.applicant_id == _ITEMS.c.applicant_id, _ARCHIVE.c.sha256.is_(None),
                                          _ITEMS.c.photo_sha256 != "")))
    .where(_ITEMS.c.batch_id == bindparam("batch_id")).order_by(_ITEMS.c.id)
)
_KEEP_TRIGGERS = {  # migration 0012's triggers, as each database lists them: all there, or archive at export
    "sqlite": ("SELECT count(*) = 3 FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'photo' AND name IN "
               "('batch_photo_keep_update', 'batch_photo_keep_delete', 'batch_photo_keep_replace')"),
    "postgresql": ("SELECT count(*) = 1 FROM pg_trigger WHERE tgname = 'batch_photo_keep' "
                   "AND tgrelid = to_regclass('photo') AND tgenabled <> 'D'"),
}
_ITEM_COLUMNS = ("batch_id", "applicant_id", "applicant_version", "row", "photo_sha256")
_IN_SHAS = _ARCHIVE.c.sha256.in_(bindparam("shas", expanding=True))
_ARCHIVED_SHAS = select(_ARCHIVE.c.sha256).where(_IN_SHAS)


def _kept_on_change(session: Session) -> bool:
    """The store archives a batch's photo when it changes or goes (migration 0012's triggers are there)."""
    conn = session.connection()
    sql = _KEEP_TRIGGERS.get(conn.dialect.name)
    return sql is not None and bool(conn.exec_driver_sql(sql).scalar())


def _archived_shas(session: Session, shas: set[str]) -> set[str]:
    """Which of `shas` are archived already (their bytes not read)."""
    return {row[0] for row in _rows_in_chunks(session, _ARCHIVED_SHAS, "shas", sorted(shas))}


def _archive_photos(session: Session, by_sha: dict[str, bytes]) -> None:
    """Keeps each exported photo once by content (a photo in several batches is stored once): the new ones
    are inserted and the known ones skipped by the database itself (ON CONFLICT DO NOTHING) where it can."""
    conn = session.connection()
    rows = sorted(by_sha.items())
    sql = _new_photos_sql(conn.dialect)
    if sql is None:  # another database: look the known ones up first
        known = _archived_shas(session, set(by_sha))
        insert_rows(conn, _ARCHIVE, ("sha256", "data"), [row for row in rows if row[0] not in known])
    elif rows:
        conn.exec_driver_sql(sql, rows if conn.dialect.positional else [{"sha256": s, "data": d} for s, d in rows])


_NEW_PHOTOS: dict[str, str | None] = {}


def _new_photos_sql(dialect: Dialect) -> str | None:
    """INSERT of (sha256, data) that skips a sha256 already archived, compiled once (None: no such INSERT)."""
    if dialect.name not in _NEW_PHOTOS:
        values: dict[str, Any] = {"sha256": bindparam("sha256"), "data": bindparam("data")}
        compiled = None
        if dialect.name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            compiled = sqlite_insert(_ARCHIVE).values(values).on_conflict_do_nothing().compile(dialect=dialect)
        elif dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            compiled = pg_insert(_ARCHIVE).values(values).on_conflict_do_nothing().compile(dialect=dialect)
        assert compiled is None or not compiled.positional or compiled.positiontup == ["sha256", "data"]
        _NEW_PHOTOS[dialect.name] = None if compiled is None else str(compiled)
    return _NEW_PHOTOS[dialect.name]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
