"""Engine and session set-up: SQLite (WAL, foreign keys) by default, any SQLAlchemy URL by choice."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import OperationalError

from confirm_desk.domain.errors import KnownError
from confirm_desk.store.head import SCHEMA_HEAD as SCHEMA_HEAD  # re-exported: the newest migration
from confirm_desk.store.units import CoreUnit

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

# How long a statement waits for a store another program (another seat, a backup tool) holds locked.
BUSY_TIMEOUT_MS = 5000


class StoreBusy(KnownError):
    """The store stayed locked by another program for as long as the statement waited."""


class Store:
    """An opened store: the engine, ORM sessions and Core units of work on it. Pass it in; never reach for a
    global. `session_factory`: None makes one at the first session()."""

    def __init__(self, engine: Engine, session_factory: sessionmaker[Session] | None, url: str) -> None:
        self.engine, self._session_factory, self.url = engine, session_factory, url

    def __repr__(self) -> str:
        return f"Store({_safe_url(self.url)})"

    @property
    def session_factory(self) -> sessionmaker[Session]:
        """Made at the first ORM session: a process that only runs Core units never imports the ORM."""
        if self._session_factory is None:
            from sqlalchemy.orm import sessionmaker

            self._session_factory = sessionmaker(self.engine, expire_on_commit=False)
        return self._session_factory

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any exception."""
        session = self.session_factory()
        try:
            with _rolled_back_on_error(session.rollback):
                yield session
                session.commit()
        finally:
            session.close()

    @contextmanager
    def unit(self) -> Iterator[CoreUnit]:
        """A unit of work on Core statements only (store/units.py), with session()'s commit, rollback and
        plain messages."""
        with self.engine.connect() as connection, _rolled_back_on_error(connection.rollback):
            yield CoreUnit(connection)
            connection.commit()

    @contextmanager
    def reading(self, busy_ms: int = BUSY_TIMEOUT_MS) -> Iterator[sqlite3.Connection]:
        """SQLite only: a connection of the driver itself, from the pool, for reads run as SQL text without a
        session (the list's search as you type: services/applicants/list_sql.py); a database error a clerk can act
        on becomes its plain message, as in session(). `busy_ms`: how long a read waits for a store another
        program holds locked before StoreBusy (a read on the GUI thread waits briefly, then goes off it)."""
        with _rolled_back_on_error(lambda: None):
            pooled = self.engine.raw_connection()
            driver = pooled.driver_connection
            try:
                if not isinstance(driver, sqlite3.Connection):
                    raise TypeError(f"reading() is for SQLite stores, not {self.engine.dialect.name}")
                if busy_ms != BUSY_TIMEOUT_MS:
                    driver.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
                yield driver
            finally:
                try:
                    if busy_ms != BUSY_TIMEOUT_MS and isinstance(driver, sqlite3.Connection):
                        driver.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                finally:
                    pooled.close()  # back to the pool, rolled back (also if the wait could not be restored)

    def idle_connections(self) -> int:
        """Connections open and waiting in the pool (a read on the GUI thread takes one: opening one may wait
        for a store another program holds locked)."""
        checked_in = getattr(self.engine.pool, "checkedin", None)
        return int(checked_in()) if checked_in is not None else 0

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        database = make_url(self.url).database
        return Path(database) if database and database != ":memory:" else None

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def _rolled_back_on_error(rollback: Callable[[], None]) -> Iterator[None]:
    """Any exception rolls the unit back; a database error a clerk can act on becomes its plain message."""
    try:
        yield
    except (OperationalError, sqlite3.OperationalError) as exc:  # the driver's own: a read run as SQL text
        rollback()
        known = known_db_error(exc)
        if known is None:
            raise
        raise known from exc
    except BaseException:
        rollback()
        raise


def known_db_error(exc: OperationalError | sqlite3.OperationalError) -> KnownError | None:
    """A full disk or a store held by another program, said plainly; None for anything else (a bug)."""
    text = str(exc.orig if isinstance(exc, OperationalError) else exc).lower()
    if "disk is full" in text or "no space" in text:
        return KnownError("磁盘空间已满，本次操作已全部撤销，未保存任何更改。请清理磁盘后重试。")
    if "disk i/o error" in text:
        return KnownError("磁盘写入失败（磁盘已满或出错），本次操作已全部撤销，未保存任何更改。请检查磁盘。")
    if "database is locked" in text or "database is busy" in text:
        return StoreBusy("数据库忙：另一个确认台程序正在写入同一个数据库。本次操作未保存，请稍后重试。")
    return None


# A new SQLite store's page size. Its rows are ≈1 KB (an applicant's 50 text columns): at SQLite's default 4,096 an
# import of 100,000 writes ≈24,000 pages, builds the indexes from them and copies them at the checkpoint; 8,192
# stores the same in ≈8 % less file, ≈0.2 CPU s less (bench/README.md). A store keeps the size it was made with.
SQLITE_PAGE_SIZE = 8192


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_store_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        new = False
        if database and database != ":memory:":
            path = Path(database)
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                # The store holds personal data: readable by this user only.
                path.touch(mode=0o600)
                os.chmod(path, 0o600)
            new = path.stat().st_size == 0
        # hide_parameters: a failed statement's values (names, ID numbers) never reach a log or a message.
        engine = create_engine(url, connect_args={"timeout": 5}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        with engine.connect() as conn:
            if new:  # before WAL mode makes the file: a page size is chosen once, when the file is made
                conn.exec_driver_sql(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        return engine
    from confirm_desk.store.tables import add_postgresql_options

    add_postgresql_options()
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def current_revision(engine: Engine) -> str | None:
    """The store's Alembic revision, None for a store without one (new). One plain SELECT in the usual
    case; only when it fails is the table's existence looked up (a new store, or an error to raise)."""
    from sqlalchemy import inspect, text
    from sqlalchemy.exc import DBAPIError

    query = text("SELECT version_num FROM alembic_version")
    try:
        with engine.connect() as conn:
            return conn.execute(query).scalar()
    except DBAPIError:
        pass
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(query).scalar()


# Alembic keeps the migration it runs in module-level proxies (alembic.context, alembic.op): two upgrades at
# once in one process (a store opened while the daily backup builds its reference schema) mix their steps.
ALEMBIC_LOCK = threading.Lock()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (checked at every start)."""
    if current_revision(engine) == SCHEMA_HEAD:
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    from confirm_desk.paths import migrations_dir

    cfg.set_main_option("script_location", str(migrations_dir()))
    with ALEMBIC_LOCK, engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_store(url: str | None = None, *, upgrade: bool = True) -> Store:
    from confirm_desk.paths import default_db_url

    url = url or default_db_url()
    try:
        engine = create_store_engine(url)
        if upgrade:
            migrate(engine)
    except KnownError:
        raise
    except Exception as exc:  # the DB driver's errors are many; say it plainly and keep the details in the log
        known = known_db_error(exc) if isinstance(exc, OperationalError) else None
        if known is not None:
            raise known from exc
        log.exception("cannot open store %s", _safe_url(url))
        raise KnownError(f"无法打开数据库 {_safe_url(url)}：{exc.__class__.__name__}: {exc}") from exc
    return Store(engine, None, url)


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
