"""A checklist box whose whole row is the click target: a click anywhere on a material's words (not only on
the tiny box or the first characters) ticks or unticks it. Every materials checklist uses it."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QCheckBox


class ChecklistBox(QCheckBox):
    def hitButton(self, pos: QPoint) -> bool:
        return self.rect().contains(pos)
