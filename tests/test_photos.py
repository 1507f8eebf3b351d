"""Photo normalising (CONF-7): every sample photo as anomalies.json says, made-up bad files, the store."""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from confirm_desk.domain.errors import Cancelled, NotFound, PhotoRefused
from confirm_desk.domain.photo_checks import problem_text
from confirm_desk.domain.photo_frame import Frame
from confirm_desk.services.photos.applicant_photos import (
    MAX_KB_SETTING,
    get_photo_source,
    normalize_all,
    normalize_applicant_photo,
    normalize_file,
)
from confirm_desk.services.photos.normalize import normalize_bytes
from confirm_desk.store.models import AuditEvent, Photo, Setting, applicant_table

t = applicant_table


def jpeg(image: Image.Image, **kw) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", **kw)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def assert_conf7(data: bytes, ceiling: int = 60 * 1024) -> Image.Image:
    image = opened(data)
    assert (image.format, image.size, image.mode) == ("JPEG", (114, 156), "RGB")
    assert not image.info.get("progressive") and not image.info.get("progression")
    assert len(data) <= ceiling
    return image


def applicant_photo(store, number: str) -> tuple[int, Photo | None, str]:
    with store.session() as s:
        row = s.execute(select(t.c.id, t.c.photo_state).where(t.c.application_no == number)).one()
        return row.id, s.scalar(select(Photo).where(Photo.applicant_id == row.id)), row.photo_state


def portrait_quadrants() -> Image.Image:
    """Red top half, blue bottom-left, green bottom-right: any wrong turn or flip shows."""
    image = Image.new("RGB", (600, 820), (255, 0, 0))
    image.paste((0, 0, 255), (0, 410, 300, 820))
    image.paste((0, 255, 0), (300, 410, 600, 820))
    return image


def colour_at(image: Image.Image, fx: float, fy: float) -> str:
    r, g, b = image.convert("RGB").getpixel((int(image.width * fx), int(image.height * fy)))
    return max((r, "red"), (g, "green"), (b, "blue"))[1]


def test_every_sample_photo_as_anomalies_say(imported_store, samples: Path) -> None:
    anomalies = json.loads((samples / "anomalies.json").read_text(encoding="utf-8"))
    assert "corrupt" in anomalies["2025320000048"] and "no photo" in anomalies["2025320000051"]
    result = normalize_all(imported_store, operator="tester")
    assert result.failures == [] and result.no_photo == 0
    assert result.normalized == 55  # 56 files, the corrupt one refused at import
    assert [w.application_no for w in result.warnings] == ["2025330000049"]  # the small one
    with imported_store.session() as s:
        states = dict(s.execute(select(t.c.application_no, t.c.photo_state)).all())
        photos = s.scalars(select(Photo)).all()
        assert s.scalar(select(func.count()).select_from(AuditEvent)
                        .where(AuditEvent.action == "photo_normalize")) == 55
    assert states["2025320000048"] == states["2025320000051"] == "none"
    assert sum(1 for v in states.values() if v == "normalized") == 55
    for photo in photos:
        assert_conf7(photo.normalized)


def test_corrupt_sample_gives_a_message(samples: Path, tmp_path: Path) -> None:
    with pytest.raises(PhotoRefused, match="损坏或不完整"):
        normalize_file(samples / "photos" / "320106198703218941.jpg", tmp_path / "out.jpg")
    assert not (tmp_path / "out.jpg").exists()


def test_exif_rotated_sample_is_turned_by_its_orientation(imported_store) -> None:
    applicant_id, photo, _ = applicant_photo(imported_store, "2025500000047")
    stored = opened(photo.original)
    assert stored.size == (800, 600) and stored.getexif()[0x0112] == 6
    with imported_store.session() as s:
        result = normalize_applicant_photo(s, applicant_id)
    assert result.upright_size == (600, 800)  # orientation 6 applied: stored landscape, upright portrait
    # Same pixels as turning the stored image by hand (90° clockwise) and normalising that.
    by_hand = normalize_bytes(jpeg(stored.transpose(Image.Transpose.ROTATE_270), quality=95))
    ours, theirs = opened(result.data), opened(by_hand.data)
    from PIL import ImageChops

    assert max(high for _, high in ImageChops.difference(ours, theirs).getextrema()) < 40
    assert result.frame == by_hand.frame


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_comes_out_upright(orientation: int) -> None:
    upright = portrait_quadrants()
    undo = {2: [Image.Transpose.FLIP_LEFT_RIGHT], 3: [Image.Transpose.ROTATE_180],
            4: [Image.Transpose.FLIP_TOP_BOTTOM], 5: [Image.Transpose.TRANSPOSE],
            6: [Image.Transpose.ROTATE_90], 7: [Image.Transpose.TRANSVERSE], 8: [Image.Transpose.ROTATE_270]}
    stored = upright
    for step in undo.get(orientation, []):
        stored = stored.transpose(step)
    exif = Image.Exif()
    exif[0x0112] = orientation
    result = normalize_bytes(jpeg(stored, exif=exif, quality=95))
    out = assert_conf7(result.data)
    assert (colour_at(out, 0.5, 0.2), colour_at(out, 0.2, 0.85), colour_at(out, 0.8, 0.85)) == (
        "red", "blue", "green")


