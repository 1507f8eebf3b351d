"""Accounts for the UI: log-in and first-run administrator, the administrator's operator list and actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from confirm_desk.domain.errors import KnownError
from confirm_desk.services import accounts
from confirm_desk.services.accounts import Account, AccountRow, LoginResult
from confirm_desk.store.db import Store
from confirm_desk.store.models import utcnow

Clock = Callable[[], dt.datetime]


def needs_first_admin(store: Store) -> bool:
    with store.session() as session:
        return accounts.needs_first_admin(session)


def log_in(store: Store, username: str, password: str, now: Clock = utcnow) -> LoginResult:
    """A refused log-in is a result (its message says why), counted in the store."""
    with store.session() as session:
        return accounts.login(session, username, password, now=now)


def create_first_admin(store: Store, username: str, display_name: str, password: str, confirm: str,
                       now: Clock = utcnow) -> LoginResult:
    """First run: the administrator, logged in at once; KnownError when the passwords differ or are weak."""
    if password != confirm:
        raise KnownError("两次输入的密码不一致")
    with store.session() as session:
        account = accounts.create_first_admin(session, username, display_name, password)
        accounts.login(session, account.username, password, now=now)
    return LoginResult(account)


def list_accounts(store: Store) -> list[AccountRow]:
    with store.session() as session:
        return accounts.list_accounts(session)


def add_user(store: Store, admin: Account, username: str, display_name: str, password: str, role: str) -> None:
    with store.session() as session:
        accounts.add_user(session, admin, username, display_name, password, role)


def unlock(store: Store, admin: Account, username: str) -> None:
    with store.session() as session:
        accounts.unlock(session, admin, username)


def reset_password(store: Store, admin: Account, username: str, password: str) -> None:
    with store.session() as session:
        accounts.reset_password(session, admin, username, password)


def set_active(store: Store, admin: Account, username: str, active: bool) -> None:
    with store.session() as session:
        accounts.set_active(session, admin, username, active)


def now() -> dt.datetime:
    """The store's clock (UTC), for comparing lock times."""
    return utcnow()
