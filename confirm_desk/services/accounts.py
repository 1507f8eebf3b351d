"""Operator accounts: argon2 password hashes, strong passwords, lockout after wrong passwords, admin tasks.
Core statements on the operator table: every command line logs in here, and an import process maps no ORM class."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Row, case, func, insert, or_, select, update

from confirm_desk.domain.errors import KnownError, NotFound, RuleViolation
from confirm_desk.services import audit
from confirm_desk.store.tables import operator_table, utcnow

if TYPE_CHECKING:
    from sqlalchemy.engine import CursorResult

    from confirm_desk.store.db import Store
    from confirm_desk.store.units import Unit

MAX_FAILED = 3
LOCK_MINUTES = 10
MIN_LENGTH = 8
ROLES = {"confirmer": "确认员", "admin": "管理员"}
Clock = Callable[[], dt.datetime]


class LoginRefused(KnownError):
    """Wrong name or password, or a locked or disabled account."""


@dataclass(frozen=True)
class Account:
    """A logged-in operator as the rest of the app sees it (never the hash)."""

    id: int
    username: str
    display_name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username


@dataclass(frozen=True)
class AccountRow:
    username: str
    display_name: str
    role: str
    active: bool
    locked_until: dt.datetime | None
    failed_attempts: int


@dataclass(frozen=True)
class LoginResult:
    account: Account | None
    message: str = ""
    locked_until: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.account is not None


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # RFC 9106 low-memory profile: argon2id, 64 MiB, 3 passes


# The hash of a random password nobody knows, made once with the hasher's parameters (argon2id, 64 MiB, 3 passes,
# 4 lanes). Verified for unknown names so that a wrong name costs as long as a wrong password: one argon2 run.
# Hashing a dummy at the first unknown name instead cost a second run, so in a fresh process (every CLI
# command) a wrong name took twice as long as a wrong password, and told which names exist.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$wkh8cAe+UpgxdC1xZCsAUg$3bGO5/Kdcxq9QvXJwXsmE4n6abjkeS4JYTjhfarJc3I"


@cache
def _dummy_hash() -> str:
    """A hash with the hasher's own parameters (made here only if they ever differ from the one above)."""
    if not _hasher().check_needs_rehash(_DUMMY_HASH):
        return _DUMMY_HASH
    return _hasher().hash("confirm-desk dummy password")


