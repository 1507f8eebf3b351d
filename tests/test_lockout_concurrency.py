"""Lockout under concurrency (issue 25 item 1): wrong passwords sent at the same moment are all counted,
and a right password sent with them is refused. On SQLite and, with CONFIRM_DESK_TEST_PG_URL, on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from confirm_desk.services import accounts
from confirm_desk.store.models import AuditEvent, Operator
from tests.accounts_helpers import CLERK_PW, fast_hasher, make_operators  # noqa: F401

WRONG = "Wrong#2026"


def slow_hash_for_clerk(store) -> None:
    """The clerk's stored hash costs ~0.2 s to check (as in production), so the attempts overlap."""
    slow = PasswordHasher(time_cost=40, memory_cost=4096, parallelism=1)
    with store.session() as session:
        op = session.scalar(select(Operator).where(Operator.username == "clerk"))
        op.password_hash = slow.hash(CLERK_PW)


def attempt_all(store, passwords: list[str]) -> list[accounts.LoginResult]:
    """Every password tried by its own thread, all released by one barrier."""
    barrier = threading.Barrier(len(passwords))
    results: list[accounts.LoginResult | BaseException | None] = [None] * len(passwords)

    def run(index: int, password: str) -> None:
        barrier.wait()
        try:
            with store.session() as session:
                results[index] = accounts.login(session, "clerk", password)
        except BaseException as exc:  # reported by the assertion below
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, pw)) for i, pw in enumerate(passwords)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(isinstance(r, accounts.LoginResult) for r in results), results
    return results  # type: ignore[return-value]


@pytest.mark.parametrize("rounds", [2])
def test_concurrent_wrong_passwords_lock_and_refuse_the_right_one(any_store, monkeypatch, rounds: int) -> None:
    # The hasher in use (for rehash checks) must match the slow stored hash, or a success would rehash.
    monkeypatch.setattr(accounts, "_hasher", lambda: PasswordHasher(time_cost=40, memory_cost=4096, parallelism=1))
    make_operators(any_store)
    for _ in range(rounds):
        with any_store.session() as session:
            admin = accounts.Account(1, "admin", "", "admin")
            accounts.unlock(session, admin, "clerk")
        slow_hash_for_clerk(any_store)
        results = attempt_all(any_store, [WRONG] * 10 + [CLERK_PW])
        assert not results[-1].ok, "the right password slipped through beside ten wrong ones"
        assert not any(r.ok for r in results)
        with any_store.session() as session:
            op = session.scalar(select(Operator).where(Operator.username == "clerk"))
            assert op.locked_until is not None
        # Locked now: the right password alone is refused too.
        with any_store.session() as session:
            assert not accounts.login(session, "clerk", CLERK_PW).ok
    with any_store.session() as session:
        lockouts = session.scalars(select(AuditEvent).where(AuditEvent.action == "lockout")).all()
    assert len(lockouts) == rounds  # one lockout per burst, not one per attempt


def test_ten_concurrent_wrong_passwords_all_count(any_store) -> None:
    make_operators(any_store)
    results = attempt_all(any_store, [WRONG] * 10)
    assert not any(r.ok for r in results)
    with any_store.session() as session:
        op = session.scalar(select(Operator).where(Operator.username == "clerk"))
        assert op.locked_until is not None
        failures = session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "login_failed")).all()
    # At most three were checked as wrong; the rest were refused as locked without a check.
    assert len(failures) <= accounts.MAX_FAILED


def test_two_right_passwords_at_once_both_pass(any_store) -> None:
    """A script running two commands at once as the same operator is not mistaken for an attack."""
    make_operators(any_store)
    results = attempt_all(any_store, [CLERK_PW, CLERK_PW])
    assert all(r.ok for r in results)
    with any_store.session() as session:
        op = session.scalar(select(Operator).where(Operator.username == "clerk"))
        assert op.failed_attempts == 0 and op.locked_until is None


def test_unknown_name_is_not_stored_in_the_audit(store) -> None:
    """Item 10: a typed unknown name may be a password typed into the wrong box."""
    make_operators(store)
    with store.session() as session:
        assert not accounts.login(session, "Secret#Pass1", "whatever").ok
    with store.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")).all()
    assert events and all("Secret#Pass1" not in f"{e.operator}{e.detail}{e.new_value}" for e in events)
