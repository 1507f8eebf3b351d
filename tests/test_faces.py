"""Face detection over the real-face samples: `photo check`, the face-centred crop, the fallbacks."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from confirm_desk.cli import main
from confirm_desk.services.photos.faces import detect_faces

pytestmark = pytest.mark.samples


@pytest.fixture
def faces_dir(samples: Path) -> Path:
    return samples / "faces"


@pytest.fixture
def expected(faces_dir: Path) -> dict:
    return json.loads((faces_dir / "expected.json").read_text(encoding="utf-8"))


def test_check_reports_what_expected_json_lists(faces_dir: Path, expected: dict, capsys) -> None:
    assert main(["photo", "check", str(faces_dir), "--format", "json"]) == 0
    reports = {Path(r["file"]).name: r for r in json.loads(capsys.readouterr().out)["photos"]}
    assert set(reports) == set(expected)
    for name, spec in expected.items():
        report = reports[name]
        codes = {f["code"] for f in report["findings"]}
        assert len(report["faces"]) == spec["faces"], name
        assert report["background"] == spec.get("background", report["background"]), name
        assert set(spec.get("flags", [])) <= codes, (name, codes)
        assert all(f["message"] for f in report["findings"])
        for box, reference in zip(sorted(report["faces"]), sorted(spec["faces_found_by_reference_detector"]),
                                  strict=True):  # upright pixels, close to the reference detector's
            assert all(abs(a - b) <= 0.1 * reference[3] for a, b in zip(box, reference, strict=True)), name
    plain = [n for n, s in expected.items() if "background" in s and "flags" not in s]
    assert plain and all(not reports[n]["findings"] for n in plain)  # a good photo has no findings


def one_face(expected: dict) -> list[str]:
    return [name for name, spec in expected.items() if spec["faces"] == 1]


def test_every_one_face_sample_comes_out_face_centred(faces_dir: Path, expected: dict, tmp_path: Path,
                                                      capsys) -> None:
    for name in one_face(expected):
        out = tmp_path / name
        assert main(["photo", "normalize", str(faces_dir / name), str(out), "--format", "json"]) == 0
        report = json.loads(capsys.readouterr().out)
        with Image.open(out) as image:
            assert image.size == (114, 156)
            found = detect_faces(image.convert("RGB"))
        assert len(found) == 1, name
        face = found[0]
        assert 114 / 3 <= face.centre[0] <= 2 * 114 / 3, (name, face)
        assert 0.35 <= face.h / 156 <= 0.75, (name, face)
        if name == "exif_rotated.jpg":  # stored sideways: the report's size is the upright one
            assert report["upright_size"] == [2400, 3200]


def test_no_face_option_keeps_the_old_default(faces_dir: Path, tmp_path: Path, capsys) -> None:
    source = str(faces_dir / "camera_landscape.jpg")
    main(["photo", "normalize", source, str(tmp_path / "a.jpg"), "--format", "json"])
    centred = json.loads(capsys.readouterr().out)["crop_box"]
    main(["photo", "normalize", source, str(tmp_path / "b.jpg"), "--no-face", "--format", "json"])
    plain = json.loads(capsys.readouterr().out)["crop_box"]
    assert plain == "904,0,2192,3000"  # the largest frame, centred across
    assert int(centred.split(",")[0]) > 904 + 500  # the face is right of centre: the frame follows it


def test_presets_change_size_and_allowed_background(faces_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "cert.jpg"
    assert main(["photo", "normalize", str(faces_dir / "plain_blue.jpg"), str(out),
                 "--preset", "certification", "--format", "json"]) == 0
    codes = {f["code"] for f in json.loads(capsys.readouterr().out)["findings"]}
    with Image.open(out) as image:
        assert image.size == (295, 413)
    assert out.stat().st_size <= 190 * 1024 and "background" in codes  # white only for 认定
    assert main(["photo", "check", str(faces_dir / "plain_blue.jpg"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["photos"][0]["findings"] == []  # blue is fine to register


def test_drawn_photos_fall_back_with_no_face_and_corrupt_gives_a_message(samples: Path, capsys) -> None:
    photos = samples / "photos"
    assert main(["photo", "check", str(photos), "--format", "json"]) == 2  # the corrupt one
    reports = json.loads(capsys.readouterr().out)["photos"]
    broken = [r for r in reports if "error" in r]
    assert [Path(r["file"]).name for r in broken] == ["320106198703218941.jpg"]
    assert "损坏" in broken[0]["error"]
    good = [r for r in reports if "error" not in r]
    assert len(good) == len(reports) - 1 > 40
    assert all(r["faces"] == [] and "no_face" in {f["code"] for f in r["findings"]} for r in good)


def test_store_batch_keeps_findings_and_sheet_prints_them(cli_clerk, imported_store, tmp_path: Path, capsys) -> None:
    from confirm_desk.services.photos.applicant_photos import normalize_all
    from confirm_desk.services.photos.review import review_items

    result = normalize_all(imported_store, operator="tester")
    assert result.flagged == result.normalized == 55  # drawn photos: no face found in any
    assert "照片检查有问题 55 张" in result.summary_zh()
    with imported_store.session() as s:
        items = review_items(s)
    assert all("no_face" in [f.code for f in i.findings] for i in items if i.state == "normalized")
    pdf = tmp_path / "sheet.pdf"
    assert main(["--db", imported_store.url, "photo", "sheet", str(pdf)]) == 0
    assert "3 页" in capsys.readouterr().out  # 60 applicants, 25 a page
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    first = items[0]
    assert "照片核对表" in text and first.application_no in text and first.name in text and "无人脸" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert any("WenQuanYi" in line and " yes yes " in line for line in fonts.splitlines())  # embedded, subset


def test_detection_runs_on_the_upright_photo(faces_dir: Path) -> None:
    from confirm_desk.services.photos.analysis import look

    seen = look((faces_dir / "exif_rotated.jpg").read_bytes())
    assert seen.size == (2400, 3200) and len(seen.faces) == 1
    assert seen.faces[0].h > seen.faces[0].w  # a sideways face would be wider than tall
    turned = look((faces_dir / "exif_rotated.jpg").read_bytes(), rotation=90)
    assert turned.size == (3200, 2400)
    data = io.BytesIO()
    Image.new("RGB", (300, 400), (240, 240, 240)).save(data, "JPEG")
    assert look(data.getvalue()).faces == ()
