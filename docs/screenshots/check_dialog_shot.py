"""Makes docs/screenshots/check-dialog.png: run under Xvfb,
`xvfb-run -a env QT_QPA_PLATFORM=xcb python docs/screenshots/check_dialog_shot.py`."""

from __future__ import annotations

from shot import grab_later, sample_app_and_store

NUMBER = "2025330000025"  # 低证高聘: a finding beside its field, COND-1 prefilled as 不具备


def main() -> None:
    from PySide6.QtWidgets import QCheckBox, QLineEdit

    from confirm_desk.services import accounts
    from confirm_desk.services.applicants.listing import resolve
    from confirm_desk.ui.confirming.check_dialog import CheckDialog

    app, store = sample_app_and_store()
    with store.session() as session:
        admin = accounts.create_first_admin(session, "wang", "王老师", "Admin#2026")
        applicant_id = resolve(session, NUMBER)
    dialog = CheckDialog(store, applicant_id, admin)
    rows = dialog.fields.rows
    for key in ("application_no", "name", "gender", "ethnicity", "id_type"):
        rows[key].cell.set_value(True)
    rows["phone"].cell.set_value(False)
    rows["phone"].original.setText("13906801234")
    school = dialog.findChild(QLineEdit, "edit_teaching_subject")
    school.setText(school.text())
    for i in (1, 2, 3, 5, 6):
        dialog.findChild(QCheckBox, f"material_{i}").setChecked(True)
    dialog.decision.buttons[list(dialog.decision.buttons)[2]].setChecked(True)
    dialog.resize(1360, 900)

    def settle() -> None:
        dialog.initial = dialog.collect()  # nothing unsaved: closing asks no question

    grab_later(app, dialog, "check-dialog.png", 800, before=settle)


if __name__ == "__main__":
    main()
