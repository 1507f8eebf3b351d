"""“不在新名单中” only from a whole list (issue 25 item 7): refused rows count as present, and a file with
many refused rows, or none stored, flags nobody."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from confirm_desk.services.importing.applicants import import_applicants
from confirm_desk.services.spreadsheets.read import read_rows
from confirm_desk.store.models import applicant_table

t = applicant_table


def sample_table(samples: Path) -> tuple[list[str], list[list[str]]]:
    rows = [["" if c is None else str(c) for c in r] for r in read_rows(samples / "applicants_export.xlsx")]
    start = next(i for i, r in enumerate(rows) if "报名号" in r)
    return rows[start], [r for r in rows[start + 1:] if any(r)]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path


def break_ids(header: list[str], rows: list[list[str]], count: int) -> list[list[str]]:
    """The first `count` rows get an ID number that is refused (not 18 characters)."""
    col = header.index("证件号码")
    return [[*r[:col], "12345", *r[col + 1:]] if i < count else r for i, r in enumerate(rows)]


def flagged(store) -> set[str]:
    with store.session() as session:
        return set(session.scalars(select(t.c.application_no).where(t.c.missing_from_import)))


def test_refused_rows_count_as_present(imported_store, samples: Path, tmp_path: Path) -> None:
    header, rows = sample_table(samples)
    result = import_applicants(imported_store, write_csv(tmp_path / "one_bad.csv", header, break_ids(header, rows, 1)))
    assert result.error_count == 1
    assert result.missing == [] and flagged(imported_store) == set()


def test_a_file_whose_rows_all_fail_flags_nobody(imported_store, samples: Path, tmp_path: Path) -> None:
    header, rows = sample_table(samples)
    result = import_applicants(imported_store, write_csv(tmp_path / "all_bad.csv", header,
                                                        break_ids(header, rows, len(rows))))
    assert result.error_count == len(rows) and result.missing == [] and flagged(imported_store) == set()


def test_many_failed_rows_flag_nobody_even_the_absent(imported_store, samples: Path, tmp_path: Path) -> None:
    header, rows = sample_table(samples)
    kept = break_ids(header, rows[:-5], 20)  # five applicants left out, twenty rows refused
    result = import_applicants(imported_store, write_csv(tmp_path / "many_bad.csv", header, kept))
    assert result.error_count == 20 and result.missing == [] and flagged(imported_store) == set()


def test_a_whole_list_still_flags_who_left_it(imported_store, samples: Path, tmp_path: Path) -> None:
    header, rows = sample_table(samples)
    no_col = header.index("报名号")
    gone = rows[-1][no_col]
    result = import_applicants(imported_store, write_csv(tmp_path / "whole.csv", header, rows[:-1]))
    assert result.missing == [gone] and flagged(imported_store) == {gone}
    # A row refused for an unknown 报名号 makes the next list partial: the flag stays, nobody new is flagged.
    partial = [r if i else [*r[:no_col], "", *r[no_col + 1:]] for i, r in enumerate(rows[:-2])]
    result = import_applicants(imported_store, write_csv(tmp_path / "partial.csv", header, partial))
    assert result.missing == [] and flagged(imported_store) == {gone}
