"""The review grid's model: a row per applicant, thumbnails decoded lazily a page at a time, badges on."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QBuffer,
    QByteArray,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QImageReader, QPainter, QPixmap

from confirm_desk.services.photos.review import ReviewItem

THUMB = QSize(114, 156)  # the normalised photo at 1:1
PAGE = 48  # thumbnails fetched together when one is first painted
ItemRole = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
FILTERS = ("all", "problems", "no_photo")


def thumbnail(data: bytes | None) -> QPixmap | None:
    """Decode straight to thumbnail size (libjpeg scales while decoding), EXIF orientation applied."""
    if not data:
        return None
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (size.width() > THUMB.width() or size.height() > THUMB.height()):
        reader.setScaledSize(size.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return None if image.isNull() else QPixmap.fromImage(image)


def tile(item: ReviewItem, photo: QPixmap | None) -> QPixmap:
    """The photo (or a grey placeholder) with a red frame and red badges when it needs a person."""
    canvas = QPixmap(THUMB)
    canvas.fill(QColor("#eeeeee"))
    painter = QPainter(canvas)
    if photo is not None:
        scaled = photo.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                              Qt.TransformationMode.SmoothTransformation)
        painter.drawPixmap((THUMB.width() - scaled.width()) // 2, (THUMB.height() - scaled.height()) // 2,
                           scaled)
    else:
        painter.setPen(QColor("#777777"))
        text = "无照片" if not item.has_photo else "无法显示"
        painter.drawText(canvas.rect(), Qt.AlignmentFlag.AlignCenter, text)
    font = QFont(painter.font())
    font.setPixelSize(11)
    painter.setFont(font)
    y = 2
    for badge in item.badges[:5]:
        width = painter.fontMetrics().horizontalAdvance(badge) + 8
        colour = QColor("#8a6d00") if badge == "未规范" else QColor("#c62828")
        painter.fillRect(QRect(2, y, width, 15), colour)
        painter.setPen(QColor("white"))
        painter.drawText(QRect(2, y, width, 15), Qt.AlignmentFlag.AlignCenter, badge)
        y += 17
    if item.findings or (item.note and item.state != "normalized"):
        painter.setPen(QColor("#c62828"))
        painter.drawRect(canvas.rect().adjusted(0, 0, -1, -1))
    painter.end()
    return canvas


class PhotoReviewModel(QAbstractListModel):
    def __init__(self, fetch: Callable[[Sequence[int]], dict[int, tuple[bytes, bool]]], parent=None) -> None:
        super().__init__(parent)
        self.fetch = fetch  # applicant ids -> (bytes, normalised?) for a page of thumbnails
        self.items: list[ReviewItem] = []
        self.tiles: dict[int, QPixmap] = {}

    def set_items(self, items: list[ReviewItem]) -> None:
        self.beginResetModel()
        self.items, self.tiles = items, {}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{item.name}\n{item.application_no}"
        if role == Qt.ItemDataRole.DecorationRole:
            return self._tile(index.row())
        if role == Qt.ItemDataRole.ToolTipRole:
            head = f"{item.name}（{item.application_no}）"
            return "\n".join([head, *item.messages]) if item.messages else None
        if role == ItemRole:
            return item
        return None

    def _tile(self, row: int) -> QPixmap:
        item = self.items[row]
        if item.applicant_id not in self.tiles:
            page = [i for i in self.items[row:row + PAGE] if i.applicant_id not in self.tiles]
            photos = self.fetch([i.applicant_id for i in page if i.has_photo])
            for i in page:
                data = photos.get(i.applicant_id)
                self.tiles[i.applicant_id] = tile(i, thumbnail(data[0]) if data else None)
        return self.tiles[item.applicant_id]


class ReviewFilter(QSortFilterProxyModel):
    """all / problems (findings, failures, not normalised) / no_photo."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.mode = "all"

    def set_mode(self, mode: str) -> None:
        if mode not in FILTERS:
            raise ValueError(mode)
        self.beginFilterChange()  # Qt 6.10+: invalidateFilter() is deprecated
        self.mode = mode
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:
        source = self.sourceModel()
        assert isinstance(source, PhotoReviewModel)
        item = source.items[row]
        if self.mode == "problems":
            return item.has_problem
        if self.mode == "no_photo":
            return not item.has_photo
        return True