def test_user_rotation_turns_clockwise() -> None:
    result = normalize_bytes(jpeg(portrait_quadrants()), rotation=90)
    out = opened(result.data)
    # Turned clockwise, the red top is on the right and the blue bottom-left at the top-left.
    assert (colour_at(out, 0.9, 0.5), colour_at(out, 0.1, 0.1), colour_at(out, 0.1, 0.9)) == (
        "red", "blue", "green")
    assert result.rotation == 90 and (result.frame.w, result.frame.h) == (438, 600)


def test_landscape_sample_is_cropped_centred(imported_store) -> None:
    applicant_id, _, _ = applicant_photo(imported_store, "2025330000046")
    with imported_store.session() as s:
        result = normalize_applicant_photo(s, applicant_id, operator="tester")
    assert result.upright_size == (800, 600)
    assert result.frame == Frame(181, 0, 438, 600)  # full height, 114:156, centred across
    _, photo, state = applicant_photo(imported_store, "2025330000046")
    assert (photo.crop_box, photo.rotation, state) == ("181,0,438,600", 0, "normalized")
    assert_conf7(photo.normalized)


def test_tall_photo_default_frame_sits_high() -> None:
    result = normalize_bytes(jpeg(Image.new("RGB", (480, 1200), (200, 200, 200))))
    assert result.frame == Frame(0, 181, 480, 657)  # a third of the spare 543 px above, two below


def test_small_sample_is_upscaled_with_a_warning(imported_store) -> None:
    applicant_id, photo, _ = applicant_photo(imported_store, "2025330000049")
    assert opened(photo.original).size == (90, 120)
    with imported_store.session() as s:
        result = normalize_applicant_photo(s, applicant_id)
    assert_conf7(result.data)
    assert "分辨率不足" in result.warning
    _, photo, state = applicant_photo(imported_store, "2025330000049")
    assert state == "normalized" and result.warning in problem_text(photo.problem)


def test_far_too_small_photo_is_refused() -> None:
    with pytest.raises(PhotoRefused, match="太小"):
        normalize_bytes(jpeg(Image.new("RGB", (50, 70), (128, 128, 128))))


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize(("data", "message"), [
    (b"", "0 字节"),
    ("申请人名单，不是照片".encode(), "不是可识别的图片"),
    (jpeg(Image.new("RGB", (400, 500), (90, 120, 200)))[:1500], "损坏或不完整"),
    (_png_header_only(30000, 30000), "解压炸弹"),  # 900 MP declared in 100 bytes
    (_png_header_only(10000, 10000), "解压炸弹"),  # 100 MP: Pillow only warns; we refuse too
])
def test_bad_files_are_refused_with_a_message(data: bytes, message: str) -> None:
    with pytest.raises(PhotoRefused, match=message) as refused:
        normalize_bytes(data)
    assert "Truncated" not in str(refused.value) and "truncated" not in str(refused.value)


def test_given_box_and_rotation_are_stored_exactly(imported_store) -> None:
    applicant_id, _, _ = applicant_photo(imported_store, "2025320000036")  # 3000×4000
    with imported_store.session() as s:
        result = normalize_applicant_photo(s, applicant_id, box=(100, 200, 1140, 1560), rotation=270,
                                           operator="王老师")
        events = s.scalars(select(AuditEvent).where(AuditEvent.applicant_id == applicant_id,
                                                    AuditEvent.action == "photo_normalize")).all()
    assert result.frame == Frame(100, 200, 1140, 1560)
    _, photo, _ = applicant_photo(imported_store, "2025320000036")
    assert (photo.crop_box, photo.rotation) == ("100,200,1140,1560", 270)
    assert [(e.operator, e.new_value) for e in events] == [("王老师", "100,200,1140,1560 旋转270°")]
    # The batch keeps a clerk's crop: redoing it gives the same bytes.
    again = normalize_all(imported_store, [applicant_id], redo=True)
    assert again.normalized == 1
    _, redone, _ = applicant_photo(imported_store, "2025320000036")
    assert redone.normalized == photo.normalized and redone.crop_box == photo.crop_box


