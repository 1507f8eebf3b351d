"""Leaving the demo data: the mark in the real store that real work started (services/applicants/demo.py)."""

from __future__ import annotations

from confirm_desk.services.applicants import demo
from confirm_desk.services.progress import ProgressFn
from confirm_desk.store.db import Store


def start_real_work(home: Store, operator: str, _progress: ProgressFn) -> None:
    with home.session() as session:
        demo.start_real_work(session, operator)
