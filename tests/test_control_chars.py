"""Control characters (issue 25 item 3): cleaned where text enters, harmless in every writer, never logged."""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select, update

from confirm_desk.cli import main
from confirm_desk.domain.statuses import Status
from confirm_desk.domain.text import clean_text, strip_controls
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.confirming.confirmation import latest_decision
from confirm_desk.services.spreadsheets.safe import safe_cell, safe_row
from confirm_desk.store.models import Decision, applicant_table
from tests.accounts_helpers import fast_hasher, login_env  # noqa: F401
from tests.test_batch_export import decide, normalise_photos, pending_numbers

CONTROLS = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\x7f"
t = applicant_table


def test_text_functions() -> None:
    assert clean_text("张\x07三\x08") == "张三"
    assert clean_text(f"a{CONTROLS}b") == "ab"
    assert strip_controls("原件\x07不符\r\n第二行\tx") == "原件不符\n第二行\tx"
    assert safe_cell("=1+1\x07") == "'=1+1" and safe_cell("张\x00三") == "张三" and safe_cell(3) == 3


def test_a_row_is_made_safe_as_its_cells_are() -> None:
    rows = [["张三", "3201", "", "-缺少学历证书"], ["=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3"],
            ["张\x00三", "=1+1\x07", "ok", "\ud800x"], ["李四", 3, None, "\t=A1"], []]
    for row in rows:
        assert safe_row(row) == [safe_cell(v) for v in row]


def test_import_cleans_control_characters(store, tmp_path: Path) -> None:
    from confirm_desk.services.importing.applicants import import_applicants

    (tmp_path / "list.csv").write_text("报名号,姓名,证件号码,现任教学校\n"
                                       "2025330000901,张\x07三,330902197803277165,第一\x08中学\x1b\n", encoding="utf-8")
    import_applicants(store, tmp_path / "list.csv")
    with store.session() as session:
        name, school = session.execute(select(t.c.name, t.c.school)).one()
    assert (name, school) == ("张三", "第一中学")


def dirty_store(store) -> list[str]:
    """Old data written before the fix: a BEL/backspace in names, schools and a rejection reason."""
    normalise_photos(store)
    numbers = pending_numbers(store, 3)
    decide(store, numbers[0])
    decide(store, numbers[1], Status.REJECTED)
    with store.session() as session:
        for number in numbers:
            session.execute(update(t).where(t.c.application_no == number)
                            .values(name=t.c.name + "\x07", school=t.c.school + "\x08"))
        rejected = resolve(session, numbers[1])
        session.execute(update(Decision).where(Decision.applicant_id == rejected)
                        .values(reason="师德\x07考核\x1b不合格"))
    return numbers


def xlsx_texts(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    return "".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row)


def test_every_export_survives_control_characters(imported_store, tmp_path: Path, monkeypatch, capsys) -> None:
    login_env(monkeypatch, imported_store.url)
    dirty_store(imported_store)
    url = imported_store.url
    for argv in (["export", "batch", str(tmp_path / "batch.zip")],
                 ["export", "roster", str(tmp_path / "roster.xlsx")],
                 ["export", "stats", str(tmp_path / "stats.xlsx")],
                 ["export", "audit", str(tmp_path / "audit.xlsx")],
                 ["export", "day", str(tmp_path / "day.zip")]):
        assert main(["--db", url, *argv]) == 0, capsys.readouterr().err
    assert "程序内部错误" not in capsys.readouterr().err
    texts = [xlsx_texts((tmp_path / name).read_bytes()) for name in ("roster.xlsx", "stats.xlsx", "audit.xlsx")]
    with zipfile.ZipFile(tmp_path / "batch.zip") as z:
        texts.append(xlsx_texts(z.read("results.xlsx")))
    with zipfile.ZipFile(tmp_path / "day.zip") as z:
        texts += [xlsx_texts(z.read(n)) for n in z.namelist() if n.endswith(".xlsx")]
    assert all(not any(c in text for c in CONTROLS) for text in texts)
    assert "师德考核不合格" in texts[3]  # the batch's rejection reason, cleaned
    assert main(["--db", url, "list", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) > 50 and not any(c in "".join(r) for r in rows for c in CONTROLS)


def test_confirm_reason_is_cleaned(imported_store, monkeypatch) -> None:
    login_env(monkeypatch, imported_store.url)
    number = pending_numbers(imported_store, 1)[0]
    assert main(["--db", imported_store.url, "confirm", number, "--outcome", "rejected",
                 "--reason", "原件\x07不符\x08"]) == 0
    with imported_store.session() as session:
        assert latest_decision(session, resolve(session, number)).reason == "原件不符"


def test_list_csv_escapes_formulas(imported_store, monkeypatch, capsys) -> None:
    """Item 10: `list --format csv` escapes formula injection like the xlsx writers."""
    login_env(monkeypatch, imported_store.url)
    number = pending_numbers(imported_store, 1)[0]
    with imported_store.session() as session:
        session.execute(update(t).where(t.c.application_no == number)
                        .values(name='=HYPERLINK("http://x","y")', school="+cmd|' /C calc'!A0"))
    capsys.readouterr()
    assert main(["--db", imported_store.url, "list", "--format", "csv", "--keys", "--search", number]) == 0
    row = next(r for r in csv.DictReader(io.StringIO(capsys.readouterr().out)) if r["application_no"] == number)
    assert row["name"].startswith("'=") and row["school"].startswith("'+")


def test_exception_messages_stay_out_of_the_log(tmp_path: Path) -> None:
    from confirm_desk.logs import _Formatter, exception_details

    secret = "张三 330902197803277165"
    handler = logging.FileHandler(tmp_path / "log.txt", encoding="utf-8")
    handler.setFormatter(_Formatter("%(message)s"))
    log = logging.getLogger("confirm_desk.test_control_chars")
    log.addHandler(handler)
    try:
        try:
            try:
                raise KeyError(secret)
            except KeyError as inner:
                raise ValueError(f"{secret} cannot be used in worksheets.") from inner
        except ValueError:
            log.exception("unexpected error in export")
    finally:
        log.removeHandler(handler)
        handler.close()
    text = (tmp_path / "log.txt").read_text(encoding="utf-8")
    assert "ValueError" in text and "KeyError" in text and "test_control_chars.py" in text
    assert "330902197803277165" not in text and "张三" not in text
    assert "330902197803277165" not in exception_details(ValueError(secret))
