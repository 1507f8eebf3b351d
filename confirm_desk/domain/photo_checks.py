"""Photo checks as pure functions: measured numbers in (faces, crop, border colours), findings out."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from confirm_desk.domain.photo_frame import Frame

BACKGROUND_ZH = {"white": "白色", "blue": "蓝色", "red": "红色", "mixed": "不是纯色"}
# Face-box height as a share of the final crop: outside this window the head looks tiny or cut.
# face_frame aims at 0.45; a clerk's own box or a frame clamped at the image edge can drift away.
FACE_SHARE_MIN, FACE_SHARE_MAX = 0.35, 0.75
HEAD_CUT_MARGIN = 0.01  # the face box starts within 1% of the source's top edge: the head is cut off
BACKGROUND_AGREE = 0.75  # share of border blocks that must be one colour for a plain background
GREY_COLOUR_SHARE = 0.01  # fewer pixels than this with visible colour: a black-and-white photo

MESSAGES = {
    "no_face": "未检测到人脸：已按默认位置裁剪，请人工确认",
    "multiple_faces": "检测到多张人脸：已按默认位置裁剪，请重新拍摄单人照",
    "face_too_small": "人脸在照片中太小",
    "face_too_large": "人脸在照片中太大（头部可能被裁掉）",
    "head_cut": "头顶被原照片边缘切掉，请重新拍摄",
    "too_small": "照片分辨率不足，会被放大（可能模糊）",
    "greyscale": "黑白照片，须为彩色照片",
    "background": "背景颜色不符合要求",
    "file_size": "照片文件大小不在要求范围内",
}


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    width: int
    height: int
    min_kb: float
    max_kb: float
    backgrounds: tuple[str, ...]
    default: bool = False

    @property
    def ratio(self) -> float:
        return self.width / self.height


@dataclass(frozen=True)
class PhotoFacts:
    """What the service measured on the upright photo (pixels of the upright source)."""

    width: int
    height: int
    faces: Sequence[Frame]
    frame: Frame  # the crop that is (or will be) used
    background: str  # classify_background of the crop's border strip
    colour_share: float  # share of pixels whose Lab chroma is visible
    size_kb: float | None = None  # the final JPEG's size, when it was made
    extra: Sequence[Finding] = field(default_factory=tuple)


def classify_colour(lightness: float, a: float, b: float) -> str:
    """One CIE Lab colour as white / blue / red / other. Light and nearly neutral is white (a white
    wall photographs light grey); blue and red go by hue angle with enough chroma."""
    chroma = math.hypot(a, b)
    if lightness >= 70 and chroma <= 15:
        return "white"
    hue = math.degrees(math.atan2(b, a)) % 360
    if chroma >= 20 and 200 <= hue <= 320:
        return "blue"
    if chroma >= 25 and (hue >= 335 or hue <= 50) and lightness < 75:
        return "red"
    return "other"


def classify_background(blocks: Sequence[tuple[float, float, float]]) -> str:
    """The border strip's blocks (mean L, a, b each) → white / blue / red, or mixed when no one
    colour covers BACKGROUND_AGREE of them."""
    if not blocks:
        return "mixed"
    counts: dict[str, int] = {}
    for colour in (classify_colour(*b) for b in blocks):
        counts[colour] = counts.get(colour, 0) + 1
    colour, count = max(counts.items(), key=lambda kv: kv[1])
    return colour if colour != "other" and count >= BACKGROUND_AGREE * len(blocks) else "mixed"


def finding(code: str, detail: str = "") -> Finding:
    return Finding(code, MESSAGES[code] + (f"（{detail}）" if detail else ""))


def check_photo(facts: PhotoFacts, preset: Preset) -> list[Finding]:
    """Every finding for one photo under `preset`, in a fixed order."""
    found: list[Finding] = list(facts.extra)
    faces, frame = facts.faces, facts.frame
    if not faces:
        found.append(finding("no_face"))
    elif len(faces) > 1:
        found.append(finding("multiple_faces", f"{len(faces)} 张"))
    if len(faces) == 1:
        face = faces[0]
        share = face.h / frame.h
        if share < FACE_SHARE_MIN:
            found.append(finding("face_too_small", f"占高度 {share:.0%}"))
        elif share > FACE_SHARE_MAX:
            found.append(finding("face_too_large", f"占高度 {share:.0%}"))
        if face.y <= HEAD_CUT_MARGIN * facts.height:
            found.append(finding("head_cut"))
    if frame.h < preset.height - 0.5 or frame.w < preset.width - 0.5:
        found.append(finding("too_small", f"裁剪区域 {round(frame.w)}×{round(frame.h)}，"
                                          f"要求 {preset.width}×{preset.height}"))
    if facts.colour_share < GREY_COLOUR_SHARE:
        found.append(finding("greyscale"))
    if facts.background not in preset.backgrounds:
        allowed = "、".join(BACKGROUND_ZH[b] for b in preset.backgrounds)
        found.append(finding("background", f"{BACKGROUND_ZH.get(facts.background, facts.background)}，"
                                           f"应为{allowed}"))
    if facts.size_kb is not None and not preset.min_kb <= facts.size_kb <= preset.max_kb:
        window = f"{preset.min_kb:g}–{preset.max_kb:g} KB"
        found.append(finding("file_size", f"{facts.size_kb:.0f} KB，要求 {window}"))
    return found


def encode_findings(codes: Sequence[str], background: str, faces: int, warning: str = "") -> str:
    """The compact text kept in Photo.problem (String(400)): codes only, messages come from MESSAGES."""
    record = {"codes": list(codes), "bg": background, "faces": faces}
    if warning:
        record["warning"] = warning
    text = json.dumps(record, ensure_ascii=False)
    return text if len(text) <= 400 else json.dumps({"codes": list(codes), "bg": background, "faces": faces})


def decode_findings(problem: str) -> tuple[list[Finding], str]:
    """Photo.problem back to findings and any plain text (a failure message or an old warning)."""
    text = (problem or "").strip()
    if not text.startswith("{"):
        return [], text
    try:
        record = json.loads(text)
        codes = [c for c in record.get("codes", []) if c in MESSAGES]
    except (ValueError, AttributeError):
        return [], text
    return [finding(c) for c in codes], str(record.get("warning", ""))


def problem_text(problem: str) -> str:
    """Photo.problem as a person reads it: the findings' messages and any warning, one per line."""
    findings, plain = decode_findings(problem)
    return "\n".join([f.message for f in findings] + ([plain] if plain else []))


# Short labels for badges on the review grid and the contact sheet.
SHORT = {
    "no_face": "无人脸", "multiple_faces": "多人", "face_too_small": "脸太小", "face_too_large": "脸太大",
    "head_cut": "头顶被切", "too_small": "分辨率低", "greyscale": "黑白", "background": "背景色",
    "file_size": "文件大小",
}
