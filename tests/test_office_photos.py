"""Photos as they arrive (issue 26 item 2): zips from Chinese Windows with GBK names, full-width digits in
names, WebP/GIF/TIFF/HEIC, several files for one applicant, a 108-megapixel phone photo; bombs still refused.
Files are made by tests/data/make_office_files.py."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from confirm_desk.domain.text import to_halfwidth
from confirm_desk.services.importing.applicants import import_applicants
from confirm_desk.services.photos.decoding import heif_available
from confirm_desk.services.photos.intake import import_photos
from confirm_desk.services.photos.normalize import normalize_bytes as normalize_photo
from confirm_desk.services.photos.probe import probe_photo
from confirm_desk.services.photos.sources import iter_photo_files
from confirm_desk.store.models import Photo, applicant_table
from tests.data.make_office_files import (
    HEADERS,
    big_phone_jpeg,
    gbk_zip,
    jpeg_bomb,
    people,
    photo_bytes,
    values,
)

FULLWIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789X"}


@pytest.fixture
def four(store, tmp_path: Path):
    path = tmp_path / "list.csv"
    path.write_text("\n".join(",".join(r) for r in [HEADERS, *values()]), encoding="utf-8")
    import_applicants(store, path)
    return store


def _attached(store) -> dict[str, str]:
    """报名号 -> the photo's original name."""
    with store.session() as s:
        rows = s.execute(select(applicant_table.c.application_no, Photo.original_name)
                         .join(Photo, Photo.applicant_id == applicant_table.c.id))
        return dict(rows.all())


def test_gbk_zip_names(four, tmp_path: Path) -> None:
    p = people()
    zip_path = tmp_path / "照片.zip"
    members = {
        f"2026年照片/{p[0]['id_number']}.jpg": photo_bytes(seed=1),
        f"2026年照片/{p[1]['application_no']}.JPG": photo_bytes(seed=2),
        "2026年照片/张三的照片.jpg": photo_bytes(seed=3),
    }
    gbk_zip(zip_path, members)
    with zipfile.ZipFile(zip_path) as z:
        assert not any(i.flag_bits & 0x800 for i in z.infolist())  # really no UTF-8 flag
    names = [f.name for f in iter_photo_files(zip_path)]
    assert names == list(members)
    result = import_photos(four, zip_path)
    assert result.attached == 2
    assert result.unmatched == ["2026年照片/张三的照片.jpg"]
    attached = _attached(four)
    assert attached[p[0]["application_no"]] == f"2026年照片/{p[0]['id_number']}.jpg"


def test_fullwidth_digits_match(four, tmp_path: Path) -> None:
    p = people()
    folder = tmp_path / "photos"
    folder.mkdir()
    name = p[2]["id_number"].translate(FULLWIDTH)
    assert to_halfwidth(name) == p[2]["id_number"] and name != p[2]["id_number"]
    (folder / f"{name}.jpg").write_bytes(photo_bytes())
    (folder / f"{p[3]['application_no'].translate(FULLWIDTH)} .JPEG").write_bytes(photo_bytes(seed=2))
    result = import_photos(four, folder)
    assert result.attached == 2 and not result.unmatched


@pytest.mark.parametrize("fmt,suffix", [("WEBP", ".webp"), ("GIF", ".gif"), ("TIFF", ".tiff"), ("PNG", ".png"),
                                        ("BMP", ".bmp")])
def test_other_formats_attach_and_normalise(fmt: str, suffix: str, four, tmp_path: Path) -> None:
    p = people()[0]
    folder = tmp_path / "photos"
    folder.mkdir()
    data = photo_bytes(fmt)
    (folder / f"{p['id_number']}{suffix}").write_bytes(data)
    result = import_photos(four, folder)
    assert result.attached == 1, result.errors
    normalised = normalize_photo(data)  # what the desk does later: it must work for what was attached
    assert normalised.data[:3] == b"\xff\xd8\xff"


def test_heic(four, tmp_path: Path) -> None:
    p = people()[0]
    folder = tmp_path / "photos"
    folder.mkdir()
    if heif_available():
        data = photo_bytes("HEIF")
        (folder / f"{p['id_number']}.HEIC").write_bytes(data)
        result = import_photos(four, folder)
        assert result.attached == 1, result.errors
        assert normalize_photo(data).data[:3] == b"\xff\xd8\xff"
    else:  # without pillow-heif: listed as unusable with the reason, never attached
        (folder / f"{p['id_number']}.heic").write_bytes(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100)
        result = import_photos(four, folder)
        assert result.attached == 0 and "pillow-heif" in result.errors[0].message


def test_several_files_for_one_applicant(four, tmp_path: Path) -> None:
    p = people()
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / f"{p[0]['id_number']}.jpg").write_bytes(photo_bytes(seed=1))
    (folder / f"{p[0]['application_no']}.png").write_bytes(photo_bytes("PNG", seed=2))
    same = photo_bytes(seed=3)  # the same photo under both names: no conflict
    (folder / f"{p[1]['id_number']}.jpg").write_bytes(same)
    (folder / f"{p[1]['application_no']}.jpg").write_bytes(same)
    result = import_photos(four, folder)
    assert result.attached == 1
    conflict = [e for e in result.errors if p[0]["application_no"] in e.message]
    assert {e.file for e in conflict} == {f"{p[0]['id_number']}.jpg", f"{p[0]['application_no']}.png"}
    assert "2 张不同的照片" in conflict[0].message
    assert p[0]["application_no"] not in _attached(four)


def test_a_108_megapixel_phone_photo_is_accepted(four, tmp_path: Path) -> None:
    p = people()[0]
    folder = tmp_path / "photos"
    folder.mkdir()
    big_phone_jpeg(folder / f"{p['id_number']}.jpg")
    probe = probe_photo((folder / f"{p['id_number']}.jpg").read_bytes())
    assert probe.ok and (probe.width, probe.height) == (12_000, 9_000)
    result = import_photos(four, folder)
    assert result.attached == 1, result.errors
    normalised = normalize_photo((folder / f"{p['id_number']}.jpg").read_bytes())
    assert normalised.data[:3] == b"\xff\xd8\xff"


def test_real_bombs_stay_refused(tmp_path: Path) -> None:
    from PIL import Image

    jpeg_bomb(tmp_path / "bomb.jpg")
    probe = probe_photo((tmp_path / "bomb.jpg").read_bytes())
    assert not probe.ok and "解压炸弹" in probe.problem
    assert Image.MAX_IMAGE_PIXELS == 89_478_485  # the global limit is back where Pillow keeps it
