"""The one read-only table model over plain rows: every report, list of results and review table (the
applicant list, which fetches as it scrolls, has its own model)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the applicant id of a row (None when there is none)
_ALERT = QColor("#b00020")  # painted as a brush (QVariant converts); no QBrush type to load


class RowsModel(QAbstractTableModel):
    """`RowsModel(headers)`; `set_rows(rows, ids, alerts)` replaces the content: cells shown as text (None as
    empty), an applicant id per row behind ID_ROLE, alert rows drawn in red. `cell(row, column)` reads back."""

    def __init__(self, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = tuple(headers)
        self.rows: list[tuple[str, ...]] = []
        self.ids: list[int | None] = []
        self.alerts: set[int] = set()  # rows drawn in red (overdue, reprint)

    def set_rows(self, rows: Sequence[Sequence[object]], ids: Sequence[int | None] | None = None,
                 alerts: Sequence[int] = ()) -> None:
        self.beginResetModel()
        self.rows = [tuple("" if v is None else str(v) for v in r) for r in rows]
        self.ids = list(ids) if ids is not None else [None] * len(self.rows)
        self.alerts = set(alerts)
        self.endResetModel()

    def cell(self, row: int, column: int) -> str:
        return self.rows[row][column]

    def id_at(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.rows[index.row()][index.column()]
        if role == ID_ROLE:
            return self.id_at(index.row())
        if role == Qt.ItemDataRole.ForegroundRole and index.row() in self.alerts:
            return _ALERT
        return None


def report_table(model: RowsModel) -> QTableView:
    """A read-only, row-selecting view for a RowsModel."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    return view
