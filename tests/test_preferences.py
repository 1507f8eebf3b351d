"""The preference table and the store-wide preferences in the setting table (no Qt)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from confirm_desk.domain.errors import KnownError
from confirm_desk.domain.fields import FIELDS_BY_KEY
from confirm_desk.preferences import BY_KEY, PREFERENCES, TABS, Kind, Scope, preference
from confirm_desk.services import settings
from confirm_desk.services.audit_trail import ACTION_LABELS
from confirm_desk.store.models import AuditEvent, ConfirmationPoint, Setting


def test_every_preference_is_declared_once_with_a_valid_default() -> None:
    assert len(BY_KEY) == len(PREFERENCES)
    assert not set(BY_KEY) & set(FIELDS_BY_KEY)  # audit rows label both by key
    for pref in PREFERENCES:
        assert pref.check(pref.default) == pref.default
        assert pref.label and not pref.label.isascii() and pref.tab in TABS
    assert {k: BY_KEY[k].default for k in ("training_hours_periodic", "training_hours_first", "photo_max_kb",
                                          "idle_lock_minutes", "paper_size")} == {
        "training_hours_periodic": 360, "training_hours_first": 180, "photo_max_kb": 60,
        "idle_lock_minutes": 15, "paper_size": "A4"}
    assert BY_KEY["idle_lock_minutes"].scope is Scope.SEAT and BY_KEY["photo_max_kb"].scope is Scope.STORE


def test_stored_text_is_parsed_and_bad_values_fall_back_to_the_default() -> None:
    assert preference("photo_max_kb").parse("80") == 80
    assert preference("photo_max_kb").parse("9999") == 60  # out of range
    assert preference("photo_max_kb").parse("abc") == 60
    assert preference("campaign_end").parse("2026-05-31") == dt.date(2026, 5, 31)
    assert preference("campaign_end").parse("31/05/2026") is None
    assert preference("paper_size").parse("A3") == "A4"
    assert preference("point_name").parse(None) == ""
    with pytest.raises(KnownError, match="照片大小上限"):
        preference("photo_max_kb").check(5)
    with pytest.raises(KnownError, match="纸张"):
        preference("paper_size").check("A3")
    with pytest.raises(KeyError):
        preference("nonsense")


def test_services_share_the_keys_they_read() -> None:
    try:
        from confirm_desk.services.photos.applicant_photos import MAX_KB_SETTING
    except ModuleNotFoundError:
        MAX_KB_SETTING = "photo_max_kb"
    try:
        from confirm_desk.services.printing.print_data import POINT_ADDRESS_SETTING
    except ModuleNotFoundError:
        POINT_ADDRESS_SETTING = "point_address"
    for key in (MAX_KB_SETTING, POINT_ADDRESS_SETTING):
        assert BY_KEY[key].scope is Scope.STORE and BY_KEY[key].kind in (Kind.INT, Kind.TEXT)


def test_store_preferences_save_with_audit_and_remember_the_point(store) -> None:
    with store.session() as session:
        assert settings.needs_point(session)
        assert settings.load(session)["training_hours_periodic"] == 360
        changed = settings.save(session, {"point_name": "定海区确认点", "point_code": "330902-01",
                                          "photo_max_kb": 60, "campaign_end": dt.date(2026, 5, 31)}, "admin")
    assert changed == ["point_name", "point_code", "campaign_end"]  # 60 is the default: unchanged
    with store.session() as session:
        values = settings.load(session)
        assert values["point_name"] == "定海区确认点" and values["campaign_end"] == dt.date(2026, 5, 31)
        assert session.get(Setting, "campaign_end").value == "2026-05-31"
        assert not settings.needs_point(session)
        point = session.scalar(select(ConfirmationPoint).where(ConfirmationPoint.name == "定海区确认点"))
        assert point.code == "330902-01"
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "settings")).all()
        first = events[0]
        assert (first.field, first.old_value, first.new_value, first.operator) == (
            "point_name", "", "定海区确认点", "admin")
    assert ACTION_LABELS["settings"] == "修改设置"


def test_an_out_of_range_value_writes_nothing(store) -> None:
    with pytest.raises(KnownError), store.session() as session:
        settings.save(session, {"point_name": "甲", "training_hours_first": -1}, "admin")
    with store.session() as session:
        assert settings.load(session)["point_name"] == ""
        with pytest.raises(ValueError):
            settings.save(session, {"idle_lock_minutes": 5})
