"""Shared by account tests: a cheap argon2 profile (real argon2, fewer passes) and ready-made operators."""

from __future__ import annotations

import pytest

ADMIN_PW = "Admin#2026"
CLERK_PW = "Clerk#2026"


def use_fast_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    """Production hashing costs ~0.2 s per call; tests use argon2id with small costs instead."""
    from argon2 import PasswordHasher

    from confirm_desk.services import accounts

    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", lambda: hasher)
    accounts._dummy_hash.cache_clear()


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hasher(monkeypatch)
    yield
    from confirm_desk.services import accounts

    accounts._dummy_hash.cache_clear()


def make_operators(store):
    """An admin `admin` and a confirmer `clerk`; returns the two accounts."""
    from confirm_desk.services import accounts

    with store.session() as session:
        admin = accounts.create_first_admin(session, "admin", "管理员甲", ADMIN_PW)
        clerk = accounts.add_user(session, admin, "clerk", "确认员乙", CLERK_PW)
    return admin, clerk


def login_env(monkeypatch: pytest.MonkeyPatch, url: str, user: str = "clerk", password: str = CLERK_PW) -> None:
    """Command-line tests: the operators exist in the store at `url` and every command runs as `user`
    (CONFIRM_DESK_USER / CONFIRM_DESK_PASSWORD, inherited by subprocesses too)."""
    from confirm_desk.services import accounts
    from confirm_desk.store.db import open_store

    store = open_store(url)
    try:
        with store.session() as session:
            empty = accounts.needs_first_admin(session)
        if empty:
            make_operators(store)
    finally:
        store.dispose()
    monkeypatch.setenv("CONFIRM_DESK_USER", user)
    monkeypatch.setenv("CONFIRM_DESK_PASSWORD", password)

