"""Issue 18 items 7 and 8: materials as the rules say (认定申请表复印件 only for a certificate issued outside this
point's area; clicking a material's text toggles it) and 确认已通过 guarded by what is known — each problem
named, an ERROR finding overridden only with a typed reason, kept in the audit trail as an override."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QRadioButton

from confirm_desk.cli import main
from confirm_desk.domain.statuses import Status
from confirm_desk.services import settings
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.audit_trail import AuditFilter, list_events
from confirm_desk.services.confirming.confirmation import CheckInput, load_check, material_labels, save_check
from confirm_desk.services.confirming.guard import DecisionBlocked
from confirm_desk.ui.widgets import messages, prompts
from tests.accounts_helpers import CLERK_PW, fast_hasher  # noqa: F401
from tests.ui.test_check_dialog import CERT_EDITABLE, child, open_dialog, state_of

WRONG_CHECKSUM = "2025500000008"  # 黔江 point, ID checksum wrong (ERROR)
QIANJIANG, DINGHAI = "黔江区继续教育中心确认点", "定海区教师发展中心确认点"
MATERIAL_8 = len(material_labels())


def set_preferences(store, **values) -> None:
    with store.session() as session:
        settings.save(session, values, "admin")


def tick_everything(dialog) -> None:
    dialog.fields.mark_remaining_matching()
    for box in dialog.materials.boxes.values():
        box.setChecked(True)
    for n in range(1, 8):
        child(dialog, QRadioButton, f"cond_{n}_met").click()
    child(dialog, QRadioButton, "outcome_confirmed").click()


def click_text(qtbot, box: QCheckBox) -> None:
    """A click on the words, well right of the tick box."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(box.width() // 2, box.height() // 2))


def test_confirming_with_gaps_names_each_problem_and_saves_nothing(qtbot, imported_store, logged_in_clerk) -> None:
    set_preferences(imported_store, point_name=QIANJIANG)
    dialog = open_dialog(qtbot, imported_store, CERT_EDITABLE, logged_in_clerk)
    qtbot.keyClick(dialog.fields.rows["application_no"].cell, Qt.Key.Key_Y)
    child(dialog, QRadioButton, "cond_1_not_met").click()
    child(dialog, QRadioButton, "outcome_confirmed").click()
    assert not dialog.save()  # no reason typed: back to the form
    kind, text = messages.shown[-1]
    assert kind == "prompt"
    assert "个字段尚未与原件核对" in text and "姓名" in text
    assert "材料未勾选：" in text and material_labels()[0] in text
    assert "注册条件第 1、2、3、4、5、6、7 项未标为“具备”" in text
    assert dialog.isVisible() and state_of(imported_store, dialog).status is Status.PENDING
    tick_everything(dialog)
    assert dialog.problems() == []
    assert dialog.save()  # nothing in the way: no question asked
    assert state_of(imported_store, dialog).status is Status.CONFIRMED


def test_an_error_finding_is_overridden_only_with_a_typed_reason(qtbot, imported_store, logged_in_clerk) -> None:
    dialog = open_dialog(qtbot, imported_store, WRONG_CHECKSUM, logged_in_clerk)
    tick_everything(dialog)
    assert [p.kind for p in dialog.problems()] == ["finding"] * 3
    prompts.text_answers.append(None)
    assert not dialog.save()
    assert "自动检查错误" in messages.shown[-1][1] and "校验码" in messages.shown[-1][1]
    prompts.text_answers.extend(["ok", "原件为公安机关更正后的号码，已核实"])  # "ok" says nothing: asked again
    messages.shown.clear()
    assert dialog.save()
    assert [kind for kind, _text in messages.shown] == ["prompt", "error", "prompt"]
    assert "“ok”太短" in messages.shown[1][1]
    with imported_store.session() as session:
        assert load_check(session, dialog.applicant_id).status is Status.CONFIRMED
        overrides = list_events(session, AuditFilter(action="override"))
    assert len(overrides) == 1 and overrides[0].operator == "clerk"
    assert overrides[0].detail.startswith("原件为公安机关更正后的号码，已核实") and "校验码" in overrides[0].detail
    assert overrides[0].action_label == "越过检查确认"


