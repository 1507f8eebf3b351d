"""Turning stored photo bytes into a pixmap for display."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QImage, QPixmap


def pixmap_from_bytes(data: bytes | None, width: int = 114, height: int = 156) -> QPixmap | None:
    if not data:
        return None
    image = QImage()
    if not image.loadFromData(QByteArray(data)):
        return None
    # Photos with EXIF rotation display upright, as the normaliser will store them.
    pixmap = QPixmap.fromImage(image)
    return pixmap.scaled(width, height, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
