"""An applicant's sync with the national system: never exported, in step with a batch, or changed since."""

from __future__ import annotations

from enum import StrEnum


class SyncState(StrEnum):
    NEVER = "never"
    SYNCED = "synced"
    CHANGED = "changed"

    @property
    def label(self) -> str:
        return SYNC_LABELS[self]


SYNC_LABELS = {SyncState.NEVER: "未导出", SyncState.SYNCED: "已导出", SyncState.CHANGED: "导出后有改动"}


def sync_state(synced_batch: int | None, synced_version: int, version: int,
               photo_redone: bool = False) -> SyncState:
    if synced_batch is None:
        return SyncState.NEVER
    return SyncState.SYNCED if version == synced_version and not photo_redone else SyncState.CHANGED


def sync_text(synced_batch: int | None, synced_version: int, version: int, photo_redone: bool = False) -> str:
    """What the list shows: 未导出 / 已导出（第3批） / 第3批后有改动."""
    state = sync_state(synced_batch, synced_version, version, photo_redone)
    if state is SyncState.NEVER:
        return state.label
    return f"已导出（第{synced_batch}批）" if state is SyncState.SYNCED else f"第{synced_batch}批后有改动"
