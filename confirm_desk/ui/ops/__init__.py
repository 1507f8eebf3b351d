"""The UI's only road to the store: one module per capability, each function opens its own session, calls the
services and returns plain results. Widgets run these through `ui/jobs.py` (off the GUI thread) and never open
a session themselves; `Store` is re-exported here so a widget can hold the handle without importing the store
layer (tests/test_layering.py checks both). It is imported on first use: the main window's first screen is
painted before SQLAlchemy is loaded (modules on that path name `Store` under TYPE_CHECKING only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from confirm_desk.store.db import Store

__all__ = ["Store"]


def __getattr__(name: str) -> Any:
    if name == "Store":
        from confirm_desk.store.db import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
