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
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if console:
        root.addHandler(logging.StreamHandler())
