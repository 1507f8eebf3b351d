"""The photo checks and the face-centred frame as pure functions: numbers in, findings out."""

from __future__ import annotations

import pytest

from confirm_desk.domain.photo_checks import (
    PhotoFacts,
    Preset,
    check_photo,
    classify_background,
    classify_colour,
    decode_findings,
    encode_findings,
    problem_text,
)
from confirm_desk.domain.photo_frame import FACE_CENTRE_Y, FACE_SHARE, RATIO, Frame, face_frame

REG = Preset("registration", "定期注册", 114, 156, 0, 60, ("white", "blue", "red"), True)
WHITE_ONLY = Preset("exam", "考试报名", 150, 200, 10, 200, ("white",))
FACE = Frame(400, 300, 200, 250)
FRAME = face_frame(FACE, 1000, 1400)


@pytest.mark.parametrize(("lab", "colour"), [
    ((100, 0, 0), "white"), ((78, 2, 5), "white"), ((58, 1, -46), "blue"), ((46, 69, 50), "red"),
    ((50, 0, 0), "other"), ((60, 2, 16), "other"), ((80, -40, 40), "other"), ((90, 30, 40), "other"),
])
def test_colours(lab: tuple[float, float, float], colour: str) -> None:
    assert classify_colour(*lab) == colour


def test_background_needs_three_quarters_of_the_border() -> None:
    white, hair = (98, 0, 1), (30, 8, 20)
    assert classify_background([white] * 12 + [hair] * 2) == "white"
    assert classify_background([white] * 7 + [hair] * 7) == "mixed"
    assert classify_background([hair] * 14) == "mixed"  # all one colour, but not an allowed kind
    assert classify_background([]) == "mixed"


def test_face_frame_places_the_face() -> None:
    assert FRAME.h == pytest.approx(FACE.h / FACE_SHARE) and FRAME.w == pytest.approx(FRAME.h * RATIO)
    assert FRAME.centre[0] == pytest.approx(FACE.centre[0])
    assert (FACE.centre[1] - FRAME.y) / FRAME.h == pytest.approx(FACE_CENTRE_Y)


def test_face_frame_is_clamped_to_the_image() -> None:
    corner = face_frame(Frame(0, 0, 100, 120), 600, 800)  # face in the top-left corner
    assert (corner.x, corner.y) == (0, 0) and corner.h == pytest.approx(120 / FACE_SHARE)
    huge = face_frame(Frame(50, 50, 500, 700), 600, 800)  # the face fills the photo: largest frame
    assert huge.h == pytest.approx(min(800, 600 / RATIO)) and huge.right <= 600 and huge.bottom <= 800


def facts(**changes) -> PhotoFacts:
    base = {"width": 1000, "height": 1400, "faces": (FACE,), "frame": FRAME, "background": "white",
            "colour_share": 0.3, "size_kb": 20.0}
    return PhotoFacts(**{**base, **changes})


@pytest.mark.parametrize(("changes", "preset", "codes"), [
    ({}, REG, []),
    ({"faces": ()}, REG, ["no_face"]),
    ({"faces": (FACE, Frame(10, 10, 50, 60))}, REG, ["multiple_faces"]),
    ({"frame": Frame(0, 0, 1000 * 0.9, 900 / RATIO)}, REG, ["face_too_small"]),
    ({"frame": Frame(400, 300, 250 / 0.8 * RATIO, 250 / 0.8)}, REG, ["face_too_large"]),
    ({"faces": (Frame(400, -3, 200, 250),)}, REG, ["head_cut"]),
    ({"width": 96, "height": 123, "faces": (Frame(30, 22, 32, 40),), "frame": Frame(13, 0, 65, 89)},
     REG, ["too_small"]),
    ({"colour_share": 0.0}, REG, ["greyscale"]),
    ({"background": "blue"}, REG, []),
    ({"background": "blue"}, WHITE_ONLY, ["background"]),
    ({"background": "mixed"}, REG, ["background"]),
    ({"size_kb": 5.0}, WHITE_ONLY, ["file_size"]),
    ({"size_kb": 61.0}, REG, ["file_size"]),
])
def test_findings(changes: dict, preset: Preset, codes: list[str]) -> None:
    found = check_photo(facts(**changes), preset)
    assert [f.code for f in found] == codes
    assert all(f.message and not f.message.isascii() for f in found)  # Chinese messages


def test_findings_round_trip_through_the_problem_column() -> None:
    text = encode_findings(["no_face", "background"], "mixed", 0, "照片分辨率不足")
    assert len(text) <= 400
    findings, warning = decode_findings(text)
    assert [f.code for f in findings] == ["no_face", "background"] and warning == "照片分辨率不足"
    assert problem_text(text).splitlines()[0].startswith("未检测到人脸")
    assert decode_findings("图片文件已损坏") == ([], "图片文件已损坏")  # plain text from older rows
