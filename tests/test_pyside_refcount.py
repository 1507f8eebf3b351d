"""Regression: PySide6 6.12.0 on CPython 3.11 dropped a reference to None/True/False on every void Qt call and
the interpreter aborted (Fatal Python error: none_dealloc) after a few thousand calls. The pinned version must
survive 50,000 such calls in a fresh process, with a clean exit."""
from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = r"""
import sys
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QTableWidget, QTableWidgetItem
app = QApplication([])
table, label, combo = QTableWidget(100, 5), QLabel(), QComboBox()
for i in range(50_000):
    label.setText(str(i))          # void call returning None
    label.setVisible(i % 2 == 0)    # void call taking a bool
    combo.addItem("x")
    table.setItem(i % 100, i % 5, QTableWidgetItem("v"))
    if i % 1000 == 0:
        combo.clear()
app.quit()
print("done")
"""


def test_fifty_thousand_void_calls_exit_cleanly():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=600)
    assert "Fatal Python error" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "done"
