"""The rules of issue 19 seen from outside: `show --format json`, the list's flags, `confirm`, imports,
settings, the campaign calendar and the 视为自动放弃 report."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from sqlalchemy import select

from confirm_desk.cli import main
from confirm_desk.domain.statuses import Status
from confirm_desk.services import settings
from confirm_desk.services.applicants.findings import save_settings
from confirm_desk.services.applicants.listing import ListCriteria, list_records, resolve
from confirm_desk.services.confirming.confirmation import CheckInput, load_check, save_check
from confirm_desk.services.importing.applicants import import_applicants
from confirm_desk.store.models import AuditEvent
from tests.accounts_helpers import ADMIN_PW, CLERK_PW, fast_hasher, make_operators  # noqa: F401

RETIRED = "2025330000013"  # 朱伟敏, woman born 1970-05-20: statutory age 55y2m reached 2025-07-20
CLEAN = "2025330000001"


def ensure_operators(store) -> None:
    from confirm_desk.services import accounts

    with store.session() as session:
        empty = accounts.needs_first_admin(session)
    if empty:
        make_operators(store)


def run(store, monkeypatch, *argv: str, password: str | None = None, admin: str | None = None) -> int:
    ensure_operators(store)  # every command runs as a logged-in operator: the clerk unless named
    monkeypatch.setenv("CONFIRM_DESK_USER", "clerk")
    password = CLERK_PW if password is None else password
    for env, value in (("CONFIRM_DESK_PASSWORD", password), ("CONFIRM_DESK_ADMIN_PASSWORD", admin)):
        if value is None:
            monkeypatch.delenv(env, raising=False)
        else:
            monkeypatch.setenv(env, value)
    return main(["--db", store.url, *argv])


def show_json(store, monkeypatch, capsys, number: str) -> dict:
    capsys.readouterr()
    assert run(store, monkeypatch, "show", number, "--format", "json") == 0
    return json.loads(capsys.readouterr().out)


def test_past_retirement_is_an_error_everywhere(imported_store, monkeypatch, capsys) -> None:
    detail = show_json(imported_store, monkeypatch, capsys, RETIRED)
    assert all(set(c) == {"code", "field", "severity", "message"} for c in detail["checks"])
    retired = [c for c in detail["checks"] if c["code"] == "past_retirement"]
    assert retired and retired[0]["severity"] == "error" and "2025-07-20" in retired[0]["message"]
    with imported_store.session() as session:
        flags = {r["application_no"]: r["flags"] for r in list_records(session, ListCriteria())}
    assert "past_retirement" in flags[RETIRED] and flags[CLEAN] == []
    # the four sample women past the statutory age (samples/README.md)
    assert sorted(no for no, f in flags.items() if "past_retirement" in f) == [
        "2025320000036", "2025330000013", "2025330000022", "2025330000049"]

    ensure_operators(imported_store)
    assert run(imported_store, monkeypatch, "confirm", RETIRED, "--outcome", "confirmed", "--user", "clerk",
               password=CLERK_PW) == 2
    assert "法定退休年龄" in capsys.readouterr().err
    assert run(imported_store, monkeypatch, "confirm", RETIRED, "--outcome", "rejected", "--reason", "已达退休年龄",
               "--user", "clerk", password=CLERK_PW) == 0
    assert run(imported_store, monkeypatch, "confirm", CLEAN, "--outcome", "confirmed", "--user", "clerk",
               "--override-reason", "已逐项核对原件", password=CLERK_PW) == 0


def _export_with(tmp_path, samples, rows: list[dict[str, str]]):
    """A crafted export: the sample's header with the given rows (unnamed columns blank)."""
    from confirm_desk.services.spreadsheets.read import read_rows

    header = [str(h) for h in read_rows(samples / "applicants_export.xlsx")[1]]
    path = tmp_path / "extra.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(h, "") for h in header])
    return path