def test_box_off_ratio_or_outside_is_fitted() -> None:
    data = jpeg(Image.new("RGB", (600, 800), (10, 200, 10)))
    result = normalize_bytes(data, Frame(500, 700, 300, 300))
    f = result.frame
    assert f.x >= 0 and f.y >= 0 and f.right <= 600 and f.bottom <= 800
    assert abs(f.w - f.h * 114 / 156) <= 1


def test_size_ceiling_lowers_quality_until_it_fits(store) -> None:
    noise = Image.effect_noise((114, 156), 120).convert("RGB")
    data = jpeg(noise.resize((600, 820)), quality=95)
    plain = normalize_bytes(data)
    tight = normalize_bytes(data, max_bytes=6 * 1024)
    assert tight.quality < plain.quality and len(tight.data) <= 6 * 1024 < len(plain.data)
    with pytest.raises(PhotoRefused, match="1 KB"):
        normalize_bytes(data, max_bytes=1024)
    with store.session() as s:
        s.add(Setting(key=MAX_KB_SETTING, value="6"))
    from confirm_desk.services.photos.applicant_photos import photo_max_bytes

    with store.session() as s:
        assert photo_max_bytes(s) == 6 * 1024


def test_transparent_png_gets_a_white_background() -> None:
    image = Image.new("RGBA", (228, 312), (0, 0, 0, 0))
    image.paste((200, 0, 0, 255), (60, 60, 160, 200))
    out = io.BytesIO()
    image.save(out, "PNG")
    result = opened(normalize_bytes(out.getvalue()).data)
    assert min(result.getpixel((3, 3))) > 240
    assert colour_at(result, 0.5, 0.4) == "red"


@pytest.mark.parametrize(("mode", "fmt", "colour", "expected"), [
    ("L", "JPEG", 90, (90, 90, 90)),
    ("CMYK", "JPEG", (0, 50, 50, 0), (255, 205, 205)),
    ("I;16", "PNG", 30000, (117, 117, 117)),
    ("P", "PNG", None, (10, 200, 30)),
    ("RGB", "BMP", (1, 2, 250), (1, 2, 250)),
])
def test_other_pixel_modes_become_rgb(mode: str, fmt: str, colour, expected) -> None:
    image = Image.new("RGB", (300, 400), (10, 200, 30)).convert("P") if mode == "P" else \
        Image.new(mode, (300, 400), colour)
    out = io.BytesIO()
    image.save(out, fmt)
    result = assert_conf7(normalize_bytes(out.getvalue()).data)
    assert result.getpixel((57, 78)) == pytest.approx(expected, abs=3)


def test_batch_lists_failures_and_goes_on(imported_store) -> None:
    broken_id, _, _ = applicant_photo(imported_store, "2025330000046")
    with imported_store.session() as s:
        s.scalars(select(Photo).where(Photo.applicant_id == broken_id)).one().original = b"GIF89a broken"
        no_photo_id = s.scalar(select(t.c.id).where(t.c.application_no == "2025320000051"))
    result = normalize_all(imported_store, None)
    assert result.normalized == 54
    assert [(f.application_no, "不是可识别的图片" in f.message) for f in result.failures] == [
        ("2025330000046", True)]
    _, photo, state = applicant_photo(imported_store, "2025330000046")
    assert state == "original" and "不是可识别" in photo.problem
    again = normalize_all(imported_store, [broken_id, no_photo_id])
    assert (again.normalized, again.no_photo, len(again.failures)) == (0, 1, 1)
    assert "失败 1 张" in again.summary_zh()
    assert normalize_all(imported_store).already == 54


def test_cancelled_batch_changes_nothing(imported_store) -> None:
    def progress(done: int, _total: int, _text: str) -> None:
        if done == 10:
            raise Cancelled()

    with pytest.raises(Cancelled):
        normalize_all(imported_store, progress=progress)
    with imported_store.session() as s:
        assert s.scalar(select(func.count()).where(t.c.photo_state == "normalized")) == 0
        assert s.scalar(select(func.count()).select_from(Photo).where(Photo.normalized.is_not(None))) == 0


def test_no_photo_or_no_applicant(imported_store) -> None:
    with imported_store.session() as s:
        no_photo_id = s.scalar(select(t.c.id).where(t.c.application_no == "2025320000051"))
        with pytest.raises(PhotoRefused, match="还没有照片"):
            normalize_applicant_photo(s, no_photo_id)
        with pytest.raises(NotFound):
            get_photo_source(s, 999999)


def test_normalize_file_writes_the_jpeg(samples: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jpg"
    result = normalize_file(samples / "photos" / "320106198905127466.png", out)  # the PNG one
    assert out.read_bytes() == result.data
    assert_conf7(out.read_bytes())
