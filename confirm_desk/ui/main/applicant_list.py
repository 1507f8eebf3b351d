"""The list part of the main window: the query bar, the applicant table, its count and the scanner look-up."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.criteria import ListCriteria
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.main import applicant_model
from confirm_desk.ui.main.applicant_model import (
    COL_FLAGS,
    COL_POINT,
    COL_SCHOOL,
    COL_STATUS,
    ApplicantListModel,
    ops,
)
from confirm_desk.ui.main.list_refresh import ListRefresher
from confirm_desk.ui.main.query_bar import QueryBar
from confirm_desk.ui.widgets.flat_scroll_bars import flatten_scroll_bars

if TYPE_CHECKING:
    from confirm_desk.ui.ops import Store
    from confirm_desk.ui.ops.applicants import Choices
    from confirm_desk.ui.ops.first_screen import FirstScreen

log = logging.getLogger(__name__)


class ApplicantListPanel(QWidget):
    """`ApplicantListPanel(store, runner)`: asks for an applicant with `open_requested(id)`, says things for
    the status bar with `message(text, ms)`, and `reloaded()` after each full reload (the dashboard follows).
    `count_label` belongs in the window's status bar. With `first_screen` (ui/ops/first_screen.py) the list
    shows it at once and reads the rest (choices, counts) on `finish_start()`, once it is painted."""

    open_requested = Signal(int)
    message = Signal(str, int)
    reloaded = Signal()

    def __init__(self, store: Store, runner: JobRunner, parent: QWidget | None = None, margin: int = 0,
                 first_screen: FirstScreen | None = None) -> None:
        super().__init__(parent)
        self.store, self.runner = store, runner
        self.model = ApplicantListModel(store, self, runner=runner)
        self.model.loaded.connect(self._loaded)
        self.model.counted.connect(self._update_count)  # the full count follows the first rows
        self._select_after_load: int | None = None
        self._sized = False
        self._indexed_total = 0  # applicants in the store when the search index last caught up
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().hide()
        # Always there: a scroll bar that comes and goes as a search finds more or fewer rows than fit resizes the
        # list, which lays it out and paints it two more times.
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        flatten_scroll_bars(self.table)  # Fusion's own bar costs ≈3 ms each time a search moves its handle
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._open_index)
        # Said over an empty list: why it is empty and what to do (an empty grid alone reads as a broken program).
        self.empty_hint = QLabel()
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty_hint.hide()
        hint_layout = QVBoxLayout(self.table.viewport())
        hint_layout.addWidget(self.empty_hint, 0, Qt.AlignmentFlag.AlignCenter)
        self.table.horizontalHeader().setResizeContentsPrecision(50)  # size columns from the first rows only
        self.model.rows_shown = self._rows_shown  # a refresh reads the rows of one screen with the ids

        self.query = QueryBar()
        self.query.criteria_changed.connect(self.apply_criteria)
        self.query.scanned.connect(self.open_by_code)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(margin, margin, margin, margin)
        layout.addWidget(self.query)
        layout.addWidget(self.table, 1)
        self.count_label = QLabel()
        self.refresher = ListRefresher(self.model, self)  # shows other seats' work (see README, seats)
        self.refresher.refreshed.connect(lambda _n: self._update_count())
        if first_screen is not None:
            self.model.prefill(first_screen)

    def finish_start(self) -> None:
        """After a first screen: the query bar's choices, the change mark (and what changed meanwhile), then
        `reloaded` (the dashboard follows) — all from the store, which the first of them opens."""
        store = self.store

        def arrived(choices: Choices) -> None:
            self.query.set_choices(choices.schools, choices.points)
            self.model.refresh_changed(lambda _n: self._update_count())
            self.reloaded.emit()

        self.runner.fetch(lambda: ops().choices(store), arrived)

    def _rows_shown(self) -> int:
        if not self.table.isVisible():
            return applicant_model.FIRST_ROWS
        return self.table.viewport().height() // self.table.verticalHeader().defaultSectionSize() + 1

    # --- loading -----------------------------------------------------------------------------
    def reload(self) -> None:
        """The query bar's choices, then the list for its criteria (both through the runner)."""
        store = self.store
        self.runner.fetch(lambda: ops().choices(store), self._reload_list)

    def _reload_list(self, choices: Choices) -> None:
        self.query.set_choices(choices.schools, choices.points)
        self.model.criteria = self.query.criteria()
        self.model.refresh()  # the count follows when it is loaded
        self.reloaded.emit()

    def refresh(self) -> None:
        """The same criteria, read again (after prints, photo work)."""
        self.model.refresh()

    def apply_criteria(self, criteria: ListCriteria) -> None:
        self.model.set_criteria(criteria)  # the count follows when it is loaded

    def _loaded(self) -> None:
        # Lay the new rows out now (scroll range, header): left to the first paint, that paint changes the scroll
        # range and the whole list is painted a second time.
        self.table.doItemsLayout()
        if not self._sized:
            self.size_columns()
            # An empty list (a new store) has only its headers to size by: it is sized again when its first rows
            # come (the first import), or every column stays as narrow as its header and the last takes the rest.
            self._sized = self.model.rowCount() > 0
            # The ids come first and the cells of a page arrive later (off the GUI thread): size again once the
            # first rows' values are in, or every column is as narrow as its "…" placeholder (a first screen
            # brings its rows along: sized once).
            if self._sized and not self.model.has_row(0):
                self.model.dataChanged.connect(self._size_with_values)
        self._update_count()
        # New applicants (an import): into the search index, off the GUI thread; not while the store is still to be
        # opened (the cold start's first screen: it opens after that paint, the next load catches up).
        if self.model.total != self._indexed_total and getattr(self.store, "is_open", True):
            self._indexed_total = self.model.total
            self._index_new()
        if self._select_after_load is not None:
            applicant_id, self._select_after_load = self._select_after_load, None
            self.select_id(applicant_id)

    def _index_new(self) -> None:
        store = self.store

        def failed(err: BaseException) -> None:  # the search still finds them, only slower: say nothing
            log.warning("the search index could not catch up", exc_info=err)

        self.runner.fetch(lambda: ops().index_new(store), lambda _added: None, failed)

    def _size_with_values(self) -> None:
        self.model.dataChanged.disconnect(self._size_with_values)
        self.size_columns()

    def size_columns(self) -> None:
        """Columns sized from the first rows, then: the status column always shows the longest decision
        (申请材料不全), and long school / point names are cut so the status column is on a 1366 px screen."""
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        longest = max(metrics.horizontalAdvance(s.label) for s in Status)
        header.resizeSection(COL_STATUS, max(header.sectionSize(COL_STATUS), longest + 24))
        for column, most in ((COL_SCHOOL, 12), (COL_POINT, 8), (COL_FLAGS, 10)):
            cap = metrics.horizontalAdvance("中" * most) + 16
            if header.sectionSize(column) > cap:
                header.resizeSection(column, cap)

    def _update_count(self) -> None:
        shown = f"{self.model.matching}+" if self.model.count_pending else str(self.model.matching)
        self.count_label.setText(f"显示 {shown} / 共 {self.model.total} 人")
        self._update_empty_hint()

    def _update_empty_hint(self) -> None:
        if self.model.rowCount() or self.model.count_pending:
            self.empty_hint.hide()
            return
        if not self.model.total:
            text = "还没有申请人。\n请先导入网报数据：文件 → 导入申请人…（Ctrl+I）"
        else:
            text = f"没有符合查询条件的申请人（共 {self.model.total} 人）。\n请修改查询条件，或点“列出全部”。"
        self.empty_hint.setText(text)
        self.empty_hint.show()

    def show_full_ids(self, checked: bool) -> None:
        self.model.mask_ids = not checked
        self.model.layoutChanged.emit()

    # --- selection -----------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [i for i in (self.model.id_at(r) for r in rows) if i is not None]

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def select_id(self, applicant_id: int) -> bool:
        row = self.model.row_of(applicant_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    # --- opening -------------------------------------------------------------------------------
    def open_by_code(self, code: str) -> None:
        """Scanner input: an exact 报名号 or ID number jumps to the applicant and opens it."""
        store = self.store
        self.runner.fetch(lambda: ops().find_exact(store, code), lambda found: self._open_found(code, found))

    def _open_found(self, code: str, applicant_id: int | None) -> None:
        if applicant_id is None:
            if self.model.rowCount() == 1:
                applicant_id = self.model.id_at(0)
            else:
                self.message.emit(f"没有报名号或证件号码为“{code}”的申请人，已按关键字筛选", 5000)
                return
        if applicant_id is None:
            return
        if not self.select_id(applicant_id):
            self._select_after_load = applicant_id  # selected once the whole list is back
            self.query.clear()
        self.open_requested.emit(applicant_id)

    def _open_index(self, index: QModelIndex) -> None:
        applicant_id = self.model.id_at(index.row())
        if applicant_id is not None:
            self.open_requested.emit(applicant_id)

    def open_current(self) -> None:
        applicant_id = self.current_id()
        if applicant_id is not None:
            self.open_requested.emit(applicant_id)