def test_one_id_under_two_application_numbers(imported_store, samples, tmp_path, monkeypatch, capsys) -> None:
    # 汤明刚 (2025330000007, 幼儿园 certificate, 幼儿园 post) files again with a 小学 certificate.
    extra = _export_with(tmp_path, samples, [{
        "报名号": "2025330000107", "姓名": "汤明刚", "证件号码": "330902199207212617", "资格种类": "小学教师资格",
        "教师资格证书号码": "20153390221022931", "发证日期": "2015-07-01", "现任教学段": "幼儿园",
        "确认点": "定海区教师发展中心确认点", "网报状态": "网报待确认",
    }])
    result = import_applicants(imported_store, extra)
    assert result.imported == 1 and not result.errors
    first = show_json(imported_store, monkeypatch, capsys, "2025330000007")
    dup = [c for c in first["checks"] if c["code"] == "duplicate_id"]
    assert dup and dup[0]["severity"] == "error" and "2025330000107" in dup[0]["message"]
    assert "一人多证" in dup[0]["message"] and "相适的证书：本申请" in dup[0]["message"]
    second = show_json(imported_store, monkeypatch, capsys, "2025330000107")
    assert any(c["code"] == "duplicate_id" and "2025330000007" in c["message"] for c in second["checks"])
    with imported_store.session() as session:
        flags = {r["application_no"]: r["flags"] for r in list_records(session, ListCriteria())}
    assert "duplicate_id" in flags["2025330000007"] and "duplicate_id" in flags["2025330000107"]

    ensure_operators(imported_store)
    assert run(imported_store, monkeypatch, "confirm", "2025330000007", "--outcome", "confirmed",
               "--user", "clerk", password=CLERK_PW) == 2
    assert "同一证件号码另有申请" in capsys.readouterr().err
    # Rejecting the second filing ends the duplicate for the first one.
    assert run(imported_store, monkeypatch, "confirm", "2025330000107", "--outcome", "rejected", "--reason", "重复申报",
               "--user", "clerk", password=CLERK_PW) == 0
    first = show_json(imported_store, monkeypatch, capsys, "2025330000007")
    assert not any(c["code"] == "duplicate_id" for c in first["checks"])
    with imported_store.session() as session:
        flags = {r["application_no"]: r["flags"] for r in list_records(session, ListCriteria())}
    assert "duplicate_id" not in flags["2025330000007"]


@pytest.mark.parametrize(
    ("id_number", "message"),
    [("330902920721261", "18位"), ("٣30902199207212617", "非阿拉伯数字")],
)
def test_import_refuses_old_and_non_ascii_ids(store, samples, tmp_path, id_number: str, message: str) -> None:
    path = _export_with(tmp_path, samples, [
        {"报名号": "2025330000201", "姓名": "甲", "证件号码": id_number},
        {"报名号": "2025330000202", "姓名": "乙", "证件号码": "330902199207212617"},
    ])
    result = import_applicants(store, path)
    assert result.imported == 1 and len(result.errors) == 1
    assert result.errors[0].row == 2 and message in result.errors[0].message


def test_desk_points_and_authorities_flag_the_list(imported_store, monkeypatch, capsys) -> None:
    with imported_store.session() as session:
        save_settings(session, {"point_name": "定海区教师发展中心确认点",
                                "point_authorities": "定海区教师发展中心确认点=舟山市普陀区教育局"})
    with imported_store.session() as session:
        records = {r["application_no"]: r for r in list_records(session, ListCriteria())}
    assert "point_outside" in records["2025320000003"]["flags"]  # a 鼓楼区 applicant
    assert "point_outside" not in records[CLEAN]["flags"]
    assert "authority_mismatch" in records[CLEAN]["flags"]  # 定海区教育局 is not the set authority
    detail = show_json(imported_store, monkeypatch, capsys, CLEAN)
    assert any(c["code"] == "authority_mismatch" and c["field"] == "registration_authority"
               for c in detail["checks"])
    with imported_store.session() as session:
        save_settings(session, {"point_authorities": "定海区教师发展中心确认点=舟山市定海区教育局"})
        records = {r["application_no"]: r for r in list_records(session, ListCriteria())}
    assert "authority_mismatch" not in records[CLEAN]["flags"]


def test_decisions_outside_the_confirm_window(imported_store, monkeypatch, capsys) -> None:
    _admin, clerk = make_operators(imported_store)
    today = dt.date.today()
    with imported_store.session() as session:
        settings.save(session, {"campaign_start": today - dt.timedelta(days=30),
                                "campaign_end": today - dt.timedelta(days=1)}, "admin")
    args = ("confirm", CLEAN, "--outcome", "rejected", "--reason", "证书不符", "--user", "clerk")
    assert run(imported_store, monkeypatch, *args, password=CLERK_PW) == 2
    assert "不在现场确认时间内" in capsys.readouterr().err
    assert run(imported_store, monkeypatch, *args, "--window-override", "补办", password=CLERK_PW) == 2
    assert "不是管理员" in capsys.readouterr().err
    assert run(imported_store, monkeypatch, *args, "--window-override", "县教育局同意补办", "--admin", "admin",
               password=CLERK_PW, admin=ADMIN_PW) == 0
    with imported_store.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "window_override")).all()
        assert [e.detail for e in events] == ["admin：县教育局同意补办"]
        state = load_check(session, resolve(session, "2025330000007"))
        assert "不在现场确认时间内" in state.window_message
        # the service refuses the same way for the dialog
        with pytest.raises(Exception, match="不在现场确认时间内"):
            save_check(session, state.applicant_id, CheckInput(outcome=Status.REJECTED, reason="x"), clerk,
                       state.version)
        # saving checks without a decision stays possible
        save_check(session, state.applicant_id, CheckInput(materials={}), clerk, state.version)


