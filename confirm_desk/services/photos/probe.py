"""Is a photo usable? A fast decode (JPEG draft mode) that catches corrupt and truncated files, with the same
opener the normaliser uses (decoding.py): what is accepted here can be normalised later."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from confirm_desk.services.photos.decoding import (
    HEIF_MISSING,
    SUPPORTED_FORMATS,
    SUPPORTED_TEXT,
    open_image,
    refusal_of,
)

if TYPE_CHECKING:
    from PIL import Image

TARGET_SIZE = (114, 156)  # CONF-7


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    width: int = 0
    height: int = 0
    format: str = ""
    problem: str = ""  # why it cannot be used (ok=False) or what to watch (ok=True)


def probe_photo(data: bytes) -> ProbeResult:
    if not data:
        return ProbeResult(False, problem="照片文件为空（0 字节）")
    try:
        with open_image(data) as image:  # decoding.py: the normaliser's own opener
            fmt = image.format or ""
            if fmt not in SUPPORTED_FORMATS:
                return ProbeResult(False, format=fmt, problem=f"不支持的图片格式 {fmt}（支持 {SUPPORTED_TEXT}）")
            size = image.size
            if _orientation(image) in (5, 6, 7, 8):  # stored sideways: upright it is the other way
                size = (size[1], size[0])
            image.draft("RGB", TARGET_SIZE)  # JPEG: decoded at 1/8 scale (a 108 MP photo costs ~2 MP)
            image.load()
    except Exception as exc:
        message = refusal_of(exc)
        if message is None:
            raise
        return ProbeResult(False, format="HEIF" if message == HEIF_MISSING else "", problem=message)
    width, height = size
    problem = ""
    if width < TARGET_SIZE[0] or height < TARGET_SIZE[1]:
        problem = f"照片尺寸 {width}×{height} 小于要求的 114×156，需放大，建议重新拍摄"
    return ProbeResult(True, width, height, fmt, problem)


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1) or 1)
    except Exception:  # a broken EXIF block is not a broken photo
        return 1
