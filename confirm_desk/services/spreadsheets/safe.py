"""Cells written by the app can never run as formulas (OWASP CSV-injection guidance)."""

from __future__ import annotations

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe-free quote mark."""
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value
