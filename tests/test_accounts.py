"""Operator accounts: strong passwords, lockout with an injected clock, admin unlock/reset, first admin."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from confirm_desk.domain.errors import RuleViolation
from confirm_desk.services import accounts
from confirm_desk.services.audit_trail import list_events
from tests.accounts_helpers import ADMIN_PW, CLERK_PW, fast_hasher, make_operators  # noqa: F401


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 1, 9, 0, 0)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += dt.timedelta(**kw)


# The window logs in through an ORM Session, a command line through a Core unit (store.unit(), which never loads
# the ORM): the same function, and the tests below run both ways so that the two cannot count, lock or audit
# differently.
WAYS = ["session", "unit"]


def try_login(store, name: str, password: str, clock: Clock, way: str = "session") -> accounts.LoginResult:
    with (store.session() if way == "session" else store.unit()) as unit:
        return accounts.login(unit, name, password, now=clock)


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Abcdefg1", True),
        ("abcdef1!", True),
        ("ABCDEF1!", True),
        ("Abcdefgh", False),
        ("abc1!", False),
        ("abcdefgh12", False),
        ("密码Abc123", True),
    ],
)
def test_strong_password_rule(password: str, ok: bool) -> None:
    assert (accounts.password_problems(password) == []) is ok


def test_first_admin_then_only_admins_add_users(store) -> None:
    with store.session() as session:
        assert accounts.needs_first_admin(session)
    admin, clerk = make_operators(store)
    with store.session() as session:
        assert not accounts.needs_first_admin(session)
        with pytest.raises(RuleViolation):
            accounts.create_first_admin(session, "other", "", ADMIN_PW)
        with pytest.raises(RuleViolation):
            accounts.add_user(session, clerk, "x", "", CLERK_PW)
        with pytest.raises(RuleViolation, match="至少三类"):
            accounts.add_user(session, admin, "weak", "", "password1")
        stored = session.scalar(text("select password_hash from operator where username='clerk'"))
    assert stored.startswith("$argon2id$") and CLERK_PW not in stored
    assert admin.is_admin and clerk.role == "confirmer"


@pytest.mark.parametrize("way", WAYS)
def test_lockout_after_three_wrong_passwords_and_unlock_after_ten_minutes(store, way: str) -> None:
    _admin, clerk = make_operators(store)
    clock = Clock()
    assert "再错 2 次" in try_login(store, "clerk", "wrong", clock, way).message
    assert "再错 1 次" in try_login(store, "clerk", "wrong", clock, way).message
    third = try_login(store, "clerk", "wrong", clock, way)
    assert not third.ok and third.locked_until == clock.now + dt.timedelta(minutes=10)
    clock.advance(minutes=9, seconds=59)
    refused = try_login(store, "clerk", CLERK_PW, clock, way)  # the right password does not help while locked
    assert not refused.ok and "锁定" in refused.message
    clock.advance(seconds=1)
    assert try_login(store, "clerk", CLERK_PW, clock, way).account == clerk
    with store.session() as session:
        actions = [e.action for e in list_events(session) if e.operator == "clerk"]
    assert actions == ["login_failed", "login_failed", "login_failed", "lockout", "login_refused", "login"]


def test_admin_unlocks_and_resets(store) -> None:
    admin, _clerk = make_operators(store)
    clock = Clock()
    for _ in range(3):
        try_login(store, "clerk", "wrong", clock)
    assert not try_login(store, "clerk", CLERK_PW, clock).ok
    with store.session() as session:
        accounts.unlock(session, admin, "clerk")
    assert try_login(store, "clerk", CLERK_PW, clock).ok
    with store.session() as session:
        accounts.reset_password(session, admin, "CLERK", "New#Pass99")  # names are case-insensitive
    assert not try_login(store, "clerk", CLERK_PW, clock).ok
    assert try_login(store, "clerk", "New#Pass99", clock).ok
    with store.session() as session:
        rows = {r.username: r for r in accounts.list_accounts(session)}
    assert rows["clerk"].failed_attempts == 0 and rows["clerk"].locked_until is None


@pytest.mark.parametrize("way", WAYS)
def test_unknown_user_is_refused_like_a_wrong_password(store, monkeypatch, way: str) -> None:
    make_operators(store)
    verified = []
    real = accounts._verify
    monkeypatch.setattr(accounts, "_verify", lambda h, p: verified.append(h) or real(h, p))
    result = try_login(store, "nobody", "whatever", Clock(), way)
    assert result.message == "用户名或密码错误"
    assert verified == [accounts._dummy_hash()]  # a hash is verified even for an unknown name


@pytest.mark.parametrize("way", WAYS)
def test_disabled_account_cannot_log_in(store, way: str) -> None:
    admin, _ = make_operators(store)
    with store.session() as session:
        accounts.set_active(session, admin, "clerk", False)
    assert "停用" in try_login(store, "clerk", CLERK_PW, Clock(), way).message
    assert "用户名或密码错误" in try_login(store, "clerk", "wrong", Clock(), way).message
