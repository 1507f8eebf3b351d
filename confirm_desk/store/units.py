"""A unit of work without the ORM. The use cases an import from the command line runs (the log-in, the import, the
audit, the settings, the national-system report) take a `Unit`: an ORM Session (the window's callers) or a
CoreUnit, which runs the same Core statements on one connection in one transaction and never imports
sqlalchemy.orm (about a tenth of such a process's CPU, tests/test_startup.py)."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import TypeAlias

    from sqlalchemy import Connection
    from sqlalchemy.orm import Session


class CoreUnit:
    """What those use cases call on a Session, on one Core connection: `execute`, `scalar` and `scalars` are the
    connection's own; `commit` ends the transaction (the next statement begins another, as in a Session);
    `flush` and `no_autoflush` have nothing to do (every statement ran when executed); `info` lives as long as
    the unit (a Session's does too)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.execute = connection.execute
        self.scalar = connection.scalar
        self.scalars = connection.scalars
        self.info: dict[Any, Any] = {}

    def connection(self) -> Connection:
        return self._connection

    def commit(self) -> None:
        self._connection.commit()

    def flush(self) -> None:
        """Nothing is pending."""

    @property
    def no_autoflush(self) -> AbstractContextManager[None]:
        return nullcontext()


if TYPE_CHECKING:
    Unit: TypeAlias = Session | CoreUnit
