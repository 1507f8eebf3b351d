"""The applicant list as a lazy table model: ids come from one SQL query, rows are fetched as painted."""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor

from confirm_desk.domain.fields import FIELDS_BY_KEY
from confirm_desk.domain.finding_labels import FINDING_LABELS
from confirm_desk.domain.idnumbers import mask_id
from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.criteria import ListCriteria
from confirm_desk.ui.jobs import JobRunner

if TYPE_CHECKING:
    from confirm_desk.ui.ops import Store
    from confirm_desk.ui.ops import applicants as ops_module
    from confirm_desk.ui.ops.first_screen import FirstScreen

log = logging.getLogger(__name__)
ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PAGE = 200  # rows fetched per query as they are painted
FIRST_CHUNK = 50  # ids a refresh loads when more match than an index seek returns whole (see listing.first_ids)
CHUNK = 1000  # ids loaded per step as the list scrolls (Qt's canFetchMore/fetchMore)
FIRST_ROWS = 40  # rows read with the first ids when no view says how many it shows
COUNT_FALLBACK_MS = 100  # the full count without a page of rows asked meanwhile (no view painting the list)

COL_APPLICATION_NO, COL_NAME, COL_GENDER, COL_ID_NUMBER, COL_SCHOOL, COL_STAGE, COL_POINT, \
    COL_STATUS, COL_PHOTO, COL_FLAGS, COL_SYNC = range(11)
COLUMN_KEYS = ("application_no", "name", "gender", "id_number", "school", "teaching_stage",
               "confirmation_point", "status", "photo_state", "flags", "sync")
_COLOURS = len(COLUMN_KEYS)  # in a row's cells: the status colour, then the flags background
HEADERS = tuple(
    FIELDS_BY_KEY[k].label if k in FIELDS_BY_KEY
    else {"status": "确认状态", "photo_state": "照片", "flags": "提示", "sync": "上报"}[k]
    for k in COLUMN_KEYS
)
PHOTO_LABELS = {"none": "无照片", "original": "未处理", "normalized": "已规范"}
STATUS_COLOURS = {
    Status.DRAFT: QColor("#8a8a8a"),
    Status.CONFIRMED: QColor("#1b7f3b"),
    Status.REJECTED: QColor("#b3261e"),
    Status.INCOMPLETE: QColor("#b26a00"),
}
# A colour, not a QBrush: the view paints it as one (QVariant converts), and the first paint then does without
# QBrush's Python type, whose first use builds its and QGradient's and QImage's enums.
FLAGGED_BACKGROUND = QColor("#fdecea")
# The roles a cell answers, as plain ints: a view asks each cell for about eight roles (sizing the columns asks
# 50 rows × 11 columns of them before the first paint), so the others must be turned away cheaply.
_DISPLAY, _FOREGROUND, _BACKGROUND, _TOOLTIP, _ROW_ID = (
    int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole,
                     Qt.ItemDataRole.ToolTipRole, ROW_ID_ROLE))
_ANSWERED = frozenset((_DISPLAY, _FOREGROUND, _BACKGROUND, _TOOLTIP, _ROW_ID))


def ops() -> ModuleType:
    """ui/ops/applicants, imported by the jobs that use it (off the GUI thread: it loads SQLAlchemy, which the
    first screen of rows does without)."""
    from confirm_desk.ui.ops import applicants

    return applicants


