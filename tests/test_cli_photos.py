"""`confirm-desk photo normalize / import / normalize-all` through cli.main with --db."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from PIL import Image
from sqlalchemy import func, select

from confirm_desk.cli import main
from confirm_desk.store.models import Photo, applicant_table

t = applicant_table


def test_normalize_one_file(samples: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out.jpg"
    code = main(["photo", "normalize", str(samples / "photos" / "2025330000046.jpg"), str(out),
                 "--box", "100,0,438,600", "--format", "json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["crop_box"] == "100,0,438,600" and report["upright_size"] == [800, 600]
    with Image.open(out) as image:
        assert (image.format, image.size) == ("JPEG", (114, 156))
    assert out.stat().st_size == report["bytes"] <= 60 * 1024


def test_normalize_refuses_corrupt_and_missing(samples: Path, tmp_path: Path, capsys) -> None:
    assert main(["photo", "normalize", str(samples / "photos" / "320106198703218941.jpg"),
                 str(tmp_path / "o.jpg")]) == 2
    assert "损坏或不完整" in capsys.readouterr().err
    assert main(["photo", "normalize", str(tmp_path / "nope.jpg"), str(tmp_path / "o.jpg")]) == 2
    assert "不存在" in capsys.readouterr().err
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    assert main(["photo", "normalize", str(empty), str(tmp_path / "o.jpg")]) == 2
    assert "0 字节" in capsys.readouterr().err
    assert not (tmp_path / "o.jpg").exists()


def test_small_photo_warns(samples: Path, tmp_path: Path, capsys) -> None:
    assert main(["photo", "normalize", str(samples / "photos" / "330902196901185344.JPG"),
                 str(tmp_path / "o.jpg")]) == 0
    assert "分辨率不足" in capsys.readouterr().out


def test_import_zip_then_normalize_all(cli_clerk, db_url: str, samples: Path, tmp_path: Path, capsys) -> None:
    assert main(["--db", db_url, "import", str(samples / "applicants_export.xlsx")]) == 0
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name in ("2025330000046.jpg", "320106198703218941.jpg", "500114199308278205.jpg"):
            z.write(samples / "photos" / name, name)
        z.writestr("nobody.jpg", (samples / "photos" / "2025330000046.jpg").read_bytes())
    capsys.readouterr()
    assert main(["--db", db_url, "photo", "import", str(archive), "--user", "clerk"]) == 1
    text = capsys.readouterr().out
    assert "已关联照片 2 张" in text and "nobody.jpg" in text and "损坏" in text

    assert main(["--db", db_url, "photo", "normalize-all", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["normalized"], report["failures"]) == (2, [])
    from confirm_desk.store.db import open_store

    store = open_store(db_url)
    with store.session() as s:
        assert s.scalar(select(func.count()).where(t.c.photo_state == "normalized")) == 2
        assert s.scalar(select(func.count()).select_from(Photo).where(Photo.normalized.is_not(None))) == 2
    store.dispose()


def test_import_folder_all_good(cli_clerk, db_url: str, samples: Path, tmp_path: Path, capsys) -> None:
    assert main(["--db", db_url, "import", str(samples / "applicants_export.xlsx")]) == 0
    folder = tmp_path / "p"
    folder.mkdir()
    shutil.copy(samples / "photos" / "320106198905127466.png", folder)
    capsys.readouterr()
    assert main(["--db", db_url, "photo", "import", str(folder)]) == 0
    assert "已关联照片 1 张" in capsys.readouterr().out
