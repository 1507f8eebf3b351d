"""Look at a photo: faces, the face-centred crop, border colour and greyscale, then the domain's findings.

One ≈640 px upright copy (JPEG draft decode, EXIF applied) serves the detector and the colour
measurements; the crop itself is then made from the full photo by photo_normalize.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from confirm_desk.domain.photo_checks import Finding, PhotoFacts, Preset, check_photo, classify_background
from confirm_desk.domain.photo_frame import (
    Frame,
    default_frame,
    face_frame,
    fit_frame,
    rotated_size,
    whole_frame,
)
from confirm_desk.services.photos.normalize import (
    DEFAULT_MAX_BYTES,
    NormalizedPhoto,
    encode_jpeg,
    normalize_bytes,
    upright_preview,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from PIL import Image

ANALYSIS_SIDE = 640  # at most; the JPEG decoder's own 1/2..1/8 scaling picks the size (≥ 320 px)
STRIP = 0.08  # border strip thickness, as a share of the frame's width
SIDE_DEPTH = 0.55  # the side strips run down this share of the frame (below: shoulders, clothes)
CHROMA_VISIBLE = 10.0  # Lab chroma above this reads as colour, not grey


@dataclass(frozen=True)
class Look:
    """The measured photo: the analysis copy, its scale to upright pixels, and the faces found."""

    image: Image.Image  # Pillow RGB image, upright (after `rotation`), at most ANALYSIS_SIDE long
    size: tuple[int, int]  # the full upright size after `rotation`
    faces: tuple[Frame, ...]  # in full upright pixels, largest first

    @property
    def scale(self) -> float:
        return self.image.width / self.size[0]


@dataclass(frozen=True)
class PhotoCheck:
    faces: tuple[Frame, ...]
    background: str
    findings: tuple[Finding, ...]
    frame: Frame
    size: tuple[int, int]

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def as_dict(self) -> dict[str, object]:
        return {"size": list(self.size), "faces": [list(f.rounded()) for f in self.faces],
                "background": self.background, "crop_box": self.frame.as_text(),
                "findings": [{"code": f.code, "message": f.message} for f in self.findings]}


def look(data: bytes, rotation: int = 0) -> Look:
    """Decode a small upright copy and find the faces (raises PhotoRefused for unreadable data)."""
    from confirm_desk.services.photos.faces import DETECT_SIDES, detect_faces

    image, upright = upright_preview(data, ANALYSIS_SIDE, DETECT_SIDES[0])
    if rotation:
        image = image.rotate(-rotation, expand=True)
    size = rotated_size(*upright, rotation)
    back = size[0] / image.width
    faces = tuple(Frame(f.x * back, f.y * back, f.w * back, f.h * back) for f in detect_faces(image))
    return Look(image, size, faces)


def choose_frame(seen: Look, frame: Frame | None, ratio: float, face: bool = True) -> Frame:
    """The given frame (made valid), else the face-centred one for exactly one face, else the default."""
    if frame is not None:
        return fit_frame(frame, *seen.size, ratio)
    if face and len(seen.faces) == 1:
        return face_frame(seen.faces[0], *seen.size, ratio)
    return default_frame(*seen.size, ratio)


def _lab(pixels: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """sRGB (uint8 array, ... × 3) to CIE Lab (D65)."""
    import numpy as np

    rgb = pixels.astype(np.float32) / 255.0
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = linear @ np.array([[0.4124, 0.2126, 0.0193], [0.3576, 0.7152, 0.1192],
                             [0.1805, 0.0722, 0.9505]], dtype=np.float32)
    xyz /= np.array([0.95047, 1.0, 1.08883], dtype=np.float32)
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


def border_blocks(seen: Look, frame: Frame) -> list[tuple[float, float, float]]:
    """Mean Lab of the blocks along the crop's top edge (6) and the upper parts of its sides (4 each)."""
    import numpy as np

    s = seen.scale
    x0, y0, w, h = frame.x * s, frame.y * s, frame.w * s, frame.h * s
    t = max(2.0, STRIP * w)
    rects = [(x0 + w * i / 6, y0, w / 6, t) for i in range(6)]
    for left in (x0, x0 + w - t):
        step = (SIDE_DEPTH * h - t) / 4
        rects += [(left, y0 + t + step * i, t, step) for i in range(4)]
    pixels = np.asarray(seen.image)
    blocks: list[tuple[float, float, float]] = []
    for rx, ry, rw, rh in rects:
        patch = pixels[int(ry):max(int(ry) + 1, int(ry + rh)), int(rx):max(int(rx) + 1, int(rx + rw))]
        if patch.size:
            lightness, a, b = (float(v) for v in _lab(patch.reshape(-1, 3)).mean(axis=0))
            blocks.append((lightness, a, b))
    return blocks


def colour_share(seen: Look) -> float:
    """Share of pixels with visible colour (on a ≤160 px copy: plenty for a yes/no greyscale test)."""
    import numpy as np

    pixels = np.asarray(seen.image)
    step = max(1, max(pixels.shape[:2]) // 160)
    lab = _lab(pixels[::step, ::step].reshape(-1, 3))
    return float((np.hypot(lab[:, 1], lab[:, 2]) > CHROMA_VISIBLE).mean())


def check(seen: Look, frame: Frame, preset: Preset, size_kb: float | None = None,
          extra: tuple[Finding, ...] = ()) -> PhotoCheck:
    background = classify_background(border_blocks(seen, frame))
    facts = PhotoFacts(seen.size[0], seen.size[1], seen.faces, frame, background, colour_share(seen),
                       size_kb, extra)
    return PhotoCheck(seen.faces, background, tuple(check_photo(facts, preset)), frame, seen.size)


def _from_look(seen: Look, frame: Frame, rotation: int, target: tuple[int, int],
               ceiling: int) -> NormalizedPhoto | None:
    """The photo cut from the analysis copy when that copy still has at least the target's pixels in
    the frame (a camera photo, decoded at 1/8 by the JPEG decoder): one decode instead of two. The
    result is what normalize_bytes makes, which would pick the same decoder scale. None: too few pixels."""
    from PIL import Image

    width, height = seen.size
    frame = whole_frame(fit_frame(frame, width, height, target[0] / target[1]), width, height)
    s = seen.scale
    if frame.h * s < target[1] or frame.w * s < target[0]:
        return None
    box = (frame.x * s, frame.y * s, frame.right * s, frame.bottom * s)
    small = seen.image.resize(target, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
    data, quality = encode_jpeg(small, ceiling)
    return NormalizedPhoto(data, frame, rotation % 360, rotated_size(width, height, rotation), quality)


def normalize_and_check(data: bytes, preset: Preset, frame: Frame | None = None, rotation: int = 0,
                        max_bytes: int | None = None, face: bool = True,
                        target: tuple[int, int] | None = None) -> tuple[NormalizedPhoto, PhotoCheck]:
    """The preset's photo (or one of `target` size), face-centred unless a frame is given (or `face` is
    off), and its findings under the preset."""
    target = target or (preset.width, preset.height)
    seen = look(data, rotation)
    chosen = choose_frame(seen, frame, target[0] / target[1], face)
    ceiling = max_bytes or int(preset.max_kb * 1024) or DEFAULT_MAX_BYTES
    # A frame the clerk chose is cut by normalize_bytes alone, so the same box always gives the same bytes.
    quick = None if frame is not None else _from_look(seen, chosen, rotation, target, ceiling)
    result = quick or normalize_bytes(data, chosen, rotation, ceiling, target)
    return result, check(seen, result.frame, preset, len(result.data) / 1024)
