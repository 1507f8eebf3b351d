"""申请材料不全 follow-up: the list, the 补正通知单 PDF, materials ticked, then the decision; all audited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from confirm_desk.cli import main
from confirm_desk.domain.statuses import Status
from confirm_desk.domain.text import chinese_date
from confirm_desk.preferences import preference
from confirm_desk.services import settings
from confirm_desk.services.confirming.confirmation import CheckInput, load_check, save_check
from confirm_desk.services.confirming.follow_up import incomplete_applicants, materials_arrived
from confirm_desk.store.models import AuditEvent, applicant_table
from tests.printing_helpers import MISSING, pdftotext

t = applicant_table


def _make_incomplete(store, numbers: list[str]) -> dict[str, int]:
    with store.session() as session:
        ids = {n: session.scalar(select(t.c.id).where(t.c.application_no == n)) for n in numbers}
        for applicant_id in ids.values():
            state = load_check(session, applicant_id)
            save_check(session, applicant_id, CheckInput(outcome=Status.INCOMPLETE, missing=MISSING), "clerk",
                       state.version)
    return ids


def _pending_numbers(store, count: int) -> list[str]:
    with store.session() as session:
        return list(session.scalars(select(t.c.application_no).where(t.c.status == "pending")
                                    .order_by(t.c.application_no).limit(count)))


def test_notice_pdf_names_the_missing_materials_place_and_deadline(cli_clerk,
    imported_store, db_url, tmp_path, capsys
) -> None:
    first, confirmed = _pending_numbers(imported_store, 2)
    _make_incomplete(imported_store, [first])
    with imported_store.session() as session:
        settings.save(session, {"incomplete_deadline_days": 10,
                                "point_address": "定海区教育局二楼教师发展中心"})
    out = tmp_path / "notice.pdf"
    assert main(["--db", db_url, "print", "notice", first, "-o", str(out), "--user", "clerk"]) == 0
    text = pdftotext(out).replace(" ", "")
    for material in MISSING:
        assert material.replace(" ", "") in text.replace("\n", "")
    deadline = chinese_date(dt.date.today() + dt.timedelta(days=10))
    assert deadline in text
    assert "定海区教育局二楼教师发展中心" in text
    assert "10日内" in text
    # Only 申请材料不全 applicants get a notice.
    assert main(["--db", db_url, "print", "notice", confirmed, "-o", str(tmp_path / "x.pdf")]) == 2
    assert "申请材料不全" in capsys.readouterr().err


def test_follow_up_list_orders_overdue_first(imported_store) -> None:
    numbers = _pending_numbers(imported_store, 2)
    ids = _make_incomplete(imported_store, numbers)
    with imported_store.session() as session:
        rows = incomplete_applicants(session)
        assert [r.application_no for r in rows] == sorted(numbers)
        assert all(not r.overdue and r.missing == MISSING for r in rows)
        days = preference("incomplete_deadline_days").default
        assert rows[0].deadline == dt.date.today() + dt.timedelta(days=days)
        # One of them brings one material: it is no longer listed as missing.
        materials_arrived(session, ids[numbers[1]], [MISSING[0]], "clerk", rows[1].version)
    with imported_store.session() as session:
        later = incomplete_applicants(session, today=dt.date.today() + dt.timedelta(days=days + 1))
    assert all(r.overdue for r in later)
    assert {r.application_no: r.missing for r in later}[numbers[1]] == [MISSING[1]]


def test_materials_ticked_then_confirmed_and_both_steps_audited(imported_store) -> None:
    (number,) = _pending_numbers(imported_store, 1)
    applicant_id = _make_incomplete(imported_store, [number])[number]
    with imported_store.session() as session:
        (row,) = incomplete_applicants(session)
        result = materials_arrived(session, applicant_id, row.missing, "clerk", row.version)
        assert result.status is Status.INCOMPLETE  # back to the decision, not decided by the ticks
    with imported_store.session() as session:
        (row,) = incomplete_applicants(session)
        assert row.complete
        state = load_check(session, applicant_id)
        assert all(state.materials[m] for m in MISSING)
        save_check(session, applicant_id, CheckInput(outcome=Status.CONFIRMED,
                                                     override_reason="测试：越过检查"), "clerk", state.version)
    with imported_store.session() as session:
        assert incomplete_applicants(session) == []
        stmt = select(AuditEvent.action, AuditEvent.field, AuditEvent.new_value)
        stmt = stmt.where(AuditEvent.applicant_id == applicant_id).order_by(AuditEvent.id)
        events = session.execute(stmt).all()
    steps = [(a, f, v) for a, f, v in events if a in ("material", "decision")]
    assert steps == [
        ("decision", "status", "incomplete"),
        *[("material", m, "已交") for m in MISSING],
        ("decision", "status", "confirmed"),
    ]
