"""The offline OCR: RapidOCR on ONNX Runtime with the PP-OCR models shipped inside the `rapidocr` wheel.

Loaded on first use (the import and the three ONNX sessions take about a second), then kept for the process.
The model files are given by path, so RapidOCR never looks for (or downloads) anything else.
"""

from __future__ import annotations

import io
import logging
import math
import statistics
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from confirm_desk.domain.errors import KnownError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from rapidocr import RapidOCR

log = logging.getLogger(__name__)
MODEL_FILES = {
    "det": "PP-OCRv6_det_small.onnx",
    "rec": "PP-OCRv6_rec_small.onnx",
    "cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}
MAX_SIDE = 2000  # pixels: a 12-megapixel document-camera picture is reduced before detection
_lock = threading.Lock()
_engine: RapidOCR | None = None


@dataclass(frozen=True)
class Line:
    """One text line the OCR found: its text, confidence 0–1 and box (left, top, right, bottom)."""

    text: str
    confidence: float
    box: tuple[float, float, float, float]

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]

    @property
    def middle(self) -> float:
        return (self.box[1] + self.box[3]) / 2


def models_dir() -> Path:
    """The `models` folder inside the installed (or frozen) rapidocr package, found without importing it."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "rapidocr" / "models"
    import importlib.util

    spec = importlib.util.find_spec("rapidocr")
    if spec is None or spec.origin is None:
        raise KnownError("未安装文字识别组件 rapidocr，无法扫描证件。")
    return Path(spec.origin).parent / "models"


def _load() -> RapidOCR:
    global _engine
    if _engine is not None:
        return _engine
    folder = models_dir()
    paths = {task: folder / name for task, name in MODEL_FILES.items()}
    missing = [p.name for p in paths.values() if not p.is_file()]
    if missing:
        raise KnownError(f"文字识别模型文件缺失：{'、'.join(missing)}（应在 {folder}）。请重新安装确认台。")
    from rapidocr import RapidOCR

    params = {
        "Global.log_level": "error",
        "Global.max_side_len": MAX_SIDE,
        # Detection on the longer side reduced to 960 px: half the CPU of the default, same lines read
        # on the bench corpus (recognition still crops from the full picture).
        "Det.limit_type": "max",
        "Det.limit_side_len": DET_SIDE,
        "Det.box_thresh": 0.3,  # keeps one-character values (性别 女, 民族 汉) the default 0.5 drops
        "Det.model_path": str(paths["det"]),
        "Rec.model_path": str(paths["rec"]),
        "Cls.model_path": str(paths["cls"]),
    }
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    _engine = RapidOCR(params=params)
    log.info("OCR engine loaded from %s", folder)
    return _engine


def is_loaded() -> bool:
    return _engine is not None


def decode(image: bytes | str | Path) -> npt.NDArray[np.uint8]:
    """Image bytes or a path as an upright BGR array (EXIF rotation applied); KnownError when not an image."""
    import numpy as np
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = str(image) if not isinstance(image, bytes) else "图像"
    try:
        data = Path(image).read_bytes() if not isinstance(image, bytes) else image
        with Image.open(io.BytesIO(data)) as opened:
            upright = ImageOps.exif_transpose(opened).convert("RGB")
    except FileNotFoundError as exc:
        raise KnownError(f"找不到图像文件：{name}") from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise KnownError(f"无法读取图像：{name}（不是可识别的 JPEG/PNG/BMP 图片，或文件已损坏）") from exc
    return np.ascontiguousarray(np.asarray(upright)[:, :, ::-1])


DET_SIDE, DET_SIDE_FINE = 960, 1920


def read_lines(image: bytes | str | Path | npt.NDArray[np.uint8], fine: bool = False) -> list[Line]:
    """Every text line in the image, top to bottom. Thread-safe (one recognition at a time).

    `fine`: detection at twice the resolution, for a small document in a large picture (an ID card on a
    document camera's A4 field) whose text the normal pass finds too small; about three times the CPU."""
    pixels = decode(image) if isinstance(image, bytes | str | Path) else image
    with _lock:
        engine = _load()
        if fine:
            # rapidocr leaves this (private) loader unannotated.
            detector = engine._load_det_model()  # type: ignore[no-untyped-call]  # RapidOCR builds the detector's resize step on each call
            detector.limit_side_len = DET_SIDE_FINE
            try:
                result = engine(pixels)
            finally:
                detector.limit_side_len = DET_SIDE
        else:
            result = engine(pixels)
    from rapidocr.utils.output import RapidOCROutput

    assert isinstance(result, RapidOCROutput)  # a whole-pipeline call (the other outputs are single steps')
    boxes, texts, scores = result.boxes, result.txts, result.scores
    if boxes is None or texts is None or scores is None:
        return []
    quads = [[(float(p[0]), float(p[1])) for p in box] for box in boxes]
    turn = -skew(quads)
    cos, sin = math.cos(turn), math.sin(turn)
    lines = []
    for quad, text, score in zip(quads, texts, scores, strict=True):
        xs = [x * cos - y * sin for x, y in quad]
        ys = [x * sin + y * cos for x, y in quad]
        lines.append(Line(str(text), float(score), (min(xs), min(ys), max(xs), max(ys))))
    lines.sort(key=lambda line: (line.middle, line.box[0]))
    return lines


def skew(quads: list[list[tuple[float, float]]]) -> float:
    """The page's rotation in radians: the median slope of the wide text boxes' top edges, so the boxes
    can be put level and rows found by height even when the picture was taken at an angle."""
    angles = []
    for quad in quads:
        (x0, y0), (x1, y1) = quad[0], quad[1]
        width, height = math.hypot(x1 - x0, y1 - y0), math.hypot(quad[3][0] - x0, quad[3][1] - y0)
        if width > 2 * height:
            angles.append(math.atan2(y1 - y0, x1 - x0))
    return statistics.median(angles) if angles else 0.0
