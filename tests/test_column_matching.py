"""Headers matched to fields by meaning (services/spreadsheets/columns.py): synonyms, containment, small
edit distance, ambiguity, manual and remembered mappings; the import result lists the mapping."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook

from confirm_desk.cli import main
from confirm_desk.domain.errors import KnownError
from confirm_desk.services.coverage.staff import STAFF_SPECS, import_staff, staff_records
from confirm_desk.services.importing.rows import SPECS
from confirm_desk.services.spreadsheets.columns import (
    ColumnsUnclear,
    FieldSpec,
    edit_distance,
    match_headers,
    parse_mapping,
)

HOURS = [FieldSpec("id_number", "身份证号码", ("证件号码", "身份证号"), required=True),
         FieldSpec("hours", "培训学时", ("学时", "累计学时"), needed=True),
         FieldSpec("name", "姓名", ("教师姓名",))]


@pytest.mark.parametrize(
    ("headers", "expected", "how"),
    [
        (["序号", "身份证号码", "培训学时"], {"id_number": 1, "hours": 2}, ["exact", "exact"]),
        (["身份证号", "累计学时"], {"id_number": 0, "hours": 1}, ["synonym", "synonym"]),
        (["公民身份证号码", "本周期累计学时"], {"id_number": 0, "hours": 1}, ["contains", "contains"]),
        (["身份正号码", "培训学时(小时)"], {"id_number": 0, "hours": 1}, ["fuzzy", "contains"]),
        (["身份证", "姓 名 *"], {"id_number": 0, "name": 1}, ["contains", "exact"]),
    ],
)
def test_generic_matching(headers, expected, how) -> None:
    result = match_headers(headers, HOURS)
    assert result.by_key == expected
    assert [m.how for m in result.matches.values()] == how


def test_ignored_ambiguous_and_missing() -> None:
    result = match_headers(["序号", "身份证号码", "学时(上)", "学时(下)"], HOURS)
    assert result.ambiguous == {"hours": [2, 3]} and result.unclear
    assert result.ignored == [(0, "序号"), (2, "学时(上)"), (3, "学时(下)")]
    result = match_headers(["姓名", "备注"], HOURS)
    assert result.missing_required == ["id_number"] and result.missing_needed == ["hours"]
    manual = match_headers(["序号", "身份证号码", "学时(上)", "学时(下)"], HOURS,
                           {"学时(下)": "hours", "学时(上)": "-"})
    assert manual.by_key == {"id_number": 1, "hours": 3} and not manual.unclear
    assert manual.matches[3].how == "manual"


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("所在单位", "school"), ("单位名称", "school"), ("是否在职", "on_post"), ("在职状态", "on_post"),
        ("注册有效期止", "valid_until"), ("公民身份号码", "id_number"), ("身份证号吗", "id_number"),
        ("毕业学校", None), ("不在岗原因", "off_post_reason"), ("证书号", "cert_number"),
    ],
)
def test_staff_headers(header: str, key) -> None:
    result = match_headers(["姓名", "身份证号码" if key != "id_number" else "序号", header], STAFF_SPECS)
    assert result.matches.get(2, None) is None if key is None else result.matches[2].key == key


@pytest.mark.parametrize(
    ("header", "key"),
    [("确认状态", "online_status"), ("确认点代码", None), ("网报状态", "online_status"),
     ("现任教学校名称", "school"), ("学校所在地", "school_location"),
     ("证书号码", "cert_number"), ("教师资格证书编号", "cert_number")],
)
def test_applicant_headers(header: str, key) -> None:
    result = match_headers(["报名号", "姓名", "证件号码", header], SPECS)
    assert (result.matches[3].key if 3 in result.matches else None) == key


def test_edit_distance() -> None:
    assert edit_distance("身份证号码", "身份证号吗") == 1 and edit_distance("abc", "abcdef", 2) == 3


def test_parse_mapping() -> None:
    assert parse_mapping(["单位=school", "在职=在岗状态", "备注=-"], STAFF_SPECS) == {
        "单位": "school", "在职": "on_post", "备注": "-"}
    with pytest.raises(KnownError, match="可用的字段"):
        parse_mapping(["单位=nowhere"], STAFF_SPECS)


def _staff_file(path, headers, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["某某学校教职工名单"])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


STAFF_ROWS = [
    ["张三", "330902198303036006", "舟山市定海区第一小学", "离岗", "2026-06-30"],
    ["李四", "330902199211017312", "舟山市定海区第一小学", "在职", "2026-08-31"],
]


def test_staff_list_with_other_names_keeps_school_and_post(cli_clerk, store, tmp_path, monkeypatch, capsys) -> None:
    path = _staff_file(tmp_path / "staff.xlsx", ["姓名", "公民身份号码", "所在单位", "在职状态", "注册有效期止"],
                       STAFF_ROWS)
    result = import_staff(store, path)
    assert result.imported == 2 and not result.errors
    with store.session() as session:
        records = {r.id_number: r for r in staff_records(session)}
    assert records["330902198303036006"].school == "舟山市定海区第一小学"
    assert records["330902198303036006"].on_post is False and records["330902199211017312"].on_post is True
    assert {c["header"]: c["field"] for c in result.columns} == {
        "姓名": "name", "公民身份号码": "id_number", "所在单位": "school", "在职状态": "on_post",
        "注册有效期止": "valid_until"}
    capsys.readouterr()
    assert main(["--db", store.url, "staff", "import", str(path), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ignored_columns"] == [] and out["columns"][2]["how"] in ("synonym", "contains")


def test_ambiguous_column_needs_a_map_and_is_remembered(cli_clerk, store, tmp_path, capsys) -> None:
    headers = ["姓名", "身份证号码", "学校(一)", "学校(二)", "在岗状态", "注册有效期至"]
    rows = [[n, i, "甲校", "乙校", p, d] for n, i, _s, p, d in STAFF_ROWS]
    path = _staff_file(tmp_path / "two_schools.xlsx", headers, rows)
    with pytest.raises(ColumnsUnclear) as refused:
        import_staff(store, path)
    assert "学校(一)" in refused.value.message and "--map" in refused.value.message
    assert refused.value.preview[0][:2] == ["张三", "330902198303036006"]
    assert main(["--db", store.url, "staff", "import", str(path)]) == 2
    assert "--map" in capsys.readouterr().err
    assert main(["--db", store.url, "staff", "import", str(path), "--map", "学校(二)=school",
                 "--map", "学校(一)=-"]) == 0
    out = capsys.readouterr().out
    assert "“学校(二)” → 所在学校（手工指定）" in out and "未使用的列：“学校(一)”" in out
    with store.session() as session:
        assert {r.school for r in staff_records(session)} == {"乙校"}
    # the same headers again: the remembered mapping applies without --map
    again = import_staff(store, path)
    assert {c["header"]: c["how"] for c in again.columns}["学校(二)"] == "remembered"


def test_map_names_a_header_the_file_lacks(cli_clerk, store, tmp_path, capsys) -> None:
    path = _staff_file(tmp_path / "s.xlsx", ["姓名", "身份证号码", "所在学校", "在岗状态", "注册有效期至"],
                       STAFF_ROWS)
    assert main(["--db", store.url, "staff", "import", str(path), "--map", "单位=school"]) == 2
    assert "没有指定的列" in capsys.readouterr().err


def test_applicant_import_lists_the_mapping(cli_clerk, store, samples, capsys) -> None:
    capsys.readouterr()
    assert main(["--db", store.url, "import", str(samples / "applicants_export.xlsx"), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["columns"]) == 39 and out["ignored_columns"] == []
    assert out["columns"][0] == {"column": 1, "header": "报名号", "field": "application_no", "label": "报名号",
                                 "how": "exact"}
