"""The applicant list as a lazy table model: ids come from one SQL query, rows are fetched as painted."""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor

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
CHUNK = 1000  # ids loaded per step as the list scrolls (Qt's canFetchMore/fetchMore)
COUNT_FALLBACK_MS = 100  # the full count without a page of rows asked meanwhile (no view painting the list)

COL_APPLICATION_NO, COL_NAME, COL_GENDER, COL_ID_NUMBER, COL_SCHOOL, COL_STAGE, COL_POINT, \
    COL_STATUS, COL_PHOTO, COL_FLAGS, COL_SYNC = range(11)
COLUMN_KEYS = ("application_no", "name", "gender", "id_number", "school", "teaching_stage",
               "confirmation_point", "status", "photo_state", "flags", "sync")
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
FLAGGED_BACKGROUND = QBrush(QColor("#fdecea"))
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
        self.criteria = ListCriteria()
        self.mask_ids = True
        self._ids: list[int] = []
        self._last_key: int | None = None
        self._exhausted = True
        self._rows: dict[int, dict[str, object]] = {}
        self.total = 0  # applicants in the store
        self._mark: tuple[int, int] | None = None  # applicants.change_mark() when last refreshed
        self.matching = 0  # applicants matching the criteria (rowCount grows towards it)
        self.count_pending = False  # `matching` is only the ids loaded so far: the full count is on its way
        self._count_asked = True  # the full count of this generation was asked for (or is not needed)

    # --- loading -------------------------------------------------------------------------
    def set_criteria(self, criteria: ListCriteria) -> None:
        self.criteria = criteria
        self.refresh(recount_total=False)

    def refresh(self, recount_total: bool = True) -> None:
        """Load the first ids of the list (more come as it scrolls) and the counts; `loaded` follows."""
        store, criteria, with_total = self.store, self.criteria, recount_total or not self.total
        self.runner.fetch(lambda: ops().first_page(store, criteria, CHUNK, with_total, with_count=False),
                          self._reset)

    def prefill(self, first: FirstScreen) -> None:
        """The unfiltered list's first screen read before the store was opened (ui/ops/first_screen.py): ids,
        the first page of rows and the total; `loaded` follows. Once the store is open, `refresh_changed()` reads
        the change mark (and repaints what changed meanwhile)."""
        self.criteria = ListCriteria()
        self._reset_to(first.ids, first.total, first.total, None, first.rows)

    def _reset(self, first: ops_module.FirstPage) -> None:
        self._reset_to(first.ids, first.matching, first.total, first.mark, {})

    def _reset_to(self, ids: list[int], matching: int | None, total: int | None, mark: tuple[int, int] | None,
                  rows: dict[int, dict[str, object]]) -> None:
        self.beginResetModel()
        self._generation += 1
        self._ids = list(ids)
        self._last_key = ids[-1] if ids else None
        self._exhausted = len(ids) < CHUNK
        self._fetching = False
        self._pages_asked.clear()
        self._rows = dict(rows)
        self.count_pending = matching is None
        self._count_asked = not self.count_pending
        self.matching = len(ids) if matching is None else matching
        if total is not None:
            self.total = total
        if mark is not None:
            self._mark = mark
        self.endResetModel()
        self.loaded.emit()
        if self.count_pending:  # after the first page of rows (see _ensure); a hidden view asks for none
            generation = self._generation
            QTimer.singleShot(COUNT_FALLBACK_MS, self,
                              lambda: None if self._pages_asked else self._ask_count(generation))

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

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ANSWERED or not index.isValid():
            return None
        if role == _ROW_ID:
            return self._ids[index.row()]
        record = self._ensure(index.row())
        if record is None:
            return None
        key = COLUMN_KEYS[index.column()]
        if role == _DISPLAY:
            return self._display(record, key)
        if role == _FOREGROUND:
            return STATUS_COLOURS.get(Status(str(record["status"]))) if key == "status" else None
        if role == _BACKGROUND:
            return FLAGGED_BACKGROUND if record["flags"] and key == "flags" else None
        return _flags_tooltip(str(record["flags"])) if key == "flags" else None

    def _display(self, record: dict[str, object], key: str) -> str:
        value = record.get(key) or ""
        if key == "status":
            text = Status(str(value)).label
            return text + ("（需重打申请表）" if record.get("reprint_needed") else "")
        if key == "photo_state":
            return PHOTO_LABELS.get(str(value), str(value))
        if key == "flags":
            codes = [c for c in str(value).split(",") if c]
            return ("⚠ " + "；".join(FINDING_LABELS.get(c, "其他自动检查问题") for c in codes)) if codes else ""
        if key == "id_number" and self.mask_ids:
            return mask_id(str(value))
        return str(value)


def _flags_tooltip(flags: str) -> str:
    return "\n".join(FINDING_LABELS.get(c, "其他自动检查问题") for c in flags.split(",") if c)
