"""Column mappings a person confirmed (the mapping step), remembered per header row in the store's settings:
a file with the same headers is read the same way next time, on every seat."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from confirm_desk.services import audit
from confirm_desk.services.settings import get_setting, put_setting

if TYPE_CHECKING:
    from confirm_desk.store.db import Store
    from confirm_desk.store.units import Unit

PREFIX = "column_map:"


def _key(kind: str, signature: str) -> str:
    return f"{PREFIX}{kind}:{signature}"


def load_mapping(session: Unit, kind: str, signature: str) -> dict[str, str] | None:
    raw = get_setting(session, _key(kind, signature))
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else None


def remembered_in(store: Store, kind: str) -> Callable[[str], Mapping[str, str] | None]:
    """A look-up for find_header: header signature -> the mapping remembered for it (kind: applicants/staff)."""

    def lookup(signature: str) -> Mapping[str, str] | None:
        with store.unit() as unit:
            return load_mapping(unit, kind, signature)

    return lookup


def remember_mapping(session: Unit, kind: str, signature: str, manual: Mapping[str, str],
                     operator: str = "") -> None:
    """Keep what a person mapped (header -> field key, "-" to ignore) for files with the same headers."""
    if not signature or not manual:
        return
    key = _key(kind, signature)
    text = json.dumps(dict(manual), ensure_ascii=False, sort_keys=True)
    if get_setting(session, key) == text:
        return
    put_setting(session, key, text)
    audit.record(session, "column_map", operator, field=kind,
                 detail="；".join(f"{h}→{k}" for h, k in sorted(manual.items())))