def test_an_applicant_of_another_point_is_named(qtbot, imported_store, logged_in_clerk) -> None:
    set_preferences(imported_store, point_name=DINGHAI)
    dialog = open_dialog(qtbot, imported_store, CERT_EDITABLE, logged_in_clerk)
    tick_everything(dialog)
    assert [p.text for p in dialog.problems()] == [f"该申请人报的是“{QIANJIANG}”，不是本确认点“{DINGHAI}”"]


def test_material_8_only_for_a_certificate_issued_elsewhere(qtbot, imported_store, logged_in_clerk) -> None:
    set_preferences(imported_store, local_cert_issuers="重庆市黔江区教育委员会、重庆市教育委员会")
    local = open_dialog(qtbot, imported_store, CERT_EDITABLE, logged_in_clerk)  # issued by 黔江区教育委员会
    eighth = child(local, QCheckBox, f"material_{MATERIAL_8}")
    assert "不需要" in eighth.text() and material_labels()[-1] not in local.materials.missing()
    tick_everything(local)
    eighth.setChecked(False)
    assert local.problems() == []
    set_preferences(imported_store, local_cert_issuers="舟山市定海区教育局")
    elsewhere = open_dialog(qtbot, imported_store, CERT_EDITABLE, logged_in_clerk)
    tick_everything(elsewhere)
    child(elsewhere, QCheckBox, f"material_{MATERIAL_8}").setChecked(False)
    assert [p.text for p in elsewhere.problems()] == [f"材料未勾选：{material_labels()[-1]}"]


def test_clicking_a_materials_text_toggles_it_in_every_list(qtbot, imported_store, logged_in_clerk) -> None:
    dialog = open_dialog(qtbot, imported_store, CERT_EDITABLE, logged_in_clerk)
    first = child(dialog, QCheckBox, "material_1")
    click_text(qtbot, first)
    assert first.isChecked()
    child(dialog, QRadioButton, "outcome_incomplete").click()
    missing_4 = child(dialog, QCheckBox, "missing_4")
    was = missing_4.isChecked()
    click_text(qtbot, missing_4)
    assert missing_4.isChecked() is not was
    assert (material_labels()[3] in dialog.decision.missing_materials()) is not was


def test_the_service_and_the_cli_apply_the_same_guard(imported_store, capsys, monkeypatch) -> None:
    with imported_store.session() as session:
        applicant_id = resolve(session, WRONG_CHECKSUM)
        version = load_check(session, applicant_id).version
        with pytest.raises(DecisionBlocked) as refused:
            save_check(session, applicant_id, CheckInput(outcome=Status.CONFIRMED), "clerk", version)
    assert {p.kind for p in refused.value.problems} == {"unmarked", "material", "condition", "finding"}
    assert "校验码" in refused.value.message
    from tests.accounts_helpers import make_operators

    make_operators(imported_store)
    monkeypatch.setenv("CONFIRM_DESK_PASSWORD", CLERK_PW)
    argv = ["--db", imported_store.url, "confirm", WRONG_CHECKSUM, "--outcome", "confirmed", "--user", "clerk"]
    assert main(argv) == 2
    assert "不能确认已通过" in capsys.readouterr().err
    assert main([*argv, "--override-reason", "好的!"]) == 2  # says nothing an auditor could check
    assert "太短" in capsys.readouterr().err
    with imported_store.session() as session:
        assert load_check(session, applicant_id).status is Status.PENDING
    assert main([*argv, "--override-reason", "已与原件核实"]) == 0
    with imported_store.session() as session:
        assert load_check(session, applicant_id).status is Status.CONFIRMED
        overrides = list_events(session, AuditFilter(action="override"))
    assert [e.detail.split("（")[0] for e in overrides] == ["已与原件核实"]