class ApplicantListModel(QAbstractTableModel):
    """Everything it shows comes through `ui/ops/applicants.py` on the runner: ids on `refresh()` (then
    `loaded` is emitted), more ids as the view scrolls, rows a page at a time as they are painted (an empty cell
    until the page arrives). When more than the first ids match, the full count is asked only after the first
    page of rows is in (`count_pending` meanwhile, `matching` = the ids loaded), then `counted` is emitted;
    a count for older criteria is dropped."""

    loaded = Signal()  # a refresh's ids (and the counts known without a full count) are in
    counted = Signal()  # the full count of the latest criteria is in

    def __init__(self, store: Store, parent: Any = None, runner: JobRunner | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.runner = runner or JobRunner(None)
        self._fetching = False  # more ids are on their way
        self._pages_asked: set[int] = set()  # first rows of pages on their way
        self._generation = 0  # bumped by each reset: late answers for an older list are dropped
        self._asked = 0  # refreshes asked: the answer to an older one is not shown
        self.criteria = ListCriteria()
        self._mask_ids = True
        self._ids: list[int] = []
        self._last_key: int | None = None
        self._exhausted = True
        self._rows: dict[int, dict[str, object]] = {}
        self.total = 0  # applicants in the store
        self._mark: tuple[int, int] | None = None  # applicants.change_mark() when last refreshed
        self.matching = 0  # applicants matching the criteria (rowCount grows towards it)
        self.count_pending = False  # `matching` is only the ids loaded so far: the full count is on its way
        self._count_asked = True  # the full count of this generation was asked for (or is not needed)
        self._count_due = False  # the full count is asked at the next paint of a row
        self._cells: dict[int, tuple[str, ...]] = {}  # the display texts of cached rows, made when first painted
        self.rows_shown: Callable[[], int] | None = None  # how many rows the view shows (rows read with the ids)

    @property
    def mask_ids(self) -> bool:
        return self._mask_ids

    @mask_ids.setter
    def mask_ids(self, masked: bool) -> None:
        self._mask_ids = masked
        self._cells.clear()

    # --- loading -------------------------------------------------------------------------
    def set_criteria(self, criteria: ListCriteria) -> None:
        self.criteria = criteria
        self.refresh(recount_total=False)

    def refresh(self, recount_total: bool = True) -> None:
        """Load the first ids of the list (more come as it scrolls) and the counts; `loaded` follows."""
        store, criteria, with_total = self.store, self.criteria, recount_total or not self.total
        shown = max(self.rows_shown(), 1) if self.rows_shown is not None else FIRST_ROWS
        # A scan reads until it has `chunk` matches: the whole list costs nothing, a rare condition a lot.
        chunk = CHUNK if criteria == ListCriteria() else max(FIRST_CHUNK, shown)
        # A keystroke in the search box on this PC's open store: read here and now when the read is bounded (an
        # index seek, a few hundred rows checked by id, or a scan that a single condition keeps short: a thread
        # round trip would cost more); else (a scan for several conditions, more rows to check), a reload's
        # counts, a store not yet open or a database server: off the GUI thread.
        inline = store.is_sqlite and getattr(store, "is_open", True) and not with_total
        self._asked += 1
        asked = self._asked

        def work() -> ops_module.FirstPage | None:
            if asked != self._asked and not with_total:
                return None  # typed over before it started: not read at all
            return ops().first_page(store, criteria, chunk, with_total, with_count=False, with_rows=shown)

        def done(first: ops_module.FirstPage | None) -> None:
            if first is None:
                return
            if asked != self._asked:  # a newer refresh is on its way: keep only what it does not read again
                self._keep_counts(first.total, first.mark)
                return
            self._reset_to(first.ids, first.matching, first.total, first.mark, first.rows,
                           first.complete or len(first.ids) < chunk)

        def bounded() -> ops_module.FirstPage | None:
            return ops().first_page(store, criteria, chunk, False, with_count=False, with_rows=shown, bounded=True)

        def done_here(first: ops_module.FirstPage | None) -> None:
            if first is None:  # more to read than a keystroke should wait for here
                self.runner.fetch(work, done)
            else:
                done(first)

        if inline:
            self.runner.fetch(bounded, done_here, inline=True)
        else:
            self.runner.fetch(work, done)

    def _keep_counts(self, total: int | None, mark: tuple[int, int] | None) -> None:
        if total is not None:
            self.total = total
        if mark is not None:
            self._mark = mark

    def prefill(self, first: FirstScreen) -> None:
        """The unfiltered list's first screen read before the store was opened (ui/ops/first_screen.py): ids,
        the first page of rows and the total; `loaded` follows. Once the store is open, `refresh_changed()` reads
        the change mark (and repaints what changed meanwhile)."""
        self.criteria = ListCriteria()
        self._reset_to(first.ids, first.total, first.total, None, first.rows, len(first.ids) < CHUNK)

    def _reset_to(self, ids: list[int], matching: int | None, total: int | None, mark: tuple[int, int] | None,
                  rows: dict[int, dict[str, object]], exhausted: bool) -> None:
        self.beginResetModel()
        self._generation += 1
        self._ids = list(ids)
        self._last_key = ids[-1] if ids else None
        self._exhausted = exhausted
        self._fetching = False
        self._pages_asked.clear()
        self._rows = dict(rows)  # the first screen's rows came with the ids: painted at once
        self._cells = {}
        self.count_pending = matching is None
        self._count_asked = not self.count_pending
        self._count_due = self.count_pending  # asked by the first paint of a row (see data())
        self.matching = len(ids) if matching is None else matching
        self._keep_counts(total, mark)
        self.endResetModel()
        self.loaded.emit()
        if self.count_pending:  # after the first rows are painted (see data()); a hidden view paints none
            generation = self._generation
            QTimer.singleShot(COUNT_FALLBACK_MS, self,
                              lambda: None if self._pages_asked else self._ask_count(generation))

    def _count_after_paint(self) -> None:
        """The view is painting the first rows: the full count is asked once that paint is done."""
        self._count_due = False
        generation = self._generation
        QTimer.singleShot(0, self, lambda: self._ask_count(generation))

    def _ask_count(self, generation: int) -> None:
        if generation != self._generation or self._count_asked:
            return
        self._count_asked = True
        store, criteria = self.store, self.criteria

        def arrived(matching: int) -> None:
            if generation != self._generation:
                return  # a newer list (criteria) is shown: its own count follows
            self.matching, self.count_pending = matching, False
            self.counted.emit()

        def failed(err: BaseException) -> None:
            log.warning("the applicant list could not be counted", exc_info=err)

        self.runner.fetch(lambda: ops().count_matching(store, criteria), arrived, failed)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted and not self._fetching

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted or self._fetching:
            return
        store, criteria, after, generation = self.store, self.criteria, self._last_key, self._generation
        self._fetching = True
        self.runner.fetch(lambda: ops().next_page(store, criteria, after, CHUNK),
                          lambda page: self._append(page, generation))

    def _append(self, page: list[int], generation: int) -> None:
        if generation != self._generation:
            return  # the list was reset meanwhile
        self._fetching = False
        self._exhausted = len(page) < CHUNK
        if not page:
            return
        start = len(self._ids)
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self._ids.extend(page)
        self._last_key = page[-1]
        self.endInsertRows()

    def invalidate(self, applicant_id: int) -> None:
        """One applicant changed elsewhere: drop its cached row and repaint it."""
        self._rows.pop(applicant_id, None)
        self._cells.pop(applicant_id, None)
        row = self.row_of(applicant_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def refresh_changed(self, on_done: Callable[[int], None] | None = None,
                        on_error: Callable[[BaseException], None] | None = None) -> None:
        """Repaints the rows other seats changed since the last look (cheap when nothing changed), then
        `on_done(how_many)`. New applicants join the end of the list as it scrolls."""
        store, mark, cached, criteria = self.store, self._mark, list(self._rows), self.criteria

        def done(changes: ops_module.Changes) -> None:
            count = self._apply_changes(changes)
            if on_done is not None:
                on_done(count)

        self.runner.fetch(lambda: ops().changes_since(store, mark, cached, criteria), done, on_error)

    def _apply_changes(self, changes: ops_module.Changes) -> int:
        if changes.versions is None:
            return 0
        mark, stored, matching = changes.mark, changes.versions, changes.matching
        self._mark = mark
        changed = [i for i, version in stored.items()
                   if i in self._rows and self._rows[i].get("version") != version]
        for applicant_id in changed:
            self.invalidate(applicant_id)
        if mark[0] != self.total:
            self.total, self.matching = mark[0], matching
            self._exhausted = False  # ids past the last one loaded come with the next fetchMore
        return len(changed)

    def _ensure(self, row: int) -> dict[str, object] | None:
        applicant_id = self._ids[row]
        cached = self._rows.get(applicant_id)
        if cached is not None:
            return cached
        start = (row // PAGE) * PAGE
        if start in self._pages_asked:
            return None  # on its way
        page_ids = [i for i in self._ids[start:start + PAGE] if i not in self._rows]
        self._pages_asked.add(start)
        store, generation, inside_call = self.store, self._generation, [True]

        def arrived(rows: dict[int, dict[str, object]]) -> None:
            if generation != self._generation:
                return
            self._pages_asked.discard(start)
            self._rows.update(rows)
            if not self._count_asked:  # the first rows are in: the full count follows their repaint
                QTimer.singleShot(0, self, lambda: self._ask_count(generation))
            if not inside_call[0]:  # painted empty meanwhile: paint again
                shown = [r for r in (self.row_of(i) for i in rows) if r is not None]
                if shown:
                    self.dataChanged.emit(self.index(min(shown), 0),
                                          self.index(max(shown), self.columnCount() - 1))

        def failed(_err: BaseException) -> None:  # the next paint asks again
            self._pages_asked.discard(start)
            log.warning("rows of the applicant list could not be read", exc_info=_err)
            if not self._count_asked:
                QTimer.singleShot(0, self, lambda: self._ask_count(generation))

        self.runner.fetch(lambda: ops().rows(store, page_ids), arrived, failed)
        inside_call[0] = False
        return self._rows.get(applicant_id)

    # --- lookups -------------------------------------------------------------------------
    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def has_row(self, row: int) -> bool:
        """The values of `row` are in (not a placeholder waiting for its page)."""
        applicant_id = self.id_at(row)
        return applicant_id is not None and applicant_id in self._rows

    def row_of(self, applicant_id: int) -> int | None:
        try:
            return self._ids.index(applicant_id)
        except ValueError:
            return None

    # --- Qt model API --------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMN_KEYS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        if role not in _ANSWERED:  # most of the roles a view asks for each cell
            return None
        row = index.row()
        if row < 0:  # an invalid index
            return None
        if role == _ROW_ID:
            return self._ids[row]
        column = index.column()
        if role == _TOOLTIP:
            record = self._rows.get(self._ids[row]) if column == COL_FLAGS else None
            return _flags_tooltip(str(record["flags"])) if record is not None else None
        applicant_id = self._ids[row]
        cells = self._cells.get(applicant_id)
        if cells is None:
            record = self._ensure(row)
            if record is None:
                return None  # on its way
            cells = self._cells[applicant_id] = self._cells_of(record)
        if self._count_due:
            self._count_after_paint()
        if role == _DISPLAY:
            return cells[column]
        if role == _FOREGROUND:
            return cells[_COLOURS] if column == COL_STATUS else None
        return cells[_COLOURS + 1] if column == COL_FLAGS else None

    def _cells_of(self, record: dict[str, object]) -> tuple[Any, ...]:
        """What a row shows: the text of each column (`_display`, written out in COLUMN_KEYS order: a screen of
        rows is made on each keystroke), then the status colour and the flags background."""
        get = record.get
        status = Status(str(get("status") or ""))
        id_number, photo = str(get("id_number") or ""), str(get("photo_state") or "")
        flags = str(get("flags") or "")
        return (str(get("application_no") or ""), str(get("name") or ""), str(get("gender") or ""),
                mask_id(id_number) if self._mask_ids else id_number, str(get("school") or ""),
                str(get("teaching_stage") or ""), str(get("confirmation_point") or ""),
                status.label + ("（需重打申请表）" if get("reprint_needed") else ""), PHOTO_LABELS.get(photo, photo),
                _flags_text(flags) if flags else "", str(get("sync") or ""),
                STATUS_COLOURS.get(status), FLAGGED_BACKGROUND if record["flags"] else None)

    def _display(self, record: dict[str, object], key: str) -> str:
        value = record.get(key) or ""
        if key == "status":
            text = Status(str(value)).label
            return text + ("（需重打申请表）" if record.get("reprint_needed") else "")
        if key == "photo_state":
            return PHOTO_LABELS.get(str(value), str(value))
        if key == "flags":
            return _flags_text(str(value))
        if key == "id_number" and self.mask_ids:
            return mask_id(str(value))
        return str(value)


def _flags_text(flags: str) -> str:
    codes = [c for c in flags.split(",") if c]
    return ("⚠ " + "；".join(FINDING_LABELS.get(c, "其他自动检查问题") for c in codes)) if codes else ""


def _flags_tooltip(flags: str) -> str:
    return "\n".join(FINDING_LABELS.get(c, "其他自动检查问题") for c in flags.split(",") if c)
