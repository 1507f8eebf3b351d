"""Normalising 200 camera-sized JPEGs (4000×3000): our service vs the Pillow floor, ms per photo.

Run from the repository root: `python -m bench.photo_normalize [--count N]`. Goal: ≤ 40 ms per photo
and ≤ 1.3× the floor (draft decode + crop + resize + JPEG save alone), both measured in the same run.
"""

from __future__ import annotations

import argparse
import io
import math
import statistics
import time
from collections.abc import Callable

from PIL import Image, ImageDraw

SIZE = (4000, 3000)
TARGET = (114, 156)


def make_photos(count: int) -> list[bytes]:
    """Camera-like JPEGs: a head-and-shoulders shape on a gradient with some noise, varied per photo.
    Encoding 4000×3000 is slow, so a few masters are made and re-tagged with different quality."""
    masters = []
    for i in range(4):
        image = Image.linear_gradient("L").resize(SIZE).convert("RGB")
        draw = ImageDraw.Draw(image)
        cx = 2000 + (i - 2) * 300
        draw.ellipse((cx - 500, 500, cx + 500, 1800), fill=(225, 190, 160))
        draw.rectangle((cx - 1100, 1900, cx + 1100, 3000), fill=(40, 40, 60))
        noise = Image.effect_noise(SIZE, 24).convert("RGB")
        masters.append(Image.blend(image, noise, 0.15))
    distinct = []
    for i in range(min(count, 20)):  # 20 distinct files defeat any caching; the rest repeat them
        out = io.BytesIO()
        masters[i % len(masters)].save(out, "JPEG", quality=88 + i % 5)
        distinct.append(out.getvalue())
    photos = [distinct[i % len(distinct)] for i in range(count)]
    return photos


def floor(data: bytes) -> bytes:
    """Pillow alone, no checks: draft decode, centred 114:156 crop, resize, JPEG save."""
    image = Image.open(io.BytesIO(data))
    w, h = image.size
    ch = min(h, w * TARGET[1] / TARGET[0])
    cw = ch * TARGET[0] / TARGET[1]
    shrink = min(cw / TARGET[0], ch / TARGET[1])
    image.draft("RGB", (math.ceil(w / shrink), math.ceil(h / shrink)))
    scale = image.size[0] / w
    box = ((w - cw) / 2 * scale, 0, (w + cw) / 2 * scale, ch * scale)
    small = image.resize(TARGET, Image.Resampling.LANCZOS, box=box)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=92)
    return out.getvalue()


def ours(data: bytes) -> bytes:
    from confirm_desk.services.photos.normalize import normalize_bytes

    return normalize_bytes(data).data


def time_per_photo(fn: Callable[[bytes], bytes], photos: list[bytes], rounds: int) -> float:
    """Median over rounds of the mean ms per photo."""
    results = []
    for _ in range(rounds):
        start = time.perf_counter()
        for data in photos:
            fn(data)
        results.append((time.perf_counter() - start) * 1000 / len(photos))
    return statistics.median(results)


def measure(count: int, rounds: int) -> tuple[float, float, float]:
    """(floor ms, ours ms, average input KB); the two are interleaved so both see the same load."""
    photos = make_photos(count)
    assert Image.open(io.BytesIO(ours(photos[0]))).size == TARGET
    ours(photos[0]), floor(photos[0])  # warm up imports
    floor_ms, ours_ms = [], []
    for _ in range(rounds):
        floor_ms.append(time_per_photo(floor, photos, 1))
        ours_ms.append(time_per_photo(ours, photos, 1))
    return statistics.median(floor_ms), statistics.median(ours_ms), statistics.mean(map(len, photos)) / 1024


def bench_rows(quick: bool) -> list[dict]:
    """Rows for `python -m bench` (see bench/__main__.py)."""
    from bench.__main__ import row

    count = 40 if quick else 200
    f, o, kb = measure(count, 1 if quick else 3)
    return [row(f"photo normalise 4000×3000 JPEG, {count} photos", o, f, 1.3, "ms", 40,
                note=f"≈{kb:.0f} KB per input")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    f, o, kb = measure(args.count, args.rounds)
    print(f"{args.count} JPEGs {SIZE[0]}×{SIZE[1]} (≈{kb:.0f} KB each), {args.rounds} rounds, "
          f"{time.perf_counter() - started:.1f} s in all")
    print(f"floor (Pillow draft + crop + resize + save): {f:6.1f} ms/photo")
    print(f"ours  (normalize_bytes):                     {o:6.1f} ms/photo")
    print(f"ratio ours/floor: {o / f:.2f}×   (goals: ≤ 40 ms/photo, ≤ 1.3×)")
    print("verdict:", "met" if o <= 40 and o / f <= 1.3 else "NOT met")


if __name__ == "__main__":
    main()
