"""Keys in 한글 mode in a real terminal (tmux): the jamo a letter key types there (`ㅣ` for `l`, `ㅍ` for
`v`, `ㄹ` for `f`) arrives as UTF-8 text and does what the letter does."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.terminal_support import (
    HEAD,
    Tmux,
    app_command,
    needs_tmux,
    sign_in,
    then_report_exit,
)

pytestmark = [needs_tmux, pytest.mark.timeout(120)]


def test_jamo_keys_in_a_real_terminal(tmux: Tmux, tmp_path: Path, chandong_home: Path) -> None:
    tmux.start(then_report_exit(app_command(tmp_path / "demo", chandong_home)))
    sign_in(tmux)
    tmux.type("ㅣ")  # l: the household list
    tmux.wait_for("200가구")
    tmux.type(HEAD)  # text in the search box
    tmux.wait_for("1/200")
    tmux.keys("Enter")
    assert HEAD in tmux.wait_for("가구원")
    tmux.settle()
    tmux.type("ㅍ")  # v: record a visit
    tmux.wait_for("방문상담 기록")
    tmux.settle()
    tmux.keys("Escape")
    tmux.wait_gone("방문상담 기록")
    tmux.type("ㄹ")  # f: raise a crisis flag
    tmux.wait_for("위기가구 등록")
    tmux.settle()
    tmux.keys("Escape")
    tmux.wait_gone("위기가구 등록")
    tmux.keys("C-q")
    assert "EXITED 0" in tmux.wait_for("EXITED")
