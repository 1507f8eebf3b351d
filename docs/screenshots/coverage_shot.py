"""Makes docs/screenshots/coverage.png: run under Xvfb,
`xvfb-run -a env QT_QPA_PLATFORM=xcb python docs/screenshots/coverage_shot.py`."""

from __future__ import annotations

from shot import SAMPLES, grab_later, sample_app_and_store


def main() -> None:
    from PySide6.QtCore import QDate

    from confirm_desk.services.coverage.staff import import_staff
    from confirm_desk.ui.coverage.view import CoverageView

    app, store = sample_app_and_store()
    import_staff(store, SAMPLES / "staff_list.xlsx")
    view = CoverageView(store)
    view.as_of.setDate(QDate(2026, 3, 1))
    view.until.setDate(QDate(2026, 12, 31))
    view.refresh()
    view.resize(1180, 620)
    grab_later(app, view, "coverage.png")


if __name__ == "__main__":
    main()
