"""Photo presets from resources/photo_presets.json, and the active one (a Setting row shared by all seats)."""

from __future__ import annotations

import json
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from confirm_desk.domain.errors import FileRefused, RuleViolation
from confirm_desk.domain.photo_checks import BACKGROUND_ZH, Preset
from confirm_desk.paths import resources_dir
from confirm_desk.store.models import Setting

PRESET_SETTING = "photo_preset"
PRESETS_FILE = "photo_presets.json"


@lru_cache(maxsize=1)
def load_presets() -> tuple[Preset, ...]:
    """Every preset in the file, the default one first. A broken file is a plain message, not a crash."""
    path = resources_dir() / PRESETS_FILE
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["presets"]
        presets = tuple(Preset(str(e["key"]), str(e["name"]), int(e["width"]), int(e["height"]),
                               float(e.get("min_kb", 0)), float(e["max_kb"]),
                               tuple(str(b) for b in e["backgrounds"]), bool(e.get("default", False)))
                        for e in entries)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise FileRefused(f"照片规格文件 {path} 无法读取或格式不对：{exc}") from exc
    for p in presets:
        if p.width <= 0 or p.height <= 0 or p.max_kb <= 0 or set(p.backgrounds) - set(BACKGROUND_ZH):
            raise FileRefused(f"照片规格“{p.name}”的尺寸、大小或背景色（white/blue/red）不对")
    if not presets:
        raise FileRefused(f"照片规格文件 {path} 中没有任何规格")
    return tuple(sorted(presets, key=lambda p: not p.default))


def preset_by_key(key: str | None) -> Preset:
    presets = load_presets()
    if not key:
        return presets[0]
    for preset in presets:
        if preset.key == key:
            return preset
    raise RuleViolation(f"没有名为“{key}”的照片规格（可选：{'、'.join(p.key for p in presets)}）")


def active_preset(session: Session) -> Preset:
    """The preset chosen for this confirmation point; the file's default when none (or a removed one)."""
    key = session.scalar(select(Setting.value).where(Setting.key == PRESET_SETTING))
    try:
        return preset_by_key(key)
    except RuleViolation:
        return load_presets()[0]


def set_active_preset(session: Session, key: str) -> Preset:
    preset = preset_by_key(key)
    setting = session.get(Setting, PRESET_SETTING)
    if setting is None:
        session.add(Setting(key=PRESET_SETTING, value=preset.key))
    else:
        setting.value = preset.key
    return preset
