"""The byte-flip corpus (issue 25 item 5): a real export and a real photo zip, each with bytes changed at
seeded positions. Generated at test time, the same every run; no file is shipped."""

from __future__ import annotations

import random
import zipfile
from dataclasses import dataclass
from pathlib import Path

SEED = 25
XLSX_CASES = 150
ZIP_CASES = 110


@dataclass(frozen=True)
class Flip:
    name: str  # the damaged file's name (it must appear in the message)
    kind: str  # "xlsx" or "zip"
    source: str  # "export" or "photos"
    positions: tuple[int, ...]
    values: tuple[int, ...]

    def apply(self, data: bytes) -> bytes:
        out = bytearray(data)
        for pos, value in zip(self.positions, self.values, strict=True):
            out[pos] = value if value != out[pos] else value ^ 0xFF
        return bytes(out)


def photo_zip(samples: Path, out: Path) -> Path:
    """The sample photos in one zip, stored (not deflated) like a camera folder zipped as it is."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted((samples / "photos").iterdir())[:12]:
            z.write(p, p.name)
    return out


def plan(sizes: dict[str, int]) -> list[Flip]:
    """Where to flip: one byte, a few bytes, or a byte inside the zip directory at the end of the file."""
    rng = random.Random(SEED)
    flips = []
    for kind, source, count in (("xlsx", "export", XLSX_CASES), ("zip", "photos", ZIP_CASES)):
        size = sizes[source]
        for i in range(count):
            style = i % 3
            if style == 0:
                positions = (rng.randrange(size),)
            elif style == 1:
                positions = tuple(sorted(rng.sample(range(size), 4)))
            else:  # the central directory and end record: the zip's own structure
                positions = (rng.randrange(max(size - 2048, 0), size),)
            values = tuple(rng.randrange(256) for _ in positions)
            flips.append(Flip(f"flip{i:03d}.{kind}", kind, source, positions, values))
    return flips


def build(samples: Path, folder: Path) -> list[tuple[Flip, Path]]:
    """Writes every damaged file into `folder`; returns (case, path)."""
    folder.mkdir(parents=True, exist_ok=True)
    originals = {"export": (samples / "applicants_export.xlsx").read_bytes(),
                 "photos": photo_zip(samples, folder / "photos_original.zip").read_bytes()}
    cases = []
    for flip in plan({k: len(v) for k, v in originals.items()}):
        path = folder / flip.name
        path.write_bytes(flip.apply(originals[flip.source]))
        cases.append((flip, path))
    return cases
