"""How a crisis flag's level and 72-hour first-visit clock read and look, the same on every screen."""

from __future__ import annotations

import datetime as dt

from chandong_tui.casework.clock import ClockState, Deadline, format_remaining
from chandong_tui.i18n import Lang, t

LEVEL_STYLES = {"urgent": "bold red", "crisis": "bold yellow", "watch": "green"}
"""Crisis level → style (16-colour safe)."""

CLOCK_STYLES = {
    ClockState.RUNNING: "",
    ClockState.WARNING: "bold black on yellow",
    ClockState.BREACHED: "bold white on red",
    ClockState.PAUSED: "italic",
    ClockState.MET: "dim",
    ClockState.LATE: "dim",
}
"""Clock state → style: highlighted under 12 hours, marked once breached, quiet once visited or paused."""


def duration(span: dt.timedelta, lang: Lang | str) -> str:
    """`71:59` within four days (the whole 72-hour window), `20일` beyond (a breach can be weeks old)."""
    if span < dt.timedelta(days=4):
        return format_remaining(span)
    return t("duration_days", lang, days=int(span.total_seconds() // 3600) // 24)


def clock_label(clock: Deadline, lang: Lang | str) -> str:
    """`남은 시간 20:30`, `기한 초과 5:12`, `일시정지 · 남은 20:30`, `첫 방문 완료` or `늦은 첫 방문`."""
    if clock.state is ClockState.MET:
        return t("clock_met", lang)
    if clock.state is ClockState.LATE:
        return t("clock_late", lang)
    if clock.state is ClockState.PAUSED:
        return t("clock_paused_left", lang, left=duration(clock.remaining, lang))
    if clock.state is ClockState.BREACHED:
        return t("clock_breached", lang, late=duration(-clock.remaining, lang))
    return t("clock_left", lang, left=duration(clock.remaining, lang))
