"""Photo bytes to the CONF-7 photo: upright, cropped to 114:156, resized to 114×156, baseline JPEG.

Too-small photos: a photo (or crop frame) down to half the target height (78 px) is accepted and
upscaled, with a warning kept beside the result. The photos come with the national system's export,
which accepted them; refusing would stop the applicant at the desk over a slightly soft picture the
clerk can judge on screen (and retake if needed). Beyond 2× the enlargement is visibly mush, so
smaller photos are refused with a request to retake.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from confirm_desk.domain.errors import PhotoRefused
from confirm_desk.domain.photo_frame import (
    MIN_HEIGHT,
    TARGET_H,
    TARGET_W,
    Frame,
    default_frame,
    fit_frame,
    normal_rotation,
    whole_frame,
)
from confirm_desk.services.photos.decoding import (
    SUPPORTED_FORMATS,
    SUPPORTED_TEXT,
    open_image,
    refusal_of,
)

if TYPE_CHECKING:
    from PIL import Image
    from PIL.ImageFile import ImageFile

Box = tuple[float, float, float, float]  # x0, y0, x1, y1

TARGET = (TARGET_W, TARGET_H)
DEFAULT_MAX_BYTES = 60 * 1024
QUALITIES = (92, 85, 78, 70, 60, 50, 40, 30)  # first one that fits under the ceiling wins

# Transpose steps, as Pillow method values: EXIF orientation -> the steps that make it upright
# (Image.Transpose: 0 FLIP_LEFT_RIGHT, 1 FLIP_TOP_BOTTOM, 2 ROTATE_90 ccw, 3 ROTATE_180,
# 4 ROTATE_270 ccw = 90 cw, 5 TRANSPOSE, 6 TRANSVERSE).
_EXIF_STEPS = {2: (0,), 3: (3,), 4: (1,), 5: (5,), 6: (4,), 7: (6,), 8: (2,)}
_TURN_STEPS = {0: (), 90: (4,), 180: (3,), 270: (2,)}  # the user's clockwise turn
_INVERSE = {0: 0, 1: 1, 2: 4, 3: 3, 4: 2, 5: 5, 6: 6}
_SWAPS = {2, 4, 5, 6}


@dataclass(frozen=True)
class NormalizedPhoto:
    data: bytes  # the 114×156 baseline JPEG
    frame: Frame  # the crop used, whole pixels of the upright photo after `rotation`
    rotation: int  # clockwise degrees applied after the EXIF orientation
    upright_size: tuple[int, int]  # the photo's size after EXIF orientation, before `rotation`
    quality: int
    warning: str = ""


@contextmanager
def _refusals() -> Iterator[None]:
    """Pillow's many failures as one plain message each. Its bomb guard stays on; the pixel count that
    only makes it warn is refused in _open (warnings.catch_warnings is not thread-safe: batch jobs run
    in worker threads)."""
    try:
        yield
    except Exception as exc:
        message = refusal_of(exc)
        if message is None:
            raise
        raise PhotoRefused(message) from exc


def _open(data: bytes) -> tuple[ImageFile, tuple[int, ...]]:
    """The image (header read only) and the transpose steps that make it upright."""
    if not data:
        raise PhotoRefused("照片文件为空（0 字节）")
    image = open_image(data)  # decoding.py: a phone's 108 MP JPEG opens (decoded reduced), bombs do not
    if image.format not in SUPPORTED_FORMATS:
        image.close()
        raise PhotoRefused(f"不支持的图片格式 {image.format}（支持 {SUPPORTED_TEXT}）")
    try:
        orientation = int(image.getexif().get(0x0112, 1) or 1)
    except Exception:  # a broken EXIF block is not a broken photo
        orientation = 1
    return image, _EXIF_STEPS.get(orientation, ())


def _size_after(size: tuple[int, int], steps: tuple[int, ...]) -> tuple[int, int]:
    w, h = size
    for step in steps:
        if step in _SWAPS:
            w, h = h, w
    return w, h


def _map_box(box: Box, size: tuple[int, int], step: int) -> Box:
    """A rectangle (x0, y0, x1, y1) of an image of `size`, where it lands after transpose `step`."""
    w, h = size
    x0, y0, x1, y1 = box
    corners = [(x0, y0), (x1, y1)]
    moves: dict[int, Callable[[float, float], tuple[float, float]]] = {
        0: lambda x, y: (w - x, y), 1: lambda x, y: (x, h - y), 2: lambda x, y: (y, w - x),
        3: lambda x, y: (w - x, h - y), 4: lambda x, y: (h - y, x), 5: lambda x, y: (y, x),
        6: lambda x, y: (h - y, w - x),
    }
    (ax, ay), (bx, by) = (moves[step](*c) for c in corners)
    return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _box_in_stored(frame: Frame, stored: tuple[int, int], steps: tuple[int, ...]) -> Box:
    """The frame (given in the turned picture) as a box of the stored pixels: undo the steps backwards."""
    sizes = [stored]
    for step in steps:
        sizes.append(_size_after(sizes[-1], (step,)))
    box: Box = (frame.x, frame.y, frame.right, frame.bottom)
    for step, size_before in zip(reversed(steps), reversed(sizes[:-1]), strict=True):
        box = _map_box(box, _size_after(size_before, (step,)), _INVERSE[step])
    return box


def _small_warning(frame: Frame, upright: tuple[int, int], target: tuple[int, int] = TARGET) -> str:
    size = f"{target[0]}×{target[1]}"
    if frame.h >= target[1] - 0.5:
        return ""
    if frame.h < MIN_HEIGHT - 0.5:  # fit_frame never makes a frame this small unless the photo is
        raise PhotoRefused(f"照片尺寸 {upright[0]}×{upright[1]} 太小：放大到 {size} 超过 2 倍会严重模糊，"
                           "请重新拍摄")
    return (f"照片分辨率不足（裁剪区域 {round(frame.w)}×{round(frame.h)}），已放大到 {size}，"
            "可能略模糊，建议重新拍摄")


def normalize_bytes(data: bytes, frame: Frame | None = None, rotation: int = 0,
                    max_bytes: int = DEFAULT_MAX_BYTES, target: tuple[int, int] = TARGET) -> NormalizedPhoto:
    """The CONF-7 JPEG (or one of `target` size, for another preset) from any supported photo. `frame`
    is in the pixels of the upright photo turned clockwise by `rotation`; None means the default
    head-and-shoulders frame (the face-centred one is chosen by services.photo_analysis)."""
    from PIL import Image

    rotation = normal_rotation(rotation)
    with _refusals():
        image, exif_steps = _open(data)
        with image:
            steps = exif_steps + _TURN_STEPS[rotation]
            upright = _size_after(image.size, exif_steps)
            width, height = _size_after(image.size, steps)
            ratio = target[0] / target[1]
            frame = whole_frame(fit_frame(frame, width, height, ratio) if frame
                                else default_frame(width, height, ratio), width, height)
            warning = _small_warning(frame, upright, target)
            box = _box_in_stored(frame, image.size, steps)
            # Draft: let the JPEG decoder scale by 1/2..1/8 while the frame keeps >= 114x156 pixels.
            stored = image.size
            shrink = min(frame.w / target[0], frame.h / target[1])
            if shrink > 1 and image.format in ("JPEG", "MPO"):
                image.draft("RGB", (math.ceil(stored[0] / shrink), math.ceil(stored[1] / shrink)))
            scale = (image.size[0] / stored[0], image.size[1] / stored[1])
            image.load()
            working = _working_mode(image)
            swapped = _size_after((1, 2), steps) == (2, 1)
            box = (box[0] * scale[0], box[1] * scale[1], box[2] * scale[0], box[3] * scale[1])
            # Resize the stored pixels first and turn the 114x156 result: turning is then free.
            small = working.resize(target[::-1] if swapped else target, Image.Resampling.LANCZOS,
                                 box=box, reducing_gap=3.0)
            for step in steps:
                small = small.transpose(Image.Transpose(step))
            small = _flatten(small)
    encoded, quality = encode_jpeg(small, max_bytes)
    return NormalizedPhoto(encoded, frame, rotation, upright, quality, warning)


def _working_mode(image: Image.Image) -> Image.Image:
    """A mode Pillow resizes well: RGB, RGBA (kept for a white background later) or L."""
    if image.mode in ("RGB", "RGBA", "L"):
        return image
    if image.mode.startswith("I"):  # 16-bit greyscale PNG: keep the top 8 bits rather than clip to white
        return image.convert("I").point(lambda v: v / 256).convert("L")
    return image.convert("RGBA" if "transparency" in image.info or "A" in image.mode else "RGB")


def _flatten(image: Image.Image) -> Image.Image:
    """RGB at last; a transparent background becomes white (the photo background colour), not black."""
    from PIL import Image

    if image.mode == "RGBA":
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        return flat
    return image.convert("RGB") if image.mode != "RGB" else image


def encode_jpeg(image: Image.Image, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, int]:
    """Baseline JPEG at the best quality that stays under the ceiling."""
    for quality in QUALITIES:
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, optimize=True, progressive=False)
        if out.tell() <= max_bytes:
            return out.getvalue(), quality
    raise PhotoRefused(f"无法把照片压缩到 {max_bytes // 1024} KB 以内（请调高照片大小上限）")


def upright_preview(data: bytes, max_side: int = 1600, draft_side: int | None = None,
                    resample: Image.Resampling | None = None) -> tuple[Image.Image, tuple[int, int]]:
    """The upright RGB photo at most `max_side` pixels (for the crop dialog) and its full upright size.
    `draft_side` lets the JPEG decoder scale down further, to no less than that long side (analysis
    copies: decoding at 1/8 and skipping the resize is most of the cost saved)."""
    from PIL import Image

    with _refusals():
        image, steps = _open(data)
        with image:
            upright = _size_after(image.size, steps)
            shrink = max(image.size) / (draft_side or max_side)
            if shrink > 1 and image.format in ("JPEG", "MPO"):
                image.draft("RGB", (math.ceil(image.size[0] / shrink), math.ceil(image.size[1] / shrink)))
            image.load()
            view = _working_mode(image).copy()
    view.thumbnail((max_side, max_side), Image.Resampling.LANCZOS if resample is None else resample,
                   reducing_gap=3.0)
    for step in steps:
        view = view.transpose(Image.Transpose(step))
    return _flatten(view), upright
