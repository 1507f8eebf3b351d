"""The plain progress callback services report through; raising Cancelled from it stops the job."""

from __future__ import annotations

from collections.abc import Callable

ProgressFn = Callable[[int, int, str], None]


def no_progress(_done: int, _total: int, _text: str) -> None:
    return None