def password_problems(password: str) -> list[str]:
    """The strong-password rule: at least 8 characters and three of upper, lower, digit, symbol."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"密码至少 {MIN_LENGTH} 位")
    kinds = sum(
        (
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if kinds < 3:
        problems.append("密码须包含大写字母、小写字母、数字、符号中的至少三类")
    return problems


def ensure_strong(password: str) -> None:
    problems = password_problems(password)
    if problems:
        raise RuleViolation("；".join(problems))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)  # constant-time compare inside argon2
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_op = operator_table.c  # the operator table's columns


def _account(op: Row[Any]) -> Account:
    return Account(op.id, op.username, op.display_name, op.role)


def _find(session: Unit, username: str) -> Row[Any] | None:
    return session.execute(
        select(operator_table).where(func.lower(_op.username) == username.strip().lower())).first()


def _by_id(session: Unit, op_id: int) -> Row[Any]:
    return session.execute(select(operator_table).where(_op.id == op_id)).one()


def _get(session: Unit, username: str) -> Row[Any]:
    op = _find(session, username)
    if op is None:
        raise NotFound(f"没有名为“{username}”的操作员")
    return op


def _set(session: Unit, op_id: int, **values: object) -> None:
    session.execute(update(operator_table).where(_op.id == op_id).values(**values))


def needs_first_admin(session: Unit) -> bool:
    """First run: no administrator exists yet, so the login dialog offers to create one."""
    return not session.scalar(select(func.count()).select_from(operator_table).where(_op.role == "admin"))


def login(session: Unit, username: str, password: str, *, now: Clock = utcnow) -> LoginResult:
    """Checks a password; wrong ones count, the third locks the account for 10 minutes.

    Counting is atomic and happens *before* the slow password check: each attempt first takes a numbered
    slot with one `UPDATE … SET failed_attempts = failed_attempts + 1 … RETURNING` and commits it, so
    attempts made at the same moment (other threads, programs or seats) all see each other. An attempt
    whose slot is past the limit locks the account; a right password is accepted only if the account is
    still unlocked when its check ends (so it cannot slip through beside a burst of wrong ones) and then
    gives back its own slot and the failures before it. Commits the session (the count must be visible
    to the others at once); returns a result instead of raising so the caller commits the audit events.
    """
    moment = now()
    op = _find(session, username)
    if op is None:
        _verify(_dummy_hash(), password)
        # The typed name is not stored: it may be a password typed into the wrong box.
        audit.record(session, "login_failed", "", detail="未知用户名")
        return LoginResult(None, "用户名或密码错误")
    op_id, name, password_hash = op.id, op.username, op.password_hash
    unlocked = or_(_op.locked_until.is_(None), _op.locked_until <= moment)
    slot = session.execute(
        update(operator_table)
        .where(_op.id == op_id, unlocked)
        .values(failed_attempts=_op.failed_attempts + 1)
        .returning(_op.failed_attempts)
    ).scalar()
    session.commit()
    if slot is None or slot > MAX_FAILED:
        if slot is not None:  # locked at once, before the (slow) dummy check, so attempts in flight see it
            _lock(session, op_id, name, moment, f"同时有超过 {MAX_FAILED} 次登录尝试")
        result = _refused_locked(session, op_id, name, moment)
        session.commit()
        _verify(_dummy_hash(), password)
        return result
    if not _verify(password_hash, password):
        audit.record(session, "login_failed", name, detail=f"密码错误（第 {slot} 次）")
        if slot >= MAX_FAILED:
            _lock(session, op_id, name, moment, f"连续 {MAX_FAILED} 次密码错误")
            result = _refused_locked(session, op_id, name, moment, record=False)
            session.commit()
            return result
        left = MAX_FAILED - slot
        return LoginResult(None, f"用户名或密码错误（再错 {left} 次将锁定 {LOCK_MINUTES} 分钟）")
    accepted = session.execute(
        update(operator_table)
        .where(_op.id == op_id, unlocked)
        .values(
            failed_attempts=case((_op.failed_attempts > slot, _op.failed_attempts - slot), else_=0),
            locked_until=None,
        )
        .returning(_op.active)
    ).first()
    if accepted is None:  # locked by attempts made while this password was being checked
        return _refused_locked(session, op_id, name, moment)
    if not accepted.active:
        audit.record(session, "login_refused", name, detail="账户已停用")
        return LoginResult(None, "该账户已停用，请联系管理员")
    if _hasher().check_needs_rehash(password_hash):
        _set(session, op_id, password_hash=hash_password(password))
    audit.record(session, "login", name)
    return LoginResult(_account(_by_id(session, op_id)))


def _lock(session: Unit, op_id: int, name: str, moment: dt.datetime, why: str) -> None:
    """Locks the account unless another attempt has just done so (one lockout event per lock)."""
    result = session.execute(
        update(operator_table)
        .where(_op.id == op_id, or_(_op.locked_until.is_(None), _op.locked_until <= moment))
        .values(locked_until=moment + dt.timedelta(minutes=LOCK_MINUTES), failed_attempts=0)
    )
    locked = cast("CursorResult[Any]", result).rowcount  # an UPDATE's result is a cursor result
    if locked:
        audit.record(session, "lockout", name, detail=f"{why}，锁定 {LOCK_MINUTES} 分钟")


def _refused_locked(session: Unit, op_id: int, name: str, moment: dt.datetime, *, record: bool = True
                    ) -> LoginResult:
    until = session.scalar(select(_op.locked_until).where(_op.id == op_id))
    if record:
        audit.record(session, "login_refused", name, detail="账户已锁定")
    until = until if until is not None and until > moment else moment + dt.timedelta(minutes=LOCK_MINUTES)
    return LoginResult(None, _locked_message(until, moment), until)


def _locked_message(until: dt.datetime, moment: dt.datetime) -> str:
    minutes = max(1, -(-int((until - moment).total_seconds()) // 60))
    return f"账户已锁定，请 {minutes} 分钟后再试，或请管理员解锁"


def _require_admin(actor: Account) -> None:
    if not actor.is_admin:
        raise RuleViolation("只有管理员可以管理操作员账户")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise RuleViolation(f"未知角色“{role}”（可选：{', '.join(ROLES)}）")


def _create(session: Unit, username: str, display_name: str, password: str, role: str) -> Account:
    username = username.strip()
    if not username:
        raise RuleViolation("用户名不能为空")
    _check_role(role)
    if _find(session, username) is not None:
        raise RuleViolation(f"用户名“{username}”已存在")
    ensure_strong(password)
    op_id = session.execute(insert(operator_table).values(
        username=username,
        display_name=display_name.strip(),
        role=role,
        password_hash=hash_password(password),
        failed_attempts=0,
        active=True,
    ).returning(_op.id)).scalar_one()
    return _account(_by_id(session, op_id))


def create_first_admin(session: Unit, username: str, display_name: str, password: str) -> Account:
    """First run only: the administrator account that then adds everyone else."""
    if not needs_first_admin(session):
        raise RuleViolation("管理员账户已存在，请由管理员添加新用户")
    op = _create(session, username, display_name, password, "admin")
    audit.record(session, "user_add", op.username, field="role", new="admin", detail="首次运行创建管理员")
    return op


def add_user(
    session: Unit, actor: Account, username: str, display_name: str, password: str, role: str = "confirmer"
) -> Account:
    _require_admin(actor)
    op = _create(session, username, display_name, password, role)
    audit.record(
        session, "user_add", actor.username, field="role", new=role, detail=f"新增操作员 {op.username}"
    )
    return op


def unlock(session: Unit, actor: Account, username: str) -> None:
    _require_admin(actor)
    op = _get(session, username)
    _set(session, op.id, failed_attempts=0, locked_until=None)
    audit.record(session, "unlock", actor.username, detail=f"解锁操作员 {op.username}")


def reset_password(session: Unit, actor: Account, username: str, new_password: str) -> None:
    """An admin sets a new password (and so unlocks the account)."""
    _require_admin(actor)
    ensure_strong(new_password)
    op = _get(session, username)
    _set(session, op.id, password_hash=hash_password(new_password), failed_attempts=0, locked_until=None)
    audit.record(session, "password_reset", actor.username, detail=f"重置操作员 {op.username} 的密码")


def change_password(session: Unit, account: Account, old_password: str, new_password: str) -> None:
    op = _get(session, account.username)
    if not _verify(op.password_hash, old_password):
        raise LoginRefused("原密码错误")
    ensure_strong(new_password)
    _set(session, op.id, password_hash=hash_password(new_password))
    audit.record(session, "password_change", op.username)


def set_active(session: Unit, actor: Account, username: str, active: bool) -> None:
    _require_admin(actor)
    op = _get(session, username)
    if op.username == actor.username and not active:
        raise RuleViolation("不能停用自己的账户")
    _set(session, op.id, active=active)
    audit.record(session, "user_enable" if active else "user_disable", actor.username, detail=op.username)


def list_accounts(session: Unit) -> list[AccountRow]:
    ops = session.execute(select(operator_table).order_by(_op.username))
    return [
        AccountRow(o.username, o.display_name, o.role, o.active, o.locked_until, o.failed_attempts)
        for o in ops
    ]


def authenticate(store: Store, username: str, password: str, *, now: Clock = utcnow) -> Account:
    """Log in within its own transaction (so failures are counted), raising LoginRefused on failure."""
    with store.unit() as unit:
        result = login(unit, username, password, now=now)
    if result.account is None:
        raise LoginRefused(result.message)
    return result.account
