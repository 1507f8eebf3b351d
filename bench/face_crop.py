"""Detect + face-centred crop + save for camera-sized photos made from the sample faces, beside the floor.

`python -m bench.face_crop [--count N]`: 200 JPEGs of 4000×3000 (portrait and landscape, the sample
portrait pasted at varied places and sizes, some with EXIF orientation 6), through
photo_analysis.normalize_and_check (upright ≈640 px copy, YuNet, border colours, crop, JPEG under the
ceiling), against bench.photo_normalize.floor (Pillow draft + centred crop + resize + save). Goal ≤ 80 ms.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
from pathlib import Path

from PIL import Image

from bench.photo_normalize import floor, time_per_photo

FACES = Path(__file__).resolve().parents[1].parent / "shared" / "domain" / "samples" / "faces"


def make_photos(count: int) -> list[bytes]:
    """Camera-sized JPEGs from plain_white.jpg: 8 distinct layouts (size, place, EXIF), repeated."""
    with Image.open(FACES / "plain_white.jpg") as source:
        portrait = source.convert("RGB")
    distinct = []
    for i in range(8):
        size = (3000, 4000) if i % 2 else (4000, 3000)
        canvas = Image.new("RGB", size, (200 + i * 5, 205, 210))
        scale = 2.2 + 0.3 * (i % 4)
        person = portrait.resize((round(600 * scale), round(800 * scale)))
        x = (size[0] - person.width) * (i % 3 + 1) // 4
        canvas.paste(person, (x, max(0, size[1] - person.height)))
        out = io.BytesIO()
        if i % 4 == 3:  # stored sideways with EXIF orientation 6, as phones do
            exif = Image.Exif()
            exif[0x0112] = 6
            canvas.transpose(Image.Transpose.ROTATE_90).save(out, "JPEG", quality=88, exif=exif)
        else:
            canvas.save(out, "JPEG", quality=88)
        distinct.append(out.getvalue())
    return [distinct[i % len(distinct)] for i in range(count)]


def ours(data: bytes) -> bytes:
    from confirm_desk.services.photos.analysis import normalize_and_check
    from confirm_desk.services.photos.presets import preset_by_key

    result, check = normalize_and_check(data, preset_by_key(None))
    assert len(check.faces) == 1, check.codes
    return result.data


def measure(count: int, rounds: int) -> tuple[float, float]:
    photos = make_photos(count)
    ours(photos[0]), floor(photos[0])  # warm up: imports, model load
    floor_ms, ours_ms = [], []
    for _ in range(rounds):
        floor_ms.append(time_per_photo(floor, photos, 1))
        ours_ms.append(time_per_photo(ours, photos, 1))
    return statistics.median(floor_ms), statistics.median(ours_ms)


def bench_rows(quick: bool) -> list[dict]:
    """Rows for `python -m bench` (see bench/__main__.py)."""
    from bench.__main__ import row

    count = 40 if quick else 200
    f, o = measure(count, 1 if quick else 3)
    return [row(f"detect + face crop + save 4000×3000, {count} photos", o, f, None, "ms", 80,
                note="floor = plain normalise (no detection)")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    f, o = measure(args.count, args.rounds)
    print(f"{args.count} camera-sized JPEGs, {args.rounds} rounds")
    print(f"floor (plain normalise, Pillow):        {f:6.1f} ms/photo")
    print(f"ours  (detect + face crop + checks):    {o:6.1f} ms/photo   goal ≤ 80 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
