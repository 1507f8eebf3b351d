"""Every broken file of the corpus ends in a plain Chinese message, never a crash or a changed store."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from confirm_desk.domain.errors import FileRefused
from confirm_desk.services.importing.applicants import ImportResult, import_applicants
from confirm_desk.services.photos.intake import import_photos
from confirm_desk.services.photos.probe import probe_photo
from confirm_desk.services.photos.sources import PHOTO_SUFFIXES
from confirm_desk.store.db import open_store
from confirm_desk.store.models import applicant_table
from tests.conftest import file_digest
from tests.data.make_bad_inputs import CASES, CASES_BY_NAME, GOOD_TABLE, INJECTIONS, BadInput

CJK = re.compile(r"[\u4e00-\u9fff]")


def sources(case: BadInput, corpus: Path) -> tuple[Path, Path | None]:
    if case.kind == "photos":
        return corpus / GOOD_TABLE, corpus / case.name
    return corpus / case.name, None


def _db_path(db_url: str) -> Path:
    return Path(db_url.removeprefix("sqlite:///"))


def run_import(case: BadInput, corpus: Path, db_url: str) -> tuple[ImportResult | None, str]:
    """Import through the service; (result, "") or (None, the refusal message). Any other exception fails."""
    table, photos = sources(case, corpus)
    store = open_store(db_url)
    try:
        return import_applicants(store, table, photos), ""
    except FileRefused as err:
        return None, err.message
    finally:
        store.dispose()


def assert_says(case: BadInput, messages: list[str]) -> None:
    assert all(CJK.search(m) for m in messages), messages
    if case.says:
        assert any(word in m for m in messages for word in case.says), (case.says, messages)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_importer(case: BadInput, bad_corpus: Path, db_url: str, tally: dict[str, int]) -> None:
    before = file_digest(_db_path(db_url))
    result, refusal = run_import(case, bad_corpus, db_url)
    tally["bad inputs tried (importer)"] = tally.get("bad inputs tried (importer)", 0) + 1
    if case.outcome == "refused":
        assert result is None, f"{case.name} should be refused, got {result and result.summary()}"
        assert case.name in refusal
        assert_says(case, [refusal])
        changed = file_digest(_db_path(db_url)) != before
        tally["stores changed by a refused file"] = tally.get("stores changed by a refused file", 0) + changed
        assert not changed
        return
    assert result is not None, refusal
    photo_errors = result.photos.errors if result.photos else []
    for e in result.errors:
        assert (e.file, e.row > 1, bool(e.column), len(e.value) <= 200) == (case.name, True, True, True), e
    assert all(p.file and CJK.search(p.message) for p in photo_errors)
    if case.outcome == "accepted":
        assert result.error_count == 0 and result.imported > 0, result.summary()
    else:
        assert result.error_count > 0, result.summary()
        assert_says(case, [e.message for e in result.errors] + [p.message for p in photo_errors])


PHOTO_CASES = [c for c in CASES if c.kind == "photos"]


@pytest.mark.parametrize("case", PHOTO_CASES, ids=lambda c: c.name)
def test_photo_intake(case: BadInput, bad_corpus: Path, store, tally: dict[str, int]) -> None:
    """The photo service alone (applicants already there): refused whole, or each bad photo named."""
    import_applicants(store, bad_corpus / GOOD_TABLE)
    try:
        result = import_photos(store, bad_corpus / case.name)
    except FileRefused as err:
        assert case.outcome == "refused" and case.name in err.message
        assert_says(case, [err.message])
        return
    finally:
        tally["bad inputs tried (photo service)"] = tally.get("bad inputs tried (photo service)", 0) + 1
    assert case.outcome != "refused"
    assert result.errors and all(e.file for e in result.errors)
    assert_says(case, [e.message for e in result.errors])
    assert result.attached >= 1  # the good photo beside the bad ones still arrives


def test_probe_every_corpus_image(bad_corpus: Path, tally: dict[str, int]) -> None:
    """Every image file in the corpus decodes or is refused with a reason; none raises."""
    images = [p for p in bad_corpus.rglob("*") if p.suffix.lower() in PHOTO_SUFFIXES and p.is_file()
              and not p.is_symlink() and p.parent.name != "photos_2gb"]  # 110 sparse files of zeros
    assert len(images) >= 8
    verdicts = {p.name: probe_photo(p.read_bytes()) for p in images}
    tally["bad photos probed"] = len(images)
    refused = {name: v.problem for name, v in verdicts.items() if not v.ok}
    assert all(CJK.search(problem) for problem in refused.values())
    assert len(refused) >= 6, refused


def test_zip_slip_writes_nothing_outside(bad_corpus: Path, store) -> None:
    import_photos(store, bad_corpus / "zip_slip.zip")
    assert not any(p.name.endswith(".jpg") for p in bad_corpus.parent.iterdir())
    assert not list(Path("/tmp").glob("[0-9]*[0-9X].jpg"))


def test_formula_text_stored_as_text_and_escaped_in_report(bad_corpus: Path, store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from confirm_desk.services.importing.error_report import write_row_errors

    result = import_applicants(store, bad_corpus / "formula_injection.xlsx")
    with store.session() as s:
        t = applicant_table
        stored = set(s.scalars(select(t.c.name))) | set(s.scalars(select(t.c.school)))
    assert INJECTIONS[0] in stored and INJECTIONS[1] in stored
    write_row_errors(result, tmp_path / "errors.xlsx")
    sheet = load_workbook(tmp_path / "errors.xlsx").active
    values = [c.value for row in sheet.iter_rows(min_row=2) for c in row]
    assert "'=1+2" in values and "=1+2" not in values
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_future_and_impossible_birth_dates_are_flagged(bad_corpus: Path, store) -> None:
    import_applicants(store, bad_corpus / "future_birth_dates.xlsx")
    with store.session() as s:
        flags = ",".join(s.scalars(select(applicant_table.c.flags)))
    assert {"id_birth_future", "birth_mismatch", "id_birth_invalid"} <= set(flags.split(","))


def test_entity_expansion_is_never_expanded(bad_corpus: Path) -> None:
    """calamine refuses the DTD; openpyxl (writes only, but may read) goes through defusedxml."""
    import openpyxl
    from defusedxml import DefusedXmlException

    assert openpyxl.DEFUSEDXML is True
    with pytest.raises(ValueError) as info:  # openpyxl wraps the parser's refusal
        openpyxl.load_workbook(bad_corpus / "billion_laughs.xlsx")
    assert isinstance(info.value.__cause__, DefusedXmlException)
    case = CASES_BY_NAME["billion_laughs.xlsx"]
    with pytest.raises(FileRefused):
        import_applicants(open_store("sqlite://"), bad_corpus / case.name)


def test_zip_bomb_members_refused_one_by_one(bad_corpus: Path, store) -> None:
    import_applicants(store, bad_corpus / GOOD_TABLE)
    result = import_photos(store, bad_corpus / "zip_bomb.zip")
    messages = sorted(e.message for e in result.errors)
    assert len(messages) == 4 and sum("压缩炸弹" in m for m in messages) == 3 and result.attached == 1
