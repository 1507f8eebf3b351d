"""Issue 18 item 3: demo data in its own store, marked 演示数据, never mixed with real work; the first real
import (or 开始正式工作) switches to the real store for good."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from confirm_desk import app
from confirm_desk.services.applicants.listing import count_all
from confirm_desk.services.reports.roster import roster_people
from confirm_desk.services.reports.statistics import gather
from confirm_desk.store.db import open_store
from confirm_desk.store.models import applicant_table
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.main.window import MainWindow
from confirm_desk.ui.widgets import messages
from tests.accounts_helpers import fast_hasher, make_operators  # noqa: F401

DEMO = 24


@pytest.fixture
def real(isolated_home: Path, monkeypatch: pytest.MonkeyPatch):
    """The real store of a new install (the data folder is the test's own), with its two accounts."""
    monkeypatch.setattr(app, "DEMO_COUNT", DEMO)
    store = app.open_store_for_start()
    make_operators(store)
    yield store
    store.dispose()


def start(qtbot, real, account=None) -> MainWindow:
    """What app start-up shows after the log-in, jobs run inline."""
    window = MainWindow(app.open_demo_store(real) or real, account, runner=JobRunner(None, synchronous=True),
                        home=real)
    qtbot.addWidget(window)
    window.show()
    return window


def ids(store) -> set[str]:
    with store.session() as session:
        return set(session.scalars(select(applicant_table.c.id_number)))


def test_a_new_install_shows_marked_demo_data_from_its_own_store(qtbot, real, isolated_home) -> None:
    window = start(qtbot, real)
    assert window.in_demo and window.store.url.endswith("demo.sqlite3")
    assert (isolated_home / "demo.sqlite3").exists()
    assert "演示数据" in window.windowTitle()
    badge = window.findChild(QLabel, "demo_badge")
    assert "演示数据" in badge.text() and badge.isVisible()
    assert window.model.total == DEMO
    with real.session() as session:
        assert count_all(session) == 0  # nothing demo in the real store
    acts = window.menus
    for act in (acts.act_export_batch, acts.act_export_roster, acts.act_export_stats, acts.act_export_day):
        assert not act.isEnabled()
    assert window.menus.act_start_real.isVisible()
    assert window.preferences.store is real  # preferences and accounts belong to the real store


def test_the_first_real_import_switches_to_the_real_store(qtbot, real, samples) -> None:
    window = start(qtbot, real)
    demo_ids = ids(window.store)
    window.flow.run_import(samples / "applicants_export.xlsx", samples / "photos")
    new = window.successor
    assert new is not None
    qtbot.addWidget(new)
    assert not new.in_demo and new.store is real and "演示数据" not in new.windowTitle()
    assert new.findChild(QLabel, "demo_badge") is None and not window.isVisible() and new.isVisible()
    assert len(ids(real)) == 60 and not ids(real) & demo_ids  # nothing demo came along
    assert len(ids(window.store)) == DEMO  # and nothing real went into the demo store
    with real.session() as session:
        people = [p for school in roster_people(session).values() for p in school]
        stats = gather(session)
    assert len(people) > 50 and not {str(p["id_number"]) for p in people} & demo_ids
    assert stats is not None
    assert new.menus.act_export_roster.isEnabled()
    assert app.open_demo_store(real) is None  # the next start opens the real store
    assert messages.shown == [] or all(kind != "bug" for kind, _t in messages.shown)


def test_a_refused_import_from_the_demo_leaves_the_clerk_in_the_demo(qtbot, real, tmp_path: Path) -> None:
    """The import goes into the real store first; the window leaves the demo only once it is in. A file the
    importer refuses changes nothing: the demo list and its window stay, the real store stays unused."""
    window = start(qtbot, real)
    demo_ids = ids(window.store)
    broken = tmp_path / "名单.xlsx"
    broken.write_text("这不是 Excel 文件\n", encoding="utf-8")
    messages.shown.clear()
    window.flow.run_import(broken)
    assert [kind for kind, _text in messages.shown] == ["error"]
    assert "名单.xlsx" in messages.shown[0][1]
    assert window.successor is None and window.in_demo and window.isVisible()
    assert "演示数据" in window.windowTitle() and window.model.total == DEMO
    assert ids(window.store) == demo_ids
    assert ids(real) == set()
    assert app.open_demo_store(real) is not None  # the next start still shows the demo


def test_photos_alone_are_not_imported_into_the_demo(qtbot, real, samples) -> None:
    """The demo's applicants are made up and the real store has none yet: said plainly, nothing attached."""
    window = start(qtbot, real)
    messages.shown.clear()
    window.flow.attach_photos(samples / "photos")
    assert [kind for kind, _text in messages.shown] == ["error"] and "先导入正式名单" in messages.shown[0][1]
    assert window.in_demo and window.successor is None


def test_start_real_work_from_the_menu_even_before_an_import(qtbot, real) -> None:
    window = start(qtbot, real)
    messages.answers.append(False)
    window.menus.act_start_real.trigger()
    assert window.successor is None and window.in_demo
    messages.answers.append(True)
    window.menus.act_start_real.trigger()
    assert window.successor is not None and window.successor.store is real
    qtbot.addWidget(window.successor)
    assert window.successor.model.total == 0
    assert app.open_demo_store(real) is None  # stays real although still empty
    reopened = open_store(real.url)
    with reopened.session() as session:
        assert count_all(session) == 0
    reopened.dispose()


def test_the_demo_command_fills_the_demo_store_not_the_real_one(real, isolated_home, capsys) -> None:
    from confirm_desk.cli import main

    assert main(["demo", "--count", "5"]) == 0
    assert "已生成演示数据" in capsys.readouterr().out
    with real.session() as session:
        assert count_all(session) == 0
    demo = open_store(f"sqlite:///{isolated_home / 'demo.sqlite3'}")
    with demo.session() as session:
        assert count_all(session) == 5
    demo.dispose()
