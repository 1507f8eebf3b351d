"""Opening photos as phones and offices supply them: JPEG (any size a phone takes), PNG, BMP, WebP, GIF,
TIFF, and HEIC/HEIF through pillow-heif when it is installed. One opener for the probe and the normaliser,
so a photo accepted at import is one the desk can normalise later.

Pillow refuses more than 2 × MAX_IMAGE_PIXELS (179 million) as a decompression bomb. A JPEG is decoded
reduced (draft mode: 1/2 to 1/8 scale inside the decoder), so a 108- or 200-megapixel phone photo costs a
few million pixels: for JPEG only, the limit is raised to JPEG_MAX_PIXELS while the header is read. Every
other format, and a JPEG claiming more than that, stays refused."""

from __future__ import annotations

import io
import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.ImageFile import ImageFile

log = logging.getLogger(__name__)

SUPPORTED_FORMATS = ("JPEG", "MPO", "PNG", "BMP", "WEBP", "GIF", "TIFF", "HEIF")
SUPPORTED_TEXT = "JPEG、PNG、BMP、WebP、GIF、TIFF、HEIC"
JPEG_MAX_PIXELS = 260_000_000  # a 200 MP sensor (16,320 × 12,240) with room; decoded at 1/8 it is 4 M
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif")
_lock = threading.Lock()  # MAX_IMAGE_PIXELS is global: only one of our opens changes it at a time
_heif_state: dict[str, object] = {}
HEIF_MISSING = ("HEIC/HEIF 照片（苹果手机默认格式）需要 pillow-heif 组件才能读取，本机未安装："
                "请在手机上改用“兼容性最佳”格式，或把照片转换为 JPEG 后再导入")
# Pillow's own words ("Truncated File Read", "image file is truncated") are English and say no more to a clerk
DAMAGED = "图片文件已损坏或不完整：请重新拍摄或从相机、扫描仪重新导出这张照片"
BOMB_MESSAGE = "图片像素过多（疑似“解压炸弹”），已拒绝"
UNRECOGNISED = f"不是可识别的图片文件（支持 {SUPPORTED_TEXT}）"


def refusal_of(exc: BaseException) -> str | None:
    """The clerk's words for a failure of Pillow's to open or decode a photo (the probe's and the normaliser's
    alike); None for anything else. Its bomb guard stays on: both its error and its warning are refusals."""
    from PIL import Image, UnidentifiedImageError

    if isinstance(exc, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
        return BOMB_MESSAGE
    if isinstance(exc, UnidentifiedImageError):  # an OSError: before the damaged files
        return HEIF_MISSING if HEIF_MISSING in str(exc) else UNRECOGNISED
    if isinstance(exc, (OSError, SyntaxError, ValueError, EOFError)):
        log.info("photo refused as damaged: %s", exc)  # Pillow's words, for whoever looks into it
        return DAMAGED
    return None


def is_jpeg(data: bytes) -> bool:
    return data[:3] == b"\xff\xd8\xff"


def is_heif(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


def heif_available() -> bool:
    """Register pillow-heif's opener once; False (with the reason kept) when it cannot be imported."""
    if "ok" not in _heif_state:
        try:
            import pillow_heif

            pillow_heif.register_heif_opener()
            _heif_state["ok"] = True
        except Exception as exc:  # not installed, or its native library missing on this machine
            _heif_state["ok"] = False
            _heif_state["why"] = exc.__class__.__name__
    return bool(_heif_state["ok"])


def open_image(data: bytes) -> ImageFile:
    """`Image.open` on the bytes (header only; the caller loads, with draft for a JPEG). Raises Pillow's
    errors (DecompressionBombError for a bomb, UnidentifiedImageError, OSError)."""
    from PIL import Image, UnidentifiedImageError

    if is_heif(data) and not heif_available():
        raise UnidentifiedImageError(HEIF_MISSING)
    if not is_jpeg(data):
        image = Image.open(io.BytesIO(data))
        if Image.MAX_IMAGE_PIXELS and image.width * image.height > Image.MAX_IMAGE_PIXELS:
            image.close()
            raise Image.DecompressionBombError(f"{image.width}×{image.height}")
        return image
    with _lock:
        saved = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = max(saved or 0, JPEG_MAX_PIXELS)  # warns past this, refuses past twice
        try:
            image = Image.open(io.BytesIO(data), formats=["JPEG"])
        finally:
            Image.MAX_IMAGE_PIXELS = saved
    if image.width * image.height > JPEG_MAX_PIXELS:
        image.close()
        raise Image.DecompressionBombError(f"{image.width}×{image.height}")
    return image
