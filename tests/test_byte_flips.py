"""Damaged files (issue 25 item 5): a real export and a real photo zip with bytes changed at seeded
positions (tests/data/make_byte_flips.py, 260 cases). Every case is refused with a Chinese message naming
the file or imported with the damaged photos reported by name; never 程序内部错误; a refused file changes
nothing in the store."""

from __future__ import annotations

import re
from pathlib import Path

from confirm_desk.cli import main
from confirm_desk.domain.errors import KnownError
from confirm_desk.services.importing.applicants import import_applicants
from tests.conftest import file_digest
from tests.data.make_byte_flips import build

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_byte_flipped_exports_and_photo_zips(imported_store, samples: Path, tmp_path: Path,
                                             tally: dict[str, int]) -> None:
    cases = build(samples, tmp_path / "flips")
    assert len(cases) >= 200
    db = imported_store.sqlite_path
    export = samples / "applicants_export.xlsx"
    outcomes = {"refused": 0, "imported": 0, "photos reported": 0}
    bugs: list[str] = []
    for flip, path in cases:
        before = file_digest(db)
        try:
            if flip.kind == "xlsx":
                result = import_applicants(imported_store, path)
            else:
                result = import_applicants(imported_store, export, path)
        except KnownError as err:
            outcomes["refused"] += 1
            if flip.name not in err.message or not CJK.search(err.message):
                bugs.append(f"{flip.name}: message does not name the file: {err.message}")
            if file_digest(db) != before:
                bugs.append(f"{flip.name}: refused but the store changed")
            continue
        except Exception as exc:  # a bug: the CLI would say 程序内部错误
            bugs.append(f"{flip.name}: {exc.__class__.__name__}")
            continue
        outcomes["imported"] += 1
        if result.photos and result.photos.errors:
            outcomes["photos reported"] += 1
            assert all(pe.file and CJK.search(pe.message) for pe in result.photos.errors)
        if result.imported or result.updated:
            bugs.append(f"{flip.name}: a damaged export changed applicants ({result.summary()})")
    for name, count in outcomes.items():
        tally[f"byte flips: {name}"] = count
    assert bugs == []
    assert outcomes["refused"] >= 50 and outcomes["photos reported"] >= 10


def test_byte_flips_through_the_command_line(cli_clerk: str, samples: Path, tmp_path: Path, capsys) -> None:
    cases = build(samples, tmp_path / "flips")[::13]
    export = samples / "applicants_export.xlsx"
    assert main(["--db", cli_clerk, "import", str(export)]) == 0
    for flip, path in cases:
        args = [str(path)] if flip.kind == "xlsx" else [str(export), "--photos", str(path)]
        code = main(["--db", cli_clerk, "import", *args])
        out, err = capsys.readouterr()
        assert "程序内部错误" not in out + err and "Traceback" not in err, (flip.name, err)
        assert code in (0, 1, 2), flip.name
        if code == 2:
            assert err.startswith("错误：") and flip.name in err, (flip.name, err)
