"""Two seats decide the same applicant at the same moment, many times over: one wins, one is refused."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from confirm_desk.domain.decisions import ConditionMark
from confirm_desk.domain.errors import StaleRecord
from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.confirming.confirmation import CheckInput, latest_decision, load_check, save_check
from confirm_desk.store.models import AuditEvent, Decision

EDITABLE = "2025500000002"
ROUNDS = {"postgresql": 200, "sqlite": 25}
ALL_MET = [ConditionMark(True) for _ in range(7)]
CHOICES = {
    "li": CheckInput(outcome=Status.CONFIRMED, conditions=ALL_MET, reopen_reason="复核",
                     override_reason="测试：越过检查"),
    "wang": CheckInput(outcome=Status.REJECTED, reason="证书不符", conditions=ALL_MET, reopen_reason="复核"),
}


def _race(store, applicant_id: int, version: int) -> dict[str, str]:
    """Both seats save against the same loaded version, released together by a barrier."""
    barrier = threading.Barrier(len(CHOICES))
    outcome: dict[str, str] = {}

    def seat(who: str) -> None:
        try:
            barrier.wait(timeout=10)
            with store.session() as session:
                save_check(session, applicant_id, CHOICES[who], who, version)
            outcome[who] = "saved"
        except StaleRecord as err:
            outcome[who] = "refused: " + err.message
        except Exception as err:
            outcome[who] = f"error: {err!r}"

    threads = [threading.Thread(target=seat, args=(who,)) for who in CHOICES]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcome


def test_concurrent_decisions_never_lose_an_update(any_imported_store, request) -> None:
    store = any_imported_store
    rounds = ROUNDS[request.node.callspec.params["any_store"]]
    with store.session() as session:
        applicant_id = resolve(session, EDITABLE)
        start = load_check(session, applicant_id).version
    winners = []
    for n in range(rounds):
        with store.session() as session:
            state = load_check(session, applicant_id)
        assert state.version == start + n  # every round moved the version exactly once
        outcome = _race(store, applicant_id, state.version)
        saved = [who for who, what in outcome.items() if what == "saved"]
        refused = [what for what in outcome.values() if what.startswith("refused")]
        assert len(saved) == 1 and len(refused) == 1, outcome
        assert f"已被 {saved[0]} 于" in refused[0]
        winners.append(saved[0])
        with store.session() as session:
            decision = latest_decision(session, applicant_id)
        assert decision is not None and decision.operator == saved[0]
        assert decision.outcome is CHOICES[saved[0]].outcome
    with store.session() as session:
        final = load_check(session, applicant_id)
        decisions = session.scalar(select(func.count()).select_from(Decision))
        by_action = dict(
            session.execute(
                select(AuditEvent.action, func.count()).where(AuditEvent.applicant_id == applicant_id)
                .group_by(AuditEvent.action)
            ).all()
        )
    assert final.version == start + rounds and decisions == rounds
    assert by_action["decision"] == rounds and by_action["conflict"] == rounds  # both attempts, every round
    assert final.status is CHOICES[winners[-1]].outcome
