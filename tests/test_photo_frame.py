"""The crop frame's geometry: ratio kept, never outside the photo, corners anchored."""

from __future__ import annotations

import pytest

from confirm_desk.domain.photo_frame import (
    RATIO,
    Frame,
    default_frame,
    drag_corner,
    fit_frame,
    hit_corner,
    move_frame,
    parse_frame,
    rotated_size,
    scale_frame,
    whole_frame,
)


def inside(f: Frame, w: float, h: float) -> bool:
    return f.x >= -1e-9 and f.y >= -1e-9 and f.right <= w + 1e-9 and f.bottom <= h + 1e-9


def ratio_ok(f: Frame) -> bool:
    return abs(f.w / f.h - RATIO) < 1e-9


def test_default_frame_landscape_is_full_height_centred() -> None:
    f = default_frame(800, 600)
    assert f.h == 600 and abs(f.x - (800 - f.w) / 2) < 1e-9 and ratio_ok(f)


def test_default_frame_tall_keeps_a_third_of_the_spare_above() -> None:
    f = default_frame(480, 1200)
    assert f.w == 480 and abs(f.y - (1200 - f.h) / 3) < 1e-9


def test_move_is_clamped_to_the_photo() -> None:
    f = Frame(10, 10, 114, 156)
    assert move_frame(f, -50, -50, 600, 800) == Frame(0, 0, 114, 156)
    assert move_frame(f, 1000, 1000, 600, 800) == Frame(600 - 114, 800 - 156, 114, 156)


@pytest.mark.parametrize("corner", ["tl", "tr", "bl", "br"])
def test_drag_corner_keeps_ratio_and_the_opposite_corner(corner: str) -> None:
    f = Frame(200, 300, 114, 156)
    px = f.x - 40 if corner[1] == "l" else f.right + 40
    py = f.y - 10 if corner[0] == "t" else f.bottom + 10
    g = drag_corner(f, corner, px, py, 600, 800)
    assert ratio_ok(g) and inside(g, 600, 800) and g.h > f.h
    def anchor(r: Frame) -> tuple[float, float]:
        return (r.right if corner[1] == "l" else r.x), (r.bottom if corner[0] == "t" else r.y)

    assert anchor(g) == pytest.approx(anchor(f))


def test_drag_corner_stops_at_the_edge_and_at_the_minimum() -> None:
    f = Frame(100, 100, 114, 156)
    big = drag_corner(f, "br", 5000, 5000, 600, 800)
    assert inside(big, 600, 800) and ratio_ok(big) and big.right == pytest.approx(600)
    tiny = drag_corner(f, "br", 101, 101, 600, 800)
    assert tiny.h == 78 and ratio_ok(tiny)


def test_scale_and_fit() -> None:
    f = default_frame(600, 800)
    smaller = scale_frame(f, 0.5, 600, 800)
    assert smaller.h == pytest.approx(f.h / 2) and smaller.centre == pytest.approx(f.centre)
    assert scale_frame(f, 3, 600, 800).h == pytest.approx(f.h)  # already the largest
    fitted = fit_frame(Frame(550, 700, 300, 300), 600, 800)
    assert inside(fitted, 600, 800) and ratio_ok(fitted)
    exact = Frame(100, 200, 228, 312)
    assert fit_frame(exact, 600, 800) is exact


def test_whole_frame_and_text_round_trip() -> None:
    f = whole_frame(Frame(0.4, 0.6, 437.9, 599.4), 438, 600)
    assert f == Frame(0, 1, 438, 599)
    assert whole_frame(Frame(300.6, 0, 137.7, 188.4), 438, 600) == Frame(300, 0, 138, 188)  # pulled inside
    assert parse_frame(f.as_text()) == f
    assert parse_frame("") is None and parse_frame("1,2,x,4") is None and parse_frame("1,2,0,4") is None


def test_hit_corner_and_rotation() -> None:
    f = Frame(10, 10, 114, 156)
    assert hit_corner(f, 124, 166, 5) == "br" and hit_corner(f, 60, 60, 5) is None
    assert rotated_size(800, 600, 90) == (600, 800) and rotated_size(800, 600, 180) == (800, 600)
