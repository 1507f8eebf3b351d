"""Issue 18 item 5: Qt's own dialogs speak Chinese (qtbase_zh_CN), and no internal code reaches the screen."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel, QMessageBox, QPushButton

from confirm_desk.services.audit_trail import ACTION_LABELS
from tests.accounts_helpers import fast_hasher  # noqa: F401
from tests.ui.test_check_dialog import DRAFT, open_dialog

PACKAGE = Path(__file__).resolve().parents[2] / "confirm_desk"
RULE_CODE = re.compile(r"\b(CAL|CERT|COND|CONF|COV|CYC|DATE|ID|SCOPE)-\d")


def test_standard_buttons_and_file_dialog_are_chinese(qtbot) -> None:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                               | QDialogButtonBox.StandardButton.Yes | QDialogButtonBox.StandardButton.No)
    qtbot.addWidget(buttons)
    texts = {b.text().replace("(&Y)", "").replace("(&N)", "") for b in buttons.buttons()}
    assert texts == {"确定", "取消", "是", "否"}
    box = QMessageBox(QMessageBox.Icon.Question, "导入", "继续吗？",
                      QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QMessageBox.StandardButton.Cancel).text() == "取消"
    dialog = QFileDialog(None, "选择导出文件")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    shown = {b.text() for b in dialog.findChildren(QPushButton) if b.text()}
    assert "打开(&O)" in shown or "打开" in shown, shown
    assert not {"Open", "&Open", "Cancel"} & shown
    # Qt 6's "&Look in:" and "Files of &type:" are missing from qtbase_zh_CN (only their Qt 5 forms are there)
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert labels == ["查找范围(&L)：", "文件名称(&N)：", "文件类型(&T)："], labels
    assert QCoreApplication.translate("QAbstractFileIconProvider", "Folder") == "文件夹"
    assert QCoreApplication.translate("QFileDialog", "Back") == "后退"  # the rest still from qtbase_zh_CN


def test_a_draft_says_why_without_a_rule_code(qtbot, imported_store, logged_in_clerk) -> None:
    dialog = open_dialog(qtbot, imported_store, DRAFT, logged_in_clerk)
    assert "网报未完成" in dialog.header.text()
    assert not RULE_CODE.search(dialog.header.text())


def _strings_shown(path: Path) -> list[tuple[int, str]]:
    """String literals of a module, docstrings left out (those are for developers)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]


def test_no_rule_codes_or_file_names_in_messages() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "commands" in path.parts or path.name == "cli.py":
            continue  # the command line is for the technician
        for line, text in _strings_shown(path):
            if RULE_CODE.search(text) or ("manifest.json" in text and re.search(r"[\u4e00-\u9fff]", text)):
                found.append(f"{path.relative_to(PACKAGE)}:{line}: {text[:60]}")
    assert found == []


def test_every_audited_action_has_a_chinese_label() -> None:
    actions = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "record":
                actions |= {a.value for a in node.args[1:2] if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    assert {"photo_attach", "photo_normalize", "demo"} <= actions
    assert sorted(actions - ACTION_LABELS.keys()) == []
