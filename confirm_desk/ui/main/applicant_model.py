"""The applicant list as a lazy table model: ids come from one SQL query, rows are fetched as painted."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from confirm_desk.domain.checks import FINDING_LABELS
from confirm_desk.domain.fields import FIELDS_BY_KEY
from confirm_desk.domain.idnumbers import mask_id
from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants import listing as applicants
from confirm_desk.services.applicants.listing import ListCriteria
from confirm_desk.store.db import Store

ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PAGE = 200  # rows fetched per query as they are painted
CHUNK = 1000  # ids loaded per step as the list scrolls (Qt's canFetchMore/fetchMore)

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


class ApplicantListModel(QAbstractTableModel):
    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(parent)
        self.store = store
        self.criteria = ListCriteria()
        self.mask_ids = True
        self._ids: list[int] = []
        self._last_key: int | None = None
        self._exhausted = True
        self._rows: dict[int, dict[str, object]] = {}
        self.total = 0  # applicants in the store
        self._mark: tuple[int, int] | None = None  # applicants.change_mark() when last refreshed
        self.matching = 0  # applicants matching the criteria (rowCount grows towards it)

    # --- loading -------------------------------------------------------------------------
    def set_criteria(self, criteria: ListCriteria) -> None:
        self.criteria = criteria
        self.refresh(recount_total=False)

    def refresh(self, recount_total: bool = True) -> None:
        """Load the first ids of the list (more come as it scrolls) and the counts."""
        with self.store.session() as session:
            page = applicants.query_page(session, self.criteria, None, CHUNK)
            matching = applicants.count_matching(session, self.criteria)
            if recount_total or not self.total:
                self.total = applicants.count_all(session)
                # A whole-table sum: once per reload, never per keystroke (a criteria change does not change
                # the store; a change by another seat meanwhile shows at the refresher's next look).
                self._mark = applicants.change_mark(session)
        self.beginResetModel()
        self._ids = page
        self._last_key = page[-1] if page else None
        self._exhausted = len(page) < CHUNK
        self._rows, self.matching = {}, matching
        self.endResetModel()

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted:
            return
        with self.store.session() as session:
            page = applicants.query_page(session, self.criteria, self._last_key, CHUNK)
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

    def refresh_changed(self) -> int:
        """Repaints the rows other seats changed since the last look (cheap when nothing changed);
        returns how many. New applicants join the end of the list as it scrolls."""
        with self.store.session() as session:
            mark = applicants.change_mark(session)
            if mark == self._mark:
                return 0
            stored = applicants.versions(session, list(self._rows))
            matching = applicants.count_matching(session, self.criteria)
        self._mark = mark
        changed = [i for i, version in stored.items() if self._rows[i].get("version") != version]
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
        page_ids = [i for i in self._ids[start:start + PAGE] if i not in self._rows]
        with self.store.session() as session:
            self._rows.update(applicants.fetch_rows(session, page_ids))
        return self._rows.get(applicant_id)

    # --- lookups -------------------------------------------------------------------------
    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

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
        if not index.isValid():
            return None
        if role == ROW_ID_ROLE:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
                        Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole):
            return None
        record = self._ensure(index.row())
        if record is None:
            return None
        key = COLUMN_KEYS[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            return STATUS_COLOURS.get(Status(str(record["status"]))) if key == "status" else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return FLAGGED_BACKGROUND if record["flags"] and key == "flags" else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return _flags_tooltip(str(record["flags"])) if key == "flags" else None
        return self._display(record, key)

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
