"""Makes docs/screenshots/dashboard.png: run under Xvfb,
`xvfb-run -a env QT_QPA_PLATFORM=xcb python docs/screenshots/dashboard_shot.py`."""

from __future__ import annotations

import datetime as dt

from shot import grab_later, sample_app_and_store


def _decide(store) -> None:
    """A morning's work by two operators: confirmations, a rejection, two incomplete, edits after print."""
    from sqlalchemy import select, update

    from confirm_desk.domain.statuses import Status
    from confirm_desk.services import accounts
    from confirm_desk.services.confirming.confirmation import CheckInput, load_check, save_check
    from confirm_desk.services.printing.documents import record_printed
    from confirm_desk.store.models import Decision
    from confirm_desk.store.models import applicant_table as t

    with store.session() as session:
        admin = accounts.create_first_admin(session, "wang", "王老师", "Admin#2026")
        clerk = accounts.add_user(session, admin, "li", "李老师", "Clerk#2026")
        ids = list(session.scalars(select(t.c.id).where(t.c.status == "pending").order_by(t.c.id)))
        plan = [(admin, Status.CONFIRMED)] * 14 + [(clerk, Status.CONFIRMED)] * 9 + [
            (clerk, Status.REJECTED), (admin, Status.INCOMPLETE), (clerk, Status.INCOMPLETE)]
        for applicant_id, (who, outcome) in zip(ids, plan, strict=False):
            state = load_check(session, applicant_id)
            save_check(session, applicant_id, CheckInput(
                outcome=outcome, reason="证书与任教学段不符" if outcome is Status.REJECTED else "",
                missing=["培训学时证明"] if outcome is Status.INCOMPLETE else [],
                override_reason="截图用演示" if outcome is Status.CONFIRMED else ""), who, state.version)
        record_printed(session, ids[:10], "form", "wang")
        record_printed(session, ids[:6], "receipt", "wang")
        session.execute(update(t).where(t.c.id.in_(ids[3:5])).values(reprint_needed=True))
        # One incomplete applicant was told 16 days ago: overdue now.
        last = session.scalar(select(Decision).where(Decision.applicant_id == ids[24]))
        last.decided_at = last.decided_at - dt.timedelta(days=16)


def main() -> None:
    from confirm_desk.ui.main.dashboard import DashboardPanel

    app, store = sample_app_and_store()
    _decide(store)
    panel = DashboardPanel(store)
    panel.resize(900, 720)
    grab_later(app, panel, "dashboard.png")


if __name__ == "__main__":
    main()
