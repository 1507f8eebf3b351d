"""Code lists (民族, 资格种类, 学段, 职务…) shipped in resources/codes/codes.json."""

from __future__ import annotations

import json
from functools import cache

from confirm_desk.paths import resources_dir


@cache
def code_lists() -> dict[str, list[str]]:
    with (resources_dir() / "codes" / "codes.json").open(encoding="utf-8") as fh:
        lists: dict[str, list[str]] = json.load(fh)
    return lists


def choices(name: str | None) -> list[str]:
    return list(code_lists().get(name or "", []))
