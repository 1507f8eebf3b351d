"""Logging to a rotating file in the user data folder, for support. No personal data goes in."""

from __future__ import annotations

import logging
import logging.handlers
import os


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """The support log, user-only (0600) from its first byte and after every rotation."""

    def _open(self):
        stream = super()._open()
        if os.name == "posix":
            try:
                os.chmod(self.baseFilename, 0o600)
            except OSError:
                pass
        return stream

WITHHELD = "（内容已略去：可能含个人信息）"


def exception_details(exc: BaseException) -> str:
    """A traceback for the support log: where it happened, never the exception's message (an error
    about a cell quotes the cell: a name, an ID number)."""
    import traceback

    te = traceback.TracebackException.from_exception(exc)
    seen: set[int] = set()
    todo = [te]
    while todo:
        part = todo.pop()
        if id(part) in seen:
            continue
        seen.add(id(part))
        part._str = WITHHELD  # type: ignore[attr-defined]  # the message (private field); type, file, line stay
        if hasattr(part, "__notes__"):
            part.__notes__ = None
        todo += [p for p in (part.__cause__, part.__context__) if p is not None]
        todo += list(getattr(part, "exceptions", None) or [])
    return "".join(te.format())


class _Formatter(logging.Formatter):
    def formatException(self, ei) -> str:
        return exception_details(ei[1]).rstrip("\n") if ei and ei[1] is not None else ""


def setup_logging(console: bool = False) -> None:
    from confirm_desk.paths import log_dir

    root = logging.getLogger("confirm_desk")
    if root.handlers:
        return
    root.setLevel(logging.INFO)
    try:
        handler: logging.Handler = PrivateRotatingFileHandler(
            log_dir() / "confirm_desk.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(_Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if console:
        root.addHandler(logging.StreamHandler())