def test_abandoned_report_and_deadline_clip(imported_store, monkeypatch, capsys) -> None:
    from confirm_desk.services.confirming.follow_up import incomplete_applicants

    _admin, clerk = make_operators(imported_store)
    today = dt.date.today()
    with imported_store.session() as session:
        settings.save(session, {"campaign_start": today - dt.timedelta(days=10),
                                "campaign_end": today + dt.timedelta(days=2), "incomplete_deadline_days": 5})
        state = load_check(session, resolve(session, "2025500000002"))
        from confirm_desk.services.confirming.check_marks import material_labels

        save_check(session, state.applicant_id, CheckInput(outcome=Status.INCOMPLETE,
                                                           missing=[material_labels()[3]]), clerk, state.version)
    with imported_store.session() as session:
        rows = incomplete_applicants(session)
    assert [r.deadline for r in rows] == [today + dt.timedelta(days=2)]  # not today + 5: the window ends first

    capsys.readouterr()
    assert run(imported_store, monkeypatch, "report", "abandoned", "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    numbers = [a["application_no"] for a in report["applicants"]]
    assert report["final"] is False and "2025500000002" not in numbers and CLEAN in numbers
    assert "2025330000016" not in numbers  # a draft never reached 网报待确认
    assert len(numbers) == 56  # 60 − 3 drafts − 1 decided
    later = (today + dt.timedelta(days=3)).isoformat()
    assert run(imported_store, monkeypatch, "report", "abandoned", "--as-of", later) == 0
    assert "视为自动放弃" in capsys.readouterr().out


def test_school_natures_cover_table_five() -> None:
    from confirm_desk.domain.decisions import normalize_edit
    from confirm_desk.domain.fields import FIELDS_BY_KEY
    from confirm_desk.services.codes import choices
    from confirm_desk.services.reports.statistics import TABLE_FIVE

    natures = choices("school_nature")
    assert set(TABLE_FIVE) <= set(natures)  # 统计表 表五 (Zhoushan 附件5)
    for nature in ("民办完全中学", "民办九年一贯制学校"):  # refused before
        assert normalize_edit(FIELDS_BY_KEY["school_nature"], nature, natures) == nature


def test_calendar_dates_in_order(store) -> None:
    from confirm_desk.domain.errors import KnownError

    with store.session() as session, pytest.raises(KnownError, match="现场确认结束日期早于现场确认开始日期"):
        settings.save(session, {"campaign_start": dt.date(2026, 9, 30), "campaign_end": dt.date(2026, 9, 1)})
    with store.session() as session:
        assert settings.load(session)["campaign_end"] is None  # nothing written


def test_regenerated_sample_certificates_follow_the_layout(imported_store) -> None:
    """The sample's certificate numbers follow the real 17-digit layout: only the rows the rules single out
    are flagged (a 小学 certificate whose kind digit says 幼儿园; a 2015 number whose sex digit contradicts the ID;
    numbers from before 1993; the old 15-digit one)."""
    with imported_store.session() as session:
        flags = {r["application_no"]: set(r["flags"]) for r in list_records(session, ListCriteria())}
    kind = sorted(no for no, f in flags.items() if "cert_kind_mismatch" in f)
    sex = sorted(no for no, f in flags.items() if "cert_sex_mismatch" in f)
    assert kind == ["2025330000025"] and sex == ["2025500000008"]
    assert not any("cert_province" in f for f in flags.values())
    assert {"cert_old_format", "cert_year_range"} <= flags["2025320000012"]  # "19" + 15 digits: 1919


def test_flags_from_older_rules_are_recomputed_once(imported_store) -> None:
    from confirm_desk.services.applicants.findings import ensure_flags_current
    from confirm_desk.store.models import Setting, applicant_table

    with imported_store.session() as session:
        session.execute(applicant_table.update().values(flags=""))  # as an older version left them
        session.delete(session.get(Setting, "flags_rules_version"))
    with imported_store.session() as session:
        assert ensure_flags_current(session) > 0
        assert ensure_flags_current(session) == 0
        flags = {r["application_no"]: r["flags"] for r in list_records(session, ListCriteria())}
    assert "past_retirement" in flags[RETIRED]


def test_a_desk_serving_two_points_confirms_both(imported_store) -> None:
    from confirm_desk.services.confirming.guard import problems_after

    with imported_store.session() as session:
        settings.save(session, {"point_name": "定海区教师发展中心确认点",
                                "desk_points": "定海区教师发展中心确认点；鼓楼区教师资格确认点"})
        gulou = resolve(session, "2025320000003")
        qianjiang = resolve(session, "2025500000002")
        kinds = {n: {p.kind for p in problems_after(session, i, load_check(session, i).values, {}, {}, None)}
                 for n, i in (("gulou", gulou), ("qianjiang", qianjiang))}
    assert "point" not in kinds["gulou"] and "point" in kinds["qianjiang"]
