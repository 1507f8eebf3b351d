"""The 114:156 crop frame: default placement, moving, resizing and clamping, in upright image pixels."""

from __future__ import annotations

from dataclasses import dataclass

TARGET_W, TARGET_H = 114, 156  # CONF-7
RATIO = TARGET_W / TARGET_H  # width / height
UPPER_BIAS = 1 / 3  # share of the spare height left above a default frame (head-and-shoulders)
MIN_HEIGHT = TARGET_H / 2  # a smaller frame would be enlarged more than 2x: mush (see photo_normalize)
# Face-centred crop (face_frame). The detector's box runs from the brows to the chin, about three
# quarters of the head: at 45% of the frame height the whole head (hair included) fills about 60–70%,
# as ID photo rules ask. Its centre (about the nose) sits in the middle: hair room above, shoulders below.
FACE_SHARE = 0.45  # face-box height / frame height
FACE_CENTRE_Y = 0.50  # face-box centre, as a share of the frame height from its top
CORNERS = ("tl", "tr", "bl", "br")


@dataclass(frozen=True)
class Frame:
    """A crop rectangle (x, y, width, height) in the pixels of the upright, rotated photo."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2

    def rounded(self) -> tuple[int, int, int, int]:
        return round(self.x), round(self.y), round(self.w), round(self.h)

    def as_text(self) -> str:
        return ",".join(str(v) for v in self.rounded())


def parse_frame(text: str) -> Frame | None:
    """"x,y,w,h" as stored in Photo.crop_box; None for an empty or malformed value."""
    parts = [p.strip() for p in (text or "").split(",")]
    if len(parts) != 4:
        return None
    try:
        x, y, w, h = (float(p) for p in parts)
    except ValueError:
        return None
    return Frame(x, y, w, h) if w > 0 and h > 0 else None


def largest_height(width: float, height: float, ratio: float = RATIO) -> float:
    """The tallest 114:156 (or `ratio`) frame that fits in the image."""
    return min(height, width / ratio)


def min_height(width: float, height: float, ratio: float = RATIO) -> float:
    return min(MIN_HEIGHT, largest_height(width, height, ratio))


def default_frame(width: float, height: float, ratio: float = RATIO) -> Frame:
    """The largest frame, centred across, with a third of any spare height above it and two below:
    in a tall head-and-shoulders photo the head is in the upper part, the chest runs off the bottom."""
    h = largest_height(width, height, ratio)
    w = h * ratio
    return Frame((width - w) / 2, (height - h) * UPPER_BIAS, w, h)


def face_frame(face: Frame, width: float, height: float, ratio: float = RATIO,
               share: float = FACE_SHARE, centre_y: float = FACE_CENTRE_Y) -> Frame:
    """The frame for one detected face box: face height `share` of the frame, face centred across with
    its centre `centre_y` down the frame, then clamped to the image (shrunk if the image is smaller,
    pushed inside at the edges: the face is then off-centre, which the photo check reports)."""
    h = max(min_height(width, height, ratio), min(face.h / share, largest_height(width, height, ratio)))
    w = h * ratio
    fx, fy = face.centre
    x = min(max(fx - w / 2, 0.0), width - w)
    y = min(max(fy - centre_y * h, 0.0), height - h)
    return Frame(x, y, w, h)


def _placed(cx: float, cy: float, h: float, width: float, height: float, ratio: float = RATIO) -> Frame:
    """A frame of height h centred on (cx, cy) as far as the image allows, pushed back inside it."""
    h = max(min_height(width, height, ratio), min(h, largest_height(width, height, ratio)))
    w = h * ratio
    x = min(max(cx - w / 2, 0.0), width - w)
    y = min(max(cy - h / 2, 0.0), height - h)
    return Frame(x, y, w, h)


def fit_frame(frame: Frame, width: float, height: float, ratio: float = RATIO) -> Frame:
    """The given frame made valid: 114:156 (or `ratio`), inside the image. A frame already valid (to
    within the rounding of whole pixels) is returned unchanged so a stored box is reproduced exactly."""
    ratio_ok = abs(frame.w - frame.h * ratio) <= 1.0
    inside = frame.x >= 0 and frame.y >= 0 and frame.right <= width + 0.5 and frame.bottom <= height + 0.5
    if ratio_ok and inside and frame.h >= min_height(width, height, ratio):
        return frame
    cx, cy = frame.centre
    return _placed(cx, cy, frame.h, width, height, ratio)


def whole_frame(frame: Frame, width: int, height: int) -> Frame:
    """The frame in whole pixels (as stored), still inside the image."""
    x, y, w, h = frame.rounded()
    w, h = min(max(w, 1), width), min(max(h, 1), height)
    return Frame(min(max(x, 0), width - w), min(max(y, 0), height - h), w, h)


def move_frame(frame: Frame, dx: float, dy: float, width: float, height: float) -> Frame:
    x = min(max(frame.x + dx, 0.0), width - frame.w)
    y = min(max(frame.y + dy, 0.0), height - frame.h)
    return Frame(x, y, frame.w, frame.h)


def scale_frame(frame: Frame, factor: float, width: float, height: float) -> Frame:
    """Grow or shrink about the centre (the +/- keys), kept inside the image."""
    cx, cy = frame.centre
    return _placed(cx, cy, frame.h * factor, width, height)


def drag_corner(frame: Frame, corner: str, px: float, py: float, width: float, height: float) -> Frame:
    """Resize by dragging one corner to (px, py); the opposite corner stays put and the ratio holds."""
    if corner not in CORNERS:
        raise ValueError(corner)
    ax = frame.x if corner[1] == "r" else frame.right  # the anchor: the opposite corner
    ay = frame.y if corner[0] == "b" else frame.bottom
    room_x = (width - ax) if corner[1] == "r" else ax
    room_y = (height - ay) if corner[0] == "b" else ay
    # The pointer may move mostly across or mostly down: follow whichever asks for the bigger frame.
    want = max(abs(py - ay), abs(px - ax) / RATIO)
    h = max(min_height(width, height), min(want, room_y, room_x / RATIO))
    w = h * RATIO
    x = ax if corner[1] == "r" else ax - w
    y = ay if corner[0] == "b" else ay - h
    return Frame(x, y, w, h)


def hit_corner(frame: Frame, px: float, py: float, tolerance: float) -> str | None:
    """Which corner handle (if any) lies within `tolerance` of the point."""
    for corner in CORNERS:
        cx = frame.right if corner[1] == "r" else frame.x
        cy = frame.bottom if corner[0] == "b" else frame.y
        if abs(px - cx) <= tolerance and abs(py - cy) <= tolerance:
            return corner
    return None


def contains(frame: Frame, px: float, py: float) -> bool:
    return frame.x <= px <= frame.right and frame.y <= py <= frame.bottom


def rotated_size(width: int, height: int, rotation: int) -> tuple[int, int]:
    """The image size after turning it clockwise by `rotation` degrees (a multiple of 90)."""
    return (height, width) if rotation % 180 else (width, height)


def normal_rotation(rotation: int) -> int:
    if rotation % 90:
        raise ValueError(f"rotation must be a multiple of 90, not {rotation}")
    return rotation % 360
