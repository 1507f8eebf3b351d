"""Hidden sheets (issue 25 item 6): the first visible sheet is imported; several visible sheets that look
like exports are refused by name until one is chosen (--sheet, or the import dialog's 工作表)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from confirm_desk.cli import main
from confirm_desk.services.importing.applicants import SeveralSheets, import_applicants
from confirm_desk.store.models import applicant_table
from tests.test_missing_from_import import sample_table

t = applicant_table


def workbook(path: Path, samples: Path, sheets: list[tuple[str, str, bool | None]]) -> Path:
    """Sheets of (title, state, old): an old list has other 报名号 (9… instead of 2…)."""
    header, rows = sample_table(samples)
    col = header.index("报名号")
    book = Workbook()
    book.remove(book.active)
    for title, state, old in sheets:
        ws = book.create_sheet(title)
        ws.sheet_state = state
        if old is None:  # a notes sheet, not a list
            ws.append(["说明：本表由学校填写"])
            continue
        ws.append(header)
        for r in rows[:10]:
            ws.append([*r[:col], ("9" + r[col][1:]) if old else r[col], *r[col + 1:]])
    book.save(path)
    return path


def numbers(store) -> set[str]:
    with store.session() as session:
        return set(session.scalars(select(t.c.application_no)))


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_first_sheet_is_not_imported(store, samples: Path, tmp_path: Path, state: str) -> None:
    path = workbook(tmp_path / "list.xlsx", samples, [("旧名单", state, True), ("名单", "visible", False)])
    result = import_applicants(store, path)
    assert result.imported == 10 and all(n.startswith("2") for n in numbers(store))


def test_several_export_sheets_are_named_and_one_is_chosen(cli_clerk: str, store, samples: Path,
                                                          tmp_path: Path, capsys) -> None:
    path = workbook(tmp_path / "list.xlsx", samples, [("名单一", "visible", True), ("说明", "visible", None),
                                                      ("名单二", "visible", False)])
    with pytest.raises(SeveralSheets) as err:
        import_applicants(store, path)
    assert err.value.sheets == ["名单一", "名单二"] and "list.xlsx" in err.value.message
    assert main(["--db", cli_clerk, "import", str(path)]) == 2
    error = capsys.readouterr().err
    assert "名单一" in error and "名单二" in error and "--sheet" in error
    assert numbers(store) == set()
    assert main(["--db", cli_clerk, "import", str(path), "--sheet", "名单二"]) == 0
    assert len(numbers(store)) == 10 and all(n.startswith("2") for n in numbers(store))
    assert main(["--db", cli_clerk, "import", str(path), "--sheet", "没有"]) == 2
    assert "没有名为“没有”的工作表" in capsys.readouterr().err


def test_the_import_dialog_offers_the_visible_sheets(qtbot, samples: Path, tmp_path: Path) -> None:
    from confirm_desk.ui.importing.import_dialog import ImportDialog

    path = workbook(tmp_path / "list.xlsx", samples, [("旧名单", "veryHidden", True), ("名单一", "visible", True),
                                                      ("名单二", "visible", False)])
    dialog = ImportDialog()
    qtbot.addWidget(dialog)
    assert dialog.sheet() is None and not dialog.sheet_combo.isVisibleTo(dialog)
    dialog.file_edit.setText(str(path))
    dialog.file_edit.editingFinished.emit()
    names = [dialog.sheet_combo.itemText(i) for i in range(dialog.sheet_combo.count())]
    assert names[1:] == ["名单一", "名单二"] and dialog.sheet_combo.isVisibleTo(dialog)  # the hidden one not offered
    dialog.sheet_combo.setCurrentIndex(2)
    assert dialog.sheet() == "名单二"
