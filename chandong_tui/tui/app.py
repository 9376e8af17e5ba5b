"""`ChandongApp`: the Textual application, kept thin (styles, global keys, screen wiring, session life).

It opens on `UnlockScreen`; when a session comes back it builds the `AppContext` (the
`CaseRepository`, language, clock and `Navigator` every screen reaches as `ctx`) and shows
`DashboardScreen` (내 업무), the base of the screen stack; the household list and everything else
are pushed on top of it. Whenever the records changed (a save, a merge) each screen gets one
`RecordsChanged` (`note_record_changes`).

The session is closed on every way out (quit key, `exit()`, an exception, the terminal going away):
`on_unmount` runs in Textual's shutdown `finally`, and `run_async` closes again (idempotently) after
Textual has returned.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from chandong_tui.i18n import Lang, t
from chandong_tui.tui.base import AppContext, RecordsChanged, ScreenBase
from chandong_tui.tui.bindings import localise_bindings
from chandong_tui.tui.commands import ScreenCommands
from chandong_tui.tui.idle_lock import DEFAULT_MINUTES, IdleLock
from chandong_tui.tui.navigator import Navigator
from chandong_tui.tui.preload import preload
from chandong_tui.tui.screens.unlock_screen import UnlockScreen
from chandong_tui.tui.sync_status import SYNC_SECONDS, BackgroundSync, sync_now
from chandong_tui.tui.terminal_watch import watch_terminal
from chandong_tui.tui.textual_texts import localised

if TYPE_CHECKING:
    from chandong_tui.casework.repository import CaseRepository
    from chandong_tui.vault.session import VaultSession


def _now() -> dt.datetime:
    """Korean time now (`casework.clock.now`), imported on first use: not before the unlock screen."""
    from chandong_tui.casework.clock import now

    return now()


NAVIGATION = {
    "show_dashboard": ("on_my_work", False),
    "show_households": ("on_households", False),
    "show_week": ("on_week", False),
    "open_conflicts": ("on_conflicts", False),
    "open_queue": ("on_queue", True),
    "open_access_log": ("on_access_log", True),
    "open_report": ("on_report", True),
}
"""App actions that show a main screen: (the navigator's "is it in front" test, supervisors only)."""


class ChandongApp(App[None]):
    """찾동 case management in the terminal."""

    CSS_PATH = "app.tcss"
    COMMANDS = {ScreenCommands}
    PALETTE_ACTIONS = ("sync_now", "open_conflicts", "open_queue", "open_access_log")
    """Actions offered in the palette everywhere (when `check_action` allows) without a key of their own."""
    BINDINGS = [
        Binding("ctrl+q", "quit", "key_quit", id="app.quit", show=True, priority=True, tooltip="tip_quit"),
        # Shown by the Footer at its right edge (not twice); the description is ours, in the user's language.
        Binding("f1", "help", "key_help", id="app.help", show=True, priority=True, tooltip="tip_help"),
        Binding("f2", "show_dashboard", "key_my_work", id="app.my_work", show=True, tooltip="tip_my_work"),
        Binding(
            "f3",
            "show_households",
            "key_households",
            id="app.households",
            show=False,
            tooltip="tip_households",
        ),
        Binding("f4", "show_week", "key_week", id="app.week", show=False, tooltip="tip_week"),
        Binding(
            "f8",
            "toggle_low_bandwidth",
            "key_low_bandwidth",
            id="app.low_bandwidth",
            show=False,
            tooltip="tip_low_bandwidth",
        ),
        Binding(
            "ctrl+p", "command_palette", "key_palette", id="app.palette", show=False, tooltip="tip_palette"
        ),
    ]
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        vault_root: Path,
        lang: str = "ko",
        low_bandwidth: bool = False,
        user: str | None = None,
        clock: Callable[[], dt.datetime] = _now,
        idle_minutes: int = DEFAULT_MINUTES,
        sync_seconds: float = SYNC_SECONDS,
    ) -> None:
        super().__init__()
        self.clock = clock
        """Where "now" comes from for deadline clocks (fixed in tests and snapshots)."""
        self.lang = Lang(lang)
        """Interface language (`ko` by default)."""
        self.vault_root = Path(vault_root)
        self.low_bandwidth = low_bandwidth
        """SSH mode: no animations, no blinking cursors, no mouse tracking (so no hover effects)."""
        self.initial_user = user
        self.session: VaultSession | None = None
        """The unlocked vault, owned (and closed) by the app."""
        self.context: AppContext | None = None
        """The unlocked vault's records, language, clock and navigator (None before the unlock)."""
        self._records_version = -1
        self._session_lock = threading.Lock()
        self._closing = False
        self.idle_lock = IdleLock(self, idle_minutes)
        """Locks the screen after `idle_minutes` without a key (1–60; `IdleMinutesError` otherwise)."""
        self.sync = BackgroundSync(self, sync_seconds)
        """Sync rounds every `sync_seconds` and after saves, and the status line (`tui/sync_status.py`)."""
        localise_bindings(self, self.lang)
        self.title = t("app_title", self.lang)
        self.set_low_bandwidth(low_bandwidth)

    # -- screens ---------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.push_screen(UnlockScreen(self.vault_root, self.keep_session, self.initial_user))
        self.screen_change_signal.subscribe(self, self._screen_changed)
        watch_terminal(self)  # SSH dropped → the same orderly exit as the quit key
        self.call_after_refresh(preload)  # the rest of the app loads while the passphrase is typed

    def _screen_changed(self, screen: Screen[object]) -> None:
        """A form closed after a save (or any screen change): the screens hear of new records."""
        self.note_record_changes()

    def set_low_bandwidth(self, on: bool) -> None:
        """SSH mode on or off: animations, blinking cursors (mouse tracking is decided at start)."""
        self.low_bandwidth = on
        self.animation_level = "none" if on else "full"
        self.set_class(on, "-low-bandwidth")
        focused = self.focused if self.is_running else None
        if focused is not None and hasattr(focused, "cursor_blink"):
            focused.cursor_blink = not on

    def action_help(self) -> None:
        """The keys of the screen the user is on (f1 again closes)."""
        from chandong_tui.tui.screens.help_screen import toggle_help  # on first f1, not before unlock

        toggle_help(self)

    def action_toggle_low_bandwidth(self) -> None:
        self.set_low_bandwidth(not self.low_bandwidth)
        self.notify(
            t("low_bandwidth_on" if self.low_bandwidth else "low_bandwidth_off", self.lang), timeout=2
        )

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Low-bandwidth mode: no blinking cursor in any input, whichever screen it is on."""
        if hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = not self.low_bandwidth

    def keep_session(self, session: VaultSession) -> bool:
        """Take ownership of a freshly unlocked session (called from the unlock worker thread)."""
        with self._session_lock:
            if self._closing or self.session is not None:
                return False
            self.session = session
            return True

    @on(UnlockScreen.Unlocked)
    def show_vault(self, event: UnlockScreen.Unlocked) -> None:
        from chandong_tui.casework.repository import CaseRepository
        from chandong_tui.tui.screens.dashboard_screen import DashboardScreen

        repo = CaseRepository(event.session)
        self.context = AppContext(repo, self.lang, self.clock, Navigator(self))
        self._records_version = repo.version
        self.switch_screen(DashboardScreen())
        self.idle_lock.start()
        self.sync.start()

    @property
    def repo(self) -> CaseRepository | None:
        """The unlocked vault's records (None before the unlock and after closing)."""
        return self.context.repo if self.context is not None else None

    @property
    def nav(self) -> Navigator | None:
        return self.context.nav if self.context is not None else None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.Paste)):
            self.idle_lock.touch()  # any key counts as presence for the idle lock
        await super().on_event(event)

    def sign_out(self, message: str = "") -> None:
        """End the session (published and closed as on quit) and go back to the unlock screen with
        `message`; whatever was open is dropped. After a lockout on the idle lock."""
        user = self.session.user_id if self.session is not None else self.initial_user
        self.close_session(final=False)
        while len(self.screen_stack) > 2:
            self.pop_screen()
        screen = UnlockScreen(self.vault_root, self.keep_session, user)
        self.switch_screen(screen)
        if message:
            self.call_after_refresh(screen.show_failure, UnlockScreen.Failed(message))

    # -- records changed ---------------------------------------------------------------------
    def note_record_changes(self) -> None:
        """Tell every screen when the records moved since the last look (a save here, other PCs'
        changes merged): one `RecordsChanged` each; the one in front reads again, the rest later."""
        repo = self.repo
        if repo is None or repo.session.closed or repo.version == self._records_version:
            return
        self._records_version = repo.version
        for screen in self.screen_stack:
            if isinstance(screen, ScreenBase):
                screen.post_message(RecordsChanged(repo.version))

    # -- keys and the palette ----------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Nothing but quitting while the idle lock is on; the screens of the vault once it is open,
        each where it is not already in front. A supervisor's screen asked for by someone else is
        refused with a line saying why (the navigator), so the key is not dead; `offers` leaves it
        out of the palette."""
        if self.idle_lock.blocks(action):
            return False
        nav = self.nav
        if action in NAVIGATION:
            showing, _ = NAVIGATION[action]
            return nav is not None and not getattr(nav, showing)()
        if action == "sync_now":
            return nav is not None
        return True

    def _fatal_error(self) -> None:
        """Textual's hook for an unhandled error (it would print every frame's local variables, record
        data included): the details go to a private file, the terminal gets one line (`tui.crash`)."""
        from chandong_tui.tui.crash import write_report

        error = sys.exc_info()[1] or self._exception
        shown = t("crash_no_report", self.lang)
        if error is not None:
            try:
                shown = t("crash_line", self.lang, path=str(write_report(error)))
            except OSError as exc:
                shown += f" ({exc.strerror})"
        self.bell()
        self.exit(return_code=1, message=shown)

    def action_command_palette(self) -> None:
        """Textual's palette, its search field in the user's language."""
        if self.use_command_palette and not any(isinstance(s, CommandPalette) for s in self.screen_stack):
            placeholder = localised("Search for commands…", self.lang)
            self.push_screen(CommandPalette(id="--command-palette", placeholder=placeholder))

    def offers(self, action: str) -> bool:
        """Whether the palette offers `action` (an app action's name): it works now, and the screen it
        shows is for this user (the queue, the access log and the report to supervisors)."""
        supervisor_only = NAVIGATION.get(action, ("", False))[1]
        return bool(self.check_action(action, ())) and (not supervisor_only or self.is_supervisor())

    def is_supervisor(self) -> bool:
        """Whether the signed-in user is a supervisor (False before the unlock)."""
        from chandong_tui.tui.signed_in import SUPERVISOR  # not before the unlock

        return self.repo is not None and self.repo.role == SUPERVISOR

    def action_show_dashboard(self) -> None:
        """Back to 내 업무 from wherever the user is (nothing is open above it afterwards)."""
        if self.nav is not None:
            self.nav.my_work()

    def action_show_households(self) -> None:
        """The household list: back to it when it is open below, else opened above 내 업무."""
        if self.nav is not None:
            self.nav.households()

    def action_show_week(self) -> None:
        """The case conferences of this week: back to the week view when it is open below, else
        opened above 내 업무."""
        if self.nav is not None:
            self.nav.week()

    def action_open_conflicts(self) -> None:
        """충돌 검토: values changed on two PCs at once, to pick the one to keep."""
        if self.nav is not None:
            self.nav.conflicts()

    def action_open_queue(self) -> None:
        if self.nav is not None:
            self.nav.queue()

    def action_open_access_log(self) -> None:
        if self.nav is not None:
            self.nav.access_log()

    def action_open_report(self) -> None:
        if self.nav is not None:
            self.nav.report()

    def action_sync_now(self) -> None:
        """A sync round now, and a line saying it started."""
        sync_now(self)

    # -- closing ---------------------------------------------------------------------------
    def close_session(self, *, final: bool = True) -> None:
        """Publish, seal and release the session; safe to call more than once. `final=False` lets
        a later unlock in this app take a new session (after signing out)."""
        with self._session_lock:
            self._closing = final
            session, self.session, self.context = self.session, None, None
        if session is not None:
            session.close()

    def on_unmount(self) -> None:
        self.close_session()

    async def run_async(self, *args: Any, **kwargs: Any) -> None:
        if self.low_bandwidth:
            kwargs["mouse"] = False  # no mouse tracking: no hover repaints, no mouse bytes over SSH
        try:
            return await super().run_async(*args, **kwargs)
        finally:
            self.close_session()
