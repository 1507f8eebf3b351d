"""The UI's only road to the store: one module per capability, each function opens its own session, calls the
services and returns plain results. Widgets run these through `ui/jobs.py` (off the GUI thread) and never open
a session themselves; `Store` is re-exported here so a widget can hold the handle without importing the store
layer (tests/test_layering.py checks both)."""

from confirm_desk.store.db import Store

__all__ = ["Store"]
