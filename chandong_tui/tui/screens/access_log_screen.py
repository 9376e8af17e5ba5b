"""접속기록 for the supervisor: the chain's check and the monthly review, per user (`a` on 내 업무).

At the top, what `casework.audit.verify_log` found: "no problem" with how many events on how many
devices, or each problem in words (a deleted, altered, reordered, truncated or forged event). Below,
`monthly_review` for one month, one line per user (logins, failed unlocks, lockouts, household
views and days of bulk viewing, night-time events, exports, unmasked ones, reveals, and a mark when
something asks for a look); `[` / `]` move a month, Enter lists that user's events of the month.

Both read every chunk of the vault (events are not cached), so they run in a worker thread; the
check runs once per opening. Everything from the log is shown through `safe_text` (an escape
sequence in a reason is shown as `␛[…`, never sent to the terminal). Supervisors only: the key and
the palette entry are not offered to anyone else, and `open_access_log` refuses them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from chandong_tui.casework.audit import KST, Event, ReviewLine, events, monthly_review, verify_log
from chandong_tui.i18n import Lang, t
from chandong_tui.tui.base import ChandongScreen
from chandong_tui.tui.text import cell, join, text
from chandong_tui.tui.widgets.footer import SteadyFooter

if TYPE_CHECKING:
    from chandong_tui.vault.audit import ChainReport

PROBLEMS_SHOWN = 8
"""Problems listed at the top (the rest counted; `chandong audit verify` lists them all)."""
EVENTS_SHOWN = 500
"""Events listed for one user and month, newest first (the rest counted; `chandong audit show`)."""

_COLUMNS = (
    ("logins", 5),
    ("failures", 5),
    ("lockouts", 5),
    ("views", 6),
    ("bulk_view_days", 5),
    ("night", 5),
    ("exports", 5),
    ("unmasked_exports", 5),
    ("reveals", 5),
)
"""The review's counts, as (ReviewLine attribute, width); the headers are `log_col_<attribute>`."""


def month_of(at: dt.datetime) -> str:
    return f"{at.astimezone(KST):%Y-%m}"


def shift_month(month: str, by: int) -> str:
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + number - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def verify_lines(report: ChainReport, lang: Lang | str) -> Text:
    """The check's result: one line when whole, else a count and the first problems."""
    if report.ok:
        return text(t("access_log_ok", lang, events=report.events, devices=report.devices), "bold")
    lines = [text(t("access_log_bad", lang, n=len(report.problems)), "bold reverse")]
    lines += [text(f"  {problem}") for problem in report.problems[:PROBLEMS_SHOWN]]
    if len(report.problems) > PROBLEMS_SHOWN:
        lines.append(text(f"  {t('access_log_more', lang, n=len(report.problems) - PROBLEMS_SHOWN)}"))
    return Text("\n", end="").join(lines)


class AccessLogScreen(ChandongScreen[None]):
    """The monthly review of the access log, per user, and the chain's check."""

    DEFAULT_CSS = """
    AccessLogScreen #log-verify { height: auto; max-height: 10; padding: 0 1; }
    AccessLogScreen #log-title { height: 1; padding: 0 1; text-style: bold; }
    AccessLogScreen #log-header { height: 1; padding: 0 1; color: $text-muted; }
    AccessLogScreen #log-users { height: 1fr; }
    """

    BINDING_GROUP = "access_log"
    BACK_KEYS = "escape,backspace"
    BINDINGS = [
        Binding(
            "left_square_bracket",
            "previous_month",
            "key_log_previous_month",
            id="access_log.previous_month",
            show=True,
            tooltip="tip_log_previous_month",
        ),
        Binding(
            "right_square_bracket",
            "next_month",
            "key_log_next_month",
            id="access_log.next_month",
            show=True,
            tooltip="tip_log_next_month",
        ),
    ]

    @dataclass
    class Verified(Message):
        report: ChainReport | None
        error: str = ""

    @dataclass
    class Reviewed(Message):
        month: str
        lines: list[ReviewLine]

    def __init__(
        self,
    ) -> None:
        super().__init__()
        self.month = month_of(self.now())
        """The month reviewed (YYYY-MM, Seoul time)."""
        self.report: ChainReport | None = None
        """The chain's check, once done."""
        self.lines: list[ReviewLine] = []
        """The review of `month`, per user, once read."""
        self._names: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(text(t("access_log_checking", self.lang)), id="log-verify")
        yield Static("", id="log-title")
        yield Static(self._header(), id="log-header")
        yield OptionList(id="log-users")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self._names = {worker.id: worker.name for worker in self.repo.workers()}
        self.query_one("#log-users", OptionList).focus()
        self._verify()
        self._load()

    # -- reading (worker threads: every chunk is read) -------------------------------------
    @work(thread=True, group="access-log-verify", exit_on_error=False)
    def _verify(self) -> None:
        try:
            self.post_message(self.Verified(verify_log(self.repo.session)))
        except Exception as exc:
            self.post_message(self.Verified(None, f"{type(exc).__name__}: {exc}"))

    def _load(self) -> None:
        self.query_one("#log-title", Static).update(
            text(f"{t('access_log_title', self.lang, month=self.month)} · {t('log_loading', self.lang)}")
        )
        self._review(self.month)

    @work(thread=True, exclusive=True, group="access-log-review", exit_on_error=False)
    def _review(self, month: str) -> None:
        self.post_message(self.Reviewed(month, monthly_review(self.repo, month)))

    @on(Verified)
    def show_verified(self, message: Verified) -> None:
        self.report = message.report
        widget = self.query_one("#log-verify", Static)
        if message.report is None:
            widget.update(text(t("access_log_check_failed", self.lang, reason=message.error), "bold"))
        else:
            widget.update(verify_lines(message.report, self.lang))
        widget.set_class(message.report is None or not message.report.ok, "-bad")

    @on(Reviewed)
    def show_review(self, message: Reviewed) -> None:
        if message.month != self.month:
            return  # an older month's answer, after [ or ] was pressed again
        self.lines = message.lines
        self.query_one("#log-title", Static).update(text(t("access_log_title", self.lang, month=self.month)))
        users = self.query_one("#log-users", OptionList)
        users.clear_options()
        if not message.lines:
            users.add_option(Option(text(t("access_log_empty", self.lang), "dim"), id="none", disabled=True))
            return
        users.add_options([Option(self._row(line), id=f"user:{line.user}") for line in message.lines])
        users.highlighted = 0

    # -- drawing ---------------------------------------------------------------------------
    def _header(self) -> Text:
        cells = [cell(t("log_col_user", self.lang), 14, "dim")]
        cells += [
            cell(t(f"log_col_{name}", self.lang), width, "dim", align="right") for name, width in _COLUMNS
        ]
        return join(cells)

    def _row(self, line: ReviewLine) -> Text:
        name = self._names.get(line.user, line.user)
        cells = [cell(name, 14, "bold" if line.flagged else "")]
        cells += [cell(getattr(line, attr), width, align="right") for attr, width in _COLUMNS]
        cells.append(cell("⚑" if line.flagged else "", 2, "bold"))
        return join(cells)

    # -- keys ------------------------------------------------------------------------------
    def action_previous_month(self) -> None:
        self.month = shift_month(self.month, -1)
        self._load()

    def action_next_month(self) -> None:
        self.month = shift_month(self.month, 1)
        self._load()

    @on(OptionList.OptionSelected, "#log-users")
    def open_user(self, event: OptionList.OptionSelected) -> None:
        kind, _, user = (event.option.id or "").partition(":")
        if kind == "user":
            name = self._names.get(user, user)
            self.app.push_screen(AccessEventsScreen(user, name, self.month))


