"""`confirm-desk --self-test` and `--version` from source (tests/test_build.py runs the frozen build's)."""

from __future__ import annotations

import pytest

from confirm_desk import __version__, selftest
from confirm_desk.cli import main
from confirm_desk.store.db import SCHEMA_HEAD


def test_self_test_passes_every_step(capsys: pytest.CaptureFixture[str], isolated_home) -> None:
    assert main(["--self-test"]) == 0
    out = capsys.readouterr().out
    for label, _step in selftest.STEPS:
        assert f"[通过] {label}" in out
    assert "自检通过" in out and "114×156" in out and SCHEMA_HEAD in out
    assert not list(isolated_home.glob("*.sqlite3"))  # the user's store is left alone


def test_a_failing_step_says_which_and_exits_1(capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_ctx) -> str:
        raise OSError("磁盘已满")

    steps = tuple((label, broken if label == "打印" else step) for label, step in selftest.STEPS)
    monkeypatch.setattr(selftest, "STEPS", steps)
    assert main(["--self-test"]) == 1
    out = capsys.readouterr().out
    assert "[通过] 演示数据" in out and "[失败] 打印：OSError: 磁盘已满" in out and "自检未通过" in out
    assert "[通过] 照片" not in out and "Traceback" not in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"ConfirmDesk {__version__}"
