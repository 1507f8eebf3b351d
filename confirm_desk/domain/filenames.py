"""Names the app makes from data (ID numbers, 报名号, names) for files and archive members: never a path.

A passport-type ID number is free text (`../../../../tmp/PWNED`); as a file or zip member name it must stay
one plain name inside the folder or archive, on Windows too."""

from __future__ import annotations

import re

# Kept: ASCII letters and digits, '_' and '-', CJK ideographs. Anything else (dots, slashes, colons,
# spaces, controls, drive letters…) becomes one '_'; so no '..', no extension games, no absolute path.
_UNSAFE = re.compile(r"[^0-9A-Za-z_\-\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
MAX_STEM = 80


def safe_stem(text: str, fallback: str = "_") -> str:
    """`text` as a file name without extension that is safe everywhere (see the module docstring)."""
    stem = _UNSAFE.sub("_", text).strip("_-")[:MAX_STEM].strip("_-")
    if not stem:
        return fallback
    if stem.upper() in _RESERVED:
        stem = "_" + stem
    return stem


def is_safe_stem(text: str) -> bool:
    return safe_stem(text, "") == text