def describe_detail(detail: dict[str, Any]) -> str:
    """An event's detail in one line (the reason apart; the heads a login saw only counted)."""
    parts = []
    for key, value in detail.items():
        if key in ("reason", "claimed"):  # shown apart (`AccessEventsScreen._line`)
            continue
        if key == "heads" and isinstance(value, dict):
            value = len(value)
        elif key == "rows" and "counts" in detail:
            continue
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        elif isinstance(value, list):
            value = ",".join(map(str, value))
        parts.append(f"{key}={value}")
    return "; ".join(parts)


class AccessEventsScreen(ChandongScreen[None]):
    """One user's access-log events of one month, newest first."""

    DEFAULT_CSS = """
    AccessEventsScreen #events-title { height: 1; padding: 0 1; text-style: bold; }
    AccessEventsScreen #events { height: 1fr; padding: 0 1; }
    """

    BINDING_GROUP = "access_events"
    BACK_KEYS = "escape,backspace"
    BINDINGS = [
        Binding("down,j", "scroll('down')", "key_down", id="access_events.down", show=False),
        Binding("up,k", "scroll('up')", "key_up", id="access_events.up", show=False),
        Binding(
            "pagedown,space", "scroll('page_down')", "key_page_down", id="access_events.page_down", show=False
        ),
        Binding("pageup", "scroll('page_up')", "key_page_up", id="access_events.page_up", show=False),
    ]

    def __init__(self, user: str, name: str, month: str) -> None:
        super().__init__()
        self.user = user
        self.name_shown = name
        self.month = month
        self.events: list[Event] = []

    def compose(self) -> ComposeResult:
        title = t("access_events_title", self.lang, name=self.name_shown, user=self.user, month=self.month)
        yield Static(text(title), id="events-title")
        with VerticalScroll(id="events"):
            yield Static(text(t("log_loading", self.lang)), id="events-body")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#events", VerticalScroll).focus()
        self._read()

    @work(thread=True, exclusive=True, group="access-events", exit_on_error=False)
    def _read(self) -> None:
        found = events(self.repo, month=self.month, user=self.user)
        self.app.call_from_thread(self._show, found)

    def _show(self, found: list[Event]) -> None:
        self.events = found
        newest = list(reversed(found))[:EVENTS_SHOWN]
        lines = [self._line(event) for event in newest]
        if len(found) > EVENTS_SHOWN:
            lines.append(text(t("access_log_more", self.lang, n=len(found) - EVENTS_SHOWN), "dim"))
        if not found:
            lines.append(text(t("access_log_empty", self.lang), "dim"))
        self.query_one("#events-body", Static).update(Text("\n", end="").join(lines))

    def _line(self, event: Event) -> Text:
        """One event: its signer said when it is not this screen's user (a failed unlock of this login
        recorded by whoever unlocked next), and the login typed when it was someone else's."""
        reason = str(event.detail.get("reason") or "")
        signer = t("access_signed_by", self.lang, user=event.actor) if event.actor != self.user else ""
        typed = t("access_claimed", self.lang, login=event.claimed) if event.claimed else ""
        rest = " · ".join(x for x in (signer, typed, reason, describe_detail(event.detail)) if x)
        return join(
            [
                cell(f"{event.at_kst:%m-%d %H:%M:%S}", 14),
                cell(event.action, 16, "bold" if event.action in ("reveal", "export", "lockout") else ""),
                cell(event.target, 16),
                text(rest),
            ]
        )

    def action_scroll(self, how: str) -> None:
        getattr(self.query_one("#events", VerticalScroll), f"scroll_{how}")(animate=False)
