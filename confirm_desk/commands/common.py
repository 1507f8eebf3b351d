"""Helpers shared by the CLI subcommands."""

from __future__ import annotations

import argparse
import os

from confirm_desk.store.db import Store, open_store


def store_from(args: argparse.Namespace) -> Store:
    return open_store(getattr(args, "db", None) or os.environ.get("CONFIRM_DESK_DB"))


def add_format(parser: argparse.ArgumentParser, choices: tuple[str, ...] = ("table", "json")) -> None:
    parser.add_argument("--format", choices=choices, default=choices[0], help="输出格式")


def print_table(headers: list[str], rows: list[list[object]]) -> None:
    widths = [max([_width(h)] + [_width(str(r[i])) for r in rows]) for i, h in enumerate(headers)]
    print("  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)))
    for r in rows:
        print("  ".join(_pad(str(c), w) for c, w in zip(r, widths, strict=True)))


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def emit_json_result(result) -> None:  # noqa: ANN001
    """A dataclass result as JSON for scripts."""
    from dataclasses import asdict

    from confirm_desk.cli import emit_json

    emit_json(asdict(result))
