"""Printing: layouts drawn into PDFs that are read back with poppler and zbarimg."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from confirm_desk.domain.errors import FileRefused, RuleViolation
from confirm_desk.domain.fields import FIELDS_BY_KEY
from confirm_desk.domain.idnumbers import mask_id
from confirm_desk.domain.statuses import Status
from confirm_desk.services.printing import (
    build_print_data,
    confirmed_ids,
    load_print_data,
    record_printed,
    render_pdf,
    write_pdf,
)
from confirm_desk.services.printing.fonts import fit_text, string_width
from confirm_desk.services.printing.layout import MM, compile_layout, load_layout
from confirm_desk.store.models import AuditEvent, applicant_table
from tests.printing_helpers import (
    MISSING,
    OPERATOR,
    decide_all,
    decode_barcodes,
    pdf_pages,
    pdffonts,
    pdftotext,
    word_boxes,
)

t = applicant_table
LONG_SCHOOL = "舟山市定海区某某某某某某某某实验学校教育集团东海校区（分校）附属幼儿园与社区早期教育指导中心"


@pytest.fixture
def decided(imported_store):
    ids = decide_all(imported_store)
    with imported_store.session() as session:
        first = build_print_data(session, ids[0])
    return imported_store, ids, first


def test_form_has_the_official_labels_and_the_applicants_values(decided, tmp_path: Path) -> None:
    store, ids, first = decided
    out = tmp_path / "form.pdf"
    with store.session() as session:
        result = write_pdf(session, ids[:3], "form", out)
    assert result.pages == 6 == pdf_pages(out)  # two signed copies each (一式两份)
    text = pdftotext(out, "-f", "1", "-l", "1")
    registry = [FIELDS_BY_KEY[k].label for k in ("name", "registration_type", "phone", "postcode")]
    official = ("教师资格定期注册申请表", "所在单位", "填表日期", "报名号", "有效身份", "教师资格", "电子信箱",
                "承诺：本人所填写信息", "本人签字", "定期注册条件具备情况",
                "1.具有与任教岗位相应的教师资格", "7.教育行政部门规定的其他条件", "具备", "不具备",
                "学校负责人签字", "注册机构", "本表一式两份")
    for label in (*official, *registry):
        assert label in text, label
    values = first.values
    for key in ("name", "id_number", "cert_number", "cert_issuer", "application_no", "hired_on"):
        assert values[key] and values[key] in text, key
    assert "请粘贴照片" not in text  # the normalised photo is on the page


def test_form_without_normalised_photo_asks_for_one(decided, tmp_path: Path) -> None:
    _store, _ids, first = decided
    out = tmp_path / "nophoto.pdf"
    render_pdf(load_layout("application_form"), [_with(first, photo=None)], out)
    assert "请粘贴照片" in pdftotext(out)


def test_receipt_masks_the_id_number_and_names_operator_and_point(decided, tmp_path: Path) -> None:
    store, ids, first = decided
    out = tmp_path / "receipt.pdf"
    with store.session() as session:
        result = write_pdf(session, [ids[0]], "receipt", out)
    assert result.pages == 1
    text = pdftotext(out)
    assert "教师资格定期注册现场确认受理凭证" in text and "学校留存联" in text
    assert mask_id(first.values["id_number"]) in text
    assert first.values["id_number"] not in text
    for value in (first.values["name"], first.values["cert_number"], first.confirmation_point, OPERATOR,
                  Status.CONFIRMED.label, f"{first.decision.decided_at:%Y-%m-%d %H:%M}"):
        assert value in text, value


def test_incomplete_receipt_lists_missing_materials_and_where_to_go(imported_store, tmp_path: Path) -> None:
    ids = decide_all(imported_store, "incomplete")
    out = tmp_path / "incomplete.pdf"
    with imported_store.session() as session:
        write_pdf(session, ids[:1], "receipt", out)
        point = build_print_data(session, ids[0]).confirmation_point
    text = pdftotext(out)
    assert "申请材料不全，请补交以下材料" in text and Status.INCOMPLETE.label in text
    assert f"1. {MISSING[0]}" in text and f"2. {MISSING[1]}" in text
    assert f"携带本凭证到 {point} 补交" in text
    assert "、".join(MISSING) in text  # the school's tear-off copy lists them too


def test_recorded_conditions_print_their_reasons(decided, tmp_path: Path) -> None:
    store, ids, first = decided
    assert [c.met for c in first.decision.conditions] == [True, True, True, True, False, True, True]
    out = tmp_path / "conditions.pdf"
    with store.session() as session:
        write_pdf(session, ids[:1], "form", out, copies=1)
    assert "培训学时缺12学时" in pdftotext(out)


def test_the_cjk_font_is_embedded_as_a_subset_and_nothing_else_is_used(decided, tmp_path: Path) -> None:
    store, ids, _first = decided
    out = tmp_path / "fonts.pdf"
    with store.session() as session:
        write_pdf(session, ids[:2], "receipt", out)
    fonts = pdffonts(out)
    assert fonts and all("WenQuanYi" in f["name"] for f in fonts)
    assert all(f["emb"] == "yes" and f["sub"] == "yes" for f in fonts)


def test_barcode_and_qr_decode_to_the_application_number(decided, tmp_path: Path) -> None:
    store, ids, first = decided
    out = tmp_path / "codes.pdf"
    with store.session() as session:
        write_pdf(session, [ids[0]], "receipt", out)
    codes = decode_barcodes(out, 1, tmp_path)
    number = first.application_no
    assert f"CODE-128:{number}" in codes
    assert f"QR-Code:{number}" in codes


def test_a_long_school_name_stays_inside_its_box(decided, tmp_path: Path) -> None:
    _store, _ids, first = decided
    layout = load_layout("receipt")
    cell = next(i for i in layout.items if i.spec.get("field") == "school")
    pad = cell.style["pad"] * MM
    fitted = fit_text(LONG_SCHOOL, cell.box.w - 2 * pad, cell.box.h - 2 * pad, cell.style["size"])
    assert len(fitted.lines) >= 2 and "".join(fitted.lines) == LONG_SCHOOL
    assert max(string_width(line, fitted.size) for line in fitted.lines) <= cell.box.w - 2 * pad
    assert len(fitted.lines) * fitted.leading <= cell.box.h - 2 * pad
    # and on the page, as poppler measures it
    out = tmp_path / "long.pdf"
    render_pdf(layout, [_with(first, values={**first.values, "school": LONG_SCHOOL})], out)
    top = layout.height - cell.box.y - cell.box.h  # poppler measures from the page's top
    inside = [w for w in word_boxes(out) if top - 1 <= w[2] <= top + cell.box.h and w[1] > cell.box.x - 1]
    assert "".join(w[0] for w in inside) == LONG_SCHOOL
    for _text, x0, y0, x1, y1 in inside:
        assert cell.box.x <= x0 and x1 <= cell.box.x + cell.box.w
        assert top <= y0 and y1 <= top + cell.box.h


def test_nothing_can_overflow_even_absurdly_long_values() -> None:
    fitted = fit_text("很长" * 400, 50, 20, 11)
    assert fitted.size >= 4 and len(fitted.lines) * fitted.leading <= 20
    assert fitted.lines[-1].endswith("…")
    assert max(string_width(line, fitted.size) for line in fitted.lines) <= 50


def test_printing_the_form_clears_reprint_and_is_audited(decided) -> None:
    store, ids, _first = decided
    with store.session() as session:
        session.execute(update(t).where(t.c.id.in_(ids[:2])).values(reprint_needed=True))
    with store.session() as session:
        assert set(confirmed_ids(session, "form")) == set(ids)
        assert record_printed(session, ids[:2], "form", "李打印") == 2
        record_printed(session, ids[:1], "receipt", "李打印")
    with store.session() as session:
        assert not session.scalar(select(func.count()).where(t.c.reprint_needed.is_(True)))
        rows = session.execute(select(AuditEvent.action, AuditEvent.applicant_id, AuditEvent.operator)
                               .where(AuditEvent.action.like("print%"))).all()
        assert sorted(rows) == sorted([("print_form", ids[0], "李打印"), ("print_form", ids[1], "李打印"),
                                       ("print_receipt", ids[0], "李打印")])
        waiting = confirmed_ids(session, "form")
        assert ids[0] not in waiting and ids[2] in waiting
        # edited again (CONF-3): the form waits to be printed again
        session.execute(update(t).where(t.c.id == ids[0]).values(reprint_needed=True))
        assert ids[0] in confirmed_ids(session, "form")
        assert ids[0] not in confirmed_ids(session, "receipt")


def test_undecided_applicants_get_no_receipt(imported_store, tmp_path: Path) -> None:
    with imported_store.session() as session:
        pending = list(session.scalars(select(t.c.id).where(t.c.status == "pending").limit(2)))
        with pytest.raises(RuleViolation, match="尚未作出确认决定"):
            write_pdf(session, pending, "receipt", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_a_province_can_relabel_a_field_in_the_layout_file(decided, tmp_path: Path) -> None:
    import json

    from confirm_desk.paths import forms_dir

    _store, _ids, first = decided
    data = json.loads((forms_dir() / "print" / "receipt.json").read_text(encoding="utf-8"))
    data["elements"][0]["text"] = "教师资格定期注册现场确认回执"
    out = tmp_path / "relabelled.pdf"
    render_pdf(compile_layout(data), [first], out)
    assert "教师资格定期注册现场确认回执" in pdftotext(out)
    data["elements"].append({"type": "text", "field": "no_such_field", "x": 0, "y": 0, "w": 1, "h": 1})
    with pytest.raises(FileRefused, match="no_such_field"):
        compile_layout(data)


def test_cli_prints_forms_and_records_them(cli_clerk, decided, db_url: str, tmp_path: Path) -> None:
    from confirm_desk.cli import main

    store, ids, first = decided
    out = tmp_path / "cli.pdf"
    assert main(["--db", db_url, "print", "form", first.application_no, "--copies", "1", "-o", str(out)]) == 0
    assert pdf_pages(out) == 1
    assert main(["--db", db_url, "print", "receipt", "--all-confirmed", "--unprinted", "-o", str(out)]) == 0
    assert pdf_pages(out) == len(ids)
    assert main(["--db", db_url, "print", "receipt", "--all-confirmed", "--unprinted", "-o", str(out)]) == 2
    with store.session() as session:
        assert session.scalar(select(func.count()).where(AuditEvent.action == "print_form")) == 1


def test_a_thousand_forms_make_one_pdf_of_a_thousand_pages(store, tmp_path: Path) -> None:
    from confirm_desk.services.applicants.demo import fill_demo

    fill_demo(store, count=1040)
    out = tmp_path / "batch.pdf"
    seen: list[int] = []
    with store.session() as session:  # forms print for undecided applicants too (not for drafts)
        ids = list(session.scalars(select(t.c.id).where(t.c.status != "draft").limit(1000)))
        result = write_pdf(session, ids, "form", out, copies=1,
                           progress=lambda done, _n, _t: seen.append(done))
    assert len(ids) == 1000 and seen[-1] == 1000
    assert result.pages == 1000 == pdf_pages(out)


def _with(data, **changes):
    from dataclasses import replace

    return replace(data, **changes)


def test_the_papers_show_the_decision_in_force(decided) -> None:
    from confirm_desk.services.confirming.confirmation import CheckInput, save_check

    store, ids, first = decided
    assert first.decision.operator == OPERATOR  # the account's display name, not the user name
    assert isinstance(first.decision.decided_at, dt.datetime) and first.status is Status.CONFIRMED
    with store.session() as session:
        version = session.scalar(select(t.c.version).where(t.c.id == ids[0]))
        save_check(session, ids[0], CheckInput(outcome=Status.INCOMPLETE, missing=MISSING[:1],
                                               reopen_reason="原件复核"), "someone", version)
    with store.session() as session:
        data = build_print_data(session, ids[0])
    assert data.status is Status.INCOMPLETE
    assert data.decision.operator == "someone" and data.decision.missing == tuple(MISSING[:1])
    assert data.decision.conditions == first.decision.conditions  # the recorded marks stay


def test_an_edit_after_the_pdf_was_made_keeps_the_reprint_flag(decided, tmp_path: Path) -> None:
    store, ids, _first = decided
    with store.session() as session:
        session.execute(update(t).where(t.c.id.in_(ids[:2])).values(reprint_needed=True))
        result = write_pdf(session, ids[:2], "form", tmp_path / "f.pdf")
    with store.session() as session:  # someone edits the second applicant before the paper is printed
        session.execute(update(t).where(t.c.id == ids[1]).values(school="新学校", version=t.c.version + 1))
    with store.session() as session:
        record_printed(session, result.printed_ids, "form", "李打印", result.versions)
        rows = session.execute(select(t.c.id, t.c.reprint_needed).where(t.c.id.in_(ids[:2])))
        flags = {row.id: row.reprint_needed for row in rows}
    assert flags == {ids[0]: False, ids[1]: True}


@pytest.mark.parametrize(
    ("changes", "round_text", "date_text"),
    [
        ({"registration_type": "首次注册", "applied_on": "2026-09-15"}, "第 1 次注册", "2026年09月15日"),
        ({"registration_type": "定期注册", "registration_count": "3"}, "第 3 次注册", None),
        ({"registration_type": "定期注册", "registration_count": ""}, "注册类型 第 ", None),  # N blank to write
    ],
)
def test_form_registration_round_and_filled_on(decided, tmp_path: Path, changes, round_text, date_text) -> None:
    """Zhoushan 附件2: 注册类型 "第 N 次注册", the label 电子信箱, 填表日期 from the application (not the print day)."""
    _store, _ids, first = decided
    out = tmp_path / "form.pdf"
    data = _with(first, values={**first.values, **changes})
    render_pdf(load_layout("application_form"), [data], out, now=dt.datetime(2030, 1, 2, 9, 0))
    text = " ".join(pdftotext(out, "-f", "1", "-l", "1").split())
    assert round_text in text and "次注册" in text and "电子信箱" in text and "2030年01月02日" not in text
    if date_text:
        assert f"填表日期：{date_text}" in text
    else:
        assert "填表日期： 年 月" in text  # blank to write by hand


def test_each_photo_is_embedded_once_as_its_own_jpeg(decided, tmp_path: Path) -> None:
    """The normalised JPEG goes into the PDF byte for byte (never decoded and re-encoded), once per photo
    however many copies show it; a photo that is not a JPEG is still printed."""
    import subprocess

    store, ids, _first = decided
    out = tmp_path / "photos.pdf"
    with store.session() as session:
        records = load_print_data(session, ids[:3])
    assert all(r.photo and r.photo[:2] == b"\xff\xd8" for r in records)
    assert render_pdf(load_layout("application_form"), records, out, copies=2) == 6
    listing = subprocess.run(["pdfimages", "-list", str(out)], check=True, capture_output=True,
                             text=True).stdout.splitlines()[2:]
    assert len(listing) == 6 and {line.split()[2] for line in listing} == {"image"}
    assert {line.split()[8] for line in listing} == {"jpeg"}
    assert len({line.split()[10] for line in listing}) == 3  # one image object per photo
    subprocess.run(["pdfimages", "-j", str(out), str(tmp_path / "img")], check=True)
    extracted = {p.read_bytes() for p in tmp_path.glob("img-*.jpg")}
    assert extracted == {r.photo for r in records}

    from PIL import Image

    buffer = io.BytesIO()
    Image.open(io.BytesIO(records[0].photo)).save(buffer, "PNG")
    png = tmp_path / "png.pdf"
    render_pdf(load_layout("application_form"), [_with(records[0], photo=buffer.getvalue())], png)
    assert "请粘贴照片" not in pdftotext(png)
    assert "image" in subprocess.run(["pdfimages", "-list", str(png)], check=True, capture_output=True,
                                     text=True).stdout


def test_the_forms_barcode_decodes_however_its_bars_were_narrowed(decided, tmp_path: Path) -> None:
    store, ids, first = decided
    out = tmp_path / "form-code.pdf"
    with store.session() as session:
        write_pdf(session, [ids[0]], "form", out, copies=1)
    assert f"CODE-128:{first.application_no}" in decode_barcodes(out, 1, tmp_path)
