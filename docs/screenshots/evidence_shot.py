"""Makes docs/screenshots/check-dialog-evidence.png (conditions prefilled from imported evidence): run under Xvfb,
`xvfb-run -a env QT_QPA_PLATFORM=xcb python docs/screenshots/evidence_shot.py`."""

from __future__ import annotations

import tempfile
from pathlib import Path

from shot import grab_later, sample_app_and_store

NUMBER = "2025330000001"


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def main() -> None:
    from sqlalchemy import select

    from confirm_desk.services import accounts
    from confirm_desk.services.evidence.importing import import_evidence
    from confirm_desk.store.models import applicant_table as t
    from confirm_desk.ui.confirming.check_dialog import CheckDialog

    app, store = sample_app_and_store()
    folder = Path(tempfile.mkdtemp())
    with store.session() as session:
        admin = accounts.create_first_admin(session, "wang", "王老师", "Admin#2026")
        applicant_id, ident = session.execute(
            select(t.c.id, t.c.id_number).where(t.c.application_no == NUMBER)).one()
    import_evidence(store, "hours", _xlsx(folder / "学时.xlsx", [["身份证号码", "2023年学时", "2024年学时"],
                                                                 [ident, 200, 112]]))
    results = [[ident, y, "基本合格" if y == 2023 else "合格"] for y in range(2021, 2026)]
    header = ["身份证号码", "考核年度", "考核结果"]
    import_evidence(store, "assessments", _xlsx(folder / "考核.xlsx", [header, *results]))
    term = [["身份证号码", "聘期"], [ident, "2021.09.01-2027.08.31"]]
    import_evidence(store, "contracts", _xlsx(folder / "合同.xlsx", term))
    dialog = CheckDialog(store, applicant_id, admin)
    dialog.resize(1360, 900)
    grab_later(app, dialog, "check-dialog-evidence.png", 800)


if __name__ == "__main__":
    main()
