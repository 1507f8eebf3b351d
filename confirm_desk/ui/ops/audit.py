"""The audit trail for the UI: the filter's choices, the newest events, the export of all that match."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from confirm_desk.services import audit_trail
from confirm_desk.services.audit_trail import AuditFilter, AuditRow
from confirm_desk.store.db import Store


@dataclass(frozen=True)
class AuditChoices:
    actions: list[str]
    operators: list[str]


def choices(store: Store) -> AuditChoices:
    with store.session() as session:
        return AuditChoices(list(audit_trail.distinct_actions(session)), list(audit_trail.distinct_operators(session)))


def events(store: Store, criteria: AuditFilter) -> list[AuditRow]:
    with store.session() as session:
        return audit_trail.list_events(session, criteria)


def export(store: Store, path: str | Path, criteria: AuditFilter, operator: str) -> int:
    """Every matching event to an .xlsx (the export is itself audited); how many."""
    with store.session() as session:
        return audit_trail.export_audit(session, Path(path), criteria, operator)
