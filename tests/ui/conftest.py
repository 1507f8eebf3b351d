"""UI fixtures: the main window over a real store, jobs run inline, message boxes recorded."""

from __future__ import annotations

import pytest


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

