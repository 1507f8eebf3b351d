"""UI fixtures: the main window over a real store, jobs run inline, message boxes recorded."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _jobs_inline(monkeypatch):
    """Widgets made here run their ops calls inline (a fake pool): the result is there when the call returns.
    The job-machinery tests (test_jobs.py) pass synchronous=False and wait for the real pool."""
    from confirm_desk.ui import jobs

    monkeypatch.setattr(jobs, "SYNCHRONOUS_DEFAULT", True)


@pytest.fixture(autouse=True)
def _reset_messages():
    from confirm_desk.ui.widgets import messages

    messages.shown.clear()
    messages.answers.clear()
    yield
    messages.shown.clear()


@pytest.fixture(autouse=True)
def _app_policies(qapp):
    """What app start-up installs: the wheel guard and Qt's Chinese translation (every window, every dialog)."""
    from confirm_desk.ui.widgets.app_policy import apply_policies

    apply_policies(qapp)
    return qapp


@pytest.fixture
def make_window(qtbot):
    from confirm_desk.ui.jobs import JobRunner
    from confirm_desk.ui.main.window import MainWindow

    def make(store, account=None):
        window = MainWindow(store, account, runner=JobRunner(None, synchronous=True))
        qtbot.addWidget(window)
        window.show()
        return window

    return make




@pytest.fixture
def logged_in_clerk(imported_store, qtbot):
    """The account of `clerk` (a confirmer) logged in through the real login dialog, over the sample import.
    Modules using it import tests.accounts_helpers.fast_hasher (autouse) so the password hash is quick."""
    from PySide6.QtCore import Qt

    from confirm_desk.ui.accounts.login_dialog import LoginDialog
    from tests.accounts_helpers import CLERK_PW, make_operators
    from tests.ui.helpers import type_text

    make_operators(imported_store)
    login = LoginDialog(imported_store)
    qtbot.addWidget(login)
    login.show()
    type_text(login.username, "clerk")
    type_text(login.password, CLERK_PW)
    qtbot.mouseClick(login.ok_button, Qt.MouseButton.LeftButton)
    assert login.account is not None
    return login.account
