"""Issue 23: every paper the point produces — the school's certificates, the lists for the county, the bag covers,
the county's forms, and the readiness pack (photos folder, 网报填写卡) — read back from the files."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from confirm_desk.domain.errors import KnownError
from confirm_desk.services import settings
from confirm_desk.services.printing.bags import assign_numbers, format_number, set_numbers
from confirm_desk.services.printing.documents import write_pdf
from confirm_desk.services.printing.lists import write_list_pdf
from confirm_desk.store.models import applicant_table as t
from tests.printing_helpers import decide_all, decode_barcodes, pdf_pages, pdftotext


def _rows(store, ids):
    with store.session() as session:
        return {r.id: r for r in session.execute(select(t.c.id, t.c.application_no, t.c.name, t.c.id_number,
                                                         t.c.school, t.c.status).where(t.c.id.in_(ids)))}


@pytest.mark.samples
@pytest.mark.parametrize("kind,title", [("ethics", "师德表现证明"), ("assessment", "年度考核证明"),
                                        ("health", "身心健康证明")])
def test_school_papers_carry_the_teacher_school_and_barcode(imported_store, tmp_path, kind, title) -> None:
    with imported_store.session() as session:
        draft_and_others = list(session.scalars(select(t.c.id).order_by(t.c.application_no).limit(3)))
        statuses = {s for s in session.scalars(select(t.c.status).where(t.c.id.in_(draft_and_others)))}
        out = tmp_path / f"{kind}.pdf"
        result = write_pdf(session, draft_and_others, kind, out)
    assert result.skipped == [] and pdf_pages(out) == 3  # the school needs them before the desk: any status
    rows = _rows(imported_store, draft_and_others)
    for page, applicant_id in enumerate(draft_and_others, start=1):
        text = pdftotext(out, "-f", str(page), "-l", str(page))
        row = rows[applicant_id]
        assert title in text and row.name in text and row.school in text and "学校（盖章）" in text
        assert decode_barcodes(out, page, tmp_path)[0].endswith(row.application_no)
    assert statuses  # the sample's first applicants


@pytest.mark.samples
def test_assessment_certificate_lists_the_imported_years(imported_store, tmp_path) -> None:
    import datetime as dt

    from confirm_desk.services.evidence.importing import import_evidence

    ids = decide_all(imported_store, "confirmed", photos=False)[:2]
    rows = _rows(imported_store, ids)
    first = rows[ids[0]]
    year = dt.date.today().year
    book = Workbook()
    book.active.append(["身份证号码", "姓名", "考核年度", "考核结果"])
    book.active.append([first.id_number, first.name, year - 2, "优秀"])
    book.active.append([first.id_number, first.name, year - 1, "基本合格"])
    path = tmp_path / "考核.xlsx"
    book.save(path)
    assert import_evidence(imported_store, "assessments", path).errors == []
    out = tmp_path / "assessment.pdf"
    with imported_store.session() as session:
        write_pdf(session, ids, "assessment", out)
    one, two = pdftotext(out, "-f", "1", "-l", "1"), pdftotext(out, "-f", "2", "-l", "2")
    assert f"{year - 2} 年度：优秀" in one and f"{year - 1} 年度：基本合格" in one
    assert f"{year - 5} 年度：__________" in one  # a year without a record is left to fill in
    assert f"{year - 1} 年度：__________" in two and "优秀" not in two


@pytest.mark.samples
def test_bag_numbers_keep_the_old_one_and_follow_the_pattern(imported_store, tmp_path) -> None:
    ids = decide_all(imported_store, "confirmed", photos=False)[:3]
    rows = _rows(imported_store, ids)
    numbers = [rows[i].id_number for i in ids]
    with imported_store.session() as session:
        settings.save(session, {"point_code": "ZS01", "bag_number_pattern": "ZS-{year}-{point_code}-{seq:03d}"})
        set_numbers(session, {numbers[1]: "DH2021-0042"}, "typed", "wang")  # registered before: keeps it
        out = tmp_path / "bag.pdf"
        result = write_pdf(session, ids, "bag", out)
        again = assign_numbers(session, numbers)
    assert result.pages == 3
    text = pdftotext(out)
    assert "档案袋编号：DH2021-0042" in text
    new = sorted(v for k, v in again.items() if k != numbers[1])
    assert len(new) == 2 and all(n.startswith("ZS-") and "-ZS01-" in n for n in new) and new[0] != new[1]
    assert new[0].endswith("-001") and new[1].endswith("-002")
    assert "申请表（两份）" not in text or "袋内材料" in text
    with imported_store.session() as session, pytest.raises(KnownError):
        set_numbers(session, {numbers[0]: "DH2021-0042"})  # another teacher's number


def test_bag_pattern_cannot_reach_code() -> None:
    assert format_number("{year}{point_code}{seq:04d}", 2026, "A1", 7) == "2026A10007"
    assert format_number("BAG", 2026, "", 3) == "BAG0003"  # a pattern without the sequence gets one
    with pytest.raises(KnownError):
        format_number("{year.__class__}{seq}", 2026, "", 1)


@pytest.mark.samples
def test_publicity_list_masks_ids_and_states_the_seven_days(imported_store, tmp_path) -> None:
    import datetime as dt

    ids = decide_all(imported_store, "confirmed", photos=False)
    with imported_store.session() as session:
        undecided = session.scalar(select(t.c.id).where(t.c.status == "draft"))
        out = tmp_path / "publicity.pdf"
        result = write_list_pdf(session, "publicity", [*ids, undecided], out, start=dt.date(2026, 11, 23),
                                today=dt.date(2026, 11, 22))
    assert result.rows == len(ids) and len(result.skipped) == 1
    text = pdftotext(out)
    assert "公示名单" in text and "2026年11月23日 至 2026年11月29日（7 天）" in text
    rows = _rows(imported_store, ids)
    any_row = next(iter(rows.values()))
    assert any_row.id_number not in text and any_row.id_number[:4] in text and "**********" in text


@pytest.mark.samples
def test_handover_list_totals_the_materials(imported_store, tmp_path) -> None:
    from confirm_desk.domain.statuses import Status
    from confirm_desk.services.codes import choices
    from confirm_desk.services.confirming.confirmation import CheckInput, save_check

    materials = choices("materials")
    with imported_store.session() as session:
        rows = session.execute(select(t.c.id, t.c.version).where(t.c.status == "pending")
                               .order_by(t.c.application_no).limit(2)).all()
        for row, ticked in zip(rows, (materials[:3], materials[:5]), strict=True):
            save_check(session, row.id, CheckInput(materials={m: True for m in ticked}, outcome=Status.INCOMPLETE,
                                                   missing=[materials[6]]), "wang", row.version)
        out = tmp_path / "handover.pdf"
        result = write_list_pdf(session, "handover", [r.id for r in rows], out)
    assert result.rows == 2
    lines = [line.split() for line in pdftotext(out, "-layout").splitlines()]
    total = next(line for line in lines if line and line[0] == "合计")
    assert total[1:] == ["2", "2", "2", "1", "1", "0", "0", "0", "8"]  # per material, then all items
    assert "移交人（签字）" in pdftotext(out)


@pytest.mark.samples
def test_county_roster_and_summary_reopen(imported_store, samples, tmp_path) -> None:
    from confirm_desk.services.coverage.staff import import_staff
    from confirm_desk.services.reports.county import write_county_roster, write_summary

    decide_all(imported_store, "confirmed", photos=False)
    import_staff(imported_store, samples / "staff_list.xlsx")
    with imported_store.session() as session:
        settings.save(session, {"point_name": "定海区确认点"})
        roster = write_county_roster(session, tmp_path / "county.xlsx", operator="")
        summary = write_summary(session, tmp_path / "summary.xlsx")
    sheet = load_workbook(tmp_path / "county.xlsx").active
    assert sheet["A1"].value == "县(区)集体办理教师资格定期注册初审花名册" and "定海区确认点" in sheet["A2"].value
    assert sheet["B3"].value == "学校名称" and roster.schools > 1
    schools = [sheet.cell(r, 2).value for r in range(5, 5 + roster.people)]
    assert schools == sorted(schools) and all(schools)
    staff = load_workbook(tmp_path / "summary.xlsx").active
    assert staff["A1"].value == "中小学教师持证情况汇总表" and summary.people == 82
    headers = [staff.cell(3, c).value for c in range(1, 18)]
    assert headers[:4] == ["序号", "学校", "学校类别", "姓名"] and headers[-1] == "注册中存在何特殊情况"
    first = [staff.cell(5, c).value for c in range(1, 18)]
    assert first[3] and first[10] and staff.cell(5, 11).data_type == "s"  # certificate number kept as text


@pytest.mark.samples
def test_photo_batch_names_by_id_and_reports_problems(store, samples, tmp_path) -> None:
    from PIL import Image

    from confirm_desk.services.coverage.staff import import_staff
    from confirm_desk.services.photos.readiness import prepare_folder, write_report

    import_staff(store, samples / "staff_list.xlsx")
    source = tmp_path / "拍照"
    source.mkdir()
    book = load_workbook(samples / "staff_list.xlsx").active
    people = [(r[1], r[3]) for r in book.iter_rows(min_row=4, values_only=True) if r[1]]
    (_name_a, id_a), (name_b, id_b) = people[0], people[1]
    shutil.copy(samples / "faces" / "camera_portrait.jpg", source / f"{id_a}.jpg")
    shutil.copy(samples / "faces" / "camera_landscape.jpg", source / f"{name_b}.JPG")  # by name, staff list
    shutil.copy(samples / "faces" / "two_faces.jpg", source / "不认识的人.jpg")
    (source / "坏的.jpg").write_bytes(b"not a photo")
    out = tmp_path / "规范后"
    with store.session() as session:
        result = prepare_folder(source, out, session)
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted([f"{id_a}.jpg", f"{id_b}.jpg"])
    for path in out.iterdir():
        with Image.open(path) as image:
            assert image.size == (114, 156) and image.format == "JPEG"
    by_source = {i.source: i for i in result.items}
    assert by_source["不认识的人.jpg"].output == "" and "姓名" in by_source["不认识的人.jpg"].problems[0]
    assert by_source["坏的.jpg"].output == ""
    write_report(result, tmp_path / "问题.xlsx")
    report = load_workbook(tmp_path / "问题.xlsx").active
    assert report.max_row == 5 and report["A1"].value == "文件"


@pytest.mark.samples
def test_cards_from_the_staff_list_warn_about_old_certificates(store, samples, tmp_path) -> None:
    from confirm_desk.services.coverage.staff import import_staff
    from confirm_desk.services.printing.cards import certificate_warnings, write_cards

    import_staff(store, samples / "staff_list.xlsx")
    with store.session() as session:
        settings.save(session, {"point_name": "定海区确认点"})
        result = write_cards(session, tmp_path / "cards.pdf")
    assert result.cards == 82 and pdf_pages(tmp_path / "cards.pdf") == 82
    first = pdftotext(tmp_path / "cards.pdf", "-f", "1", "-l", "1")
    assert "网上申报填写卡" in first and "定海区确认点" in first and "聘用起始时间" in first
    assert "15 位旧号码" in certificate_warnings("981234567890123")[0]
    assert "1998 年" in certificate_warnings("981234567890123")[1]
    assert certificate_warnings("20213309021234567") == []
    assert "没有您的教师资格证书号码" in certificate_warnings("")[0]
