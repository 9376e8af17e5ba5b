"""`ChandongApp`: the Textual application, kept thin (styles, global keys, screen wiring, session life).

It opens on `UnlockScreen`; when a session comes back it builds the `CaseRepository` and shows
`HouseholdsScreen`. The session is closed on every way out (quit key, `exit()`, an exception, the
terminal going away): `on_unmount` runs in Textual's shutdown `finally`, and `run_async` closes again
(idempotently) after Textual has returned.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from chandong_tui.casework.repository import CaseRepository
from chandong_tui.i18n import Lang, t
from chandong_tui.tui.bindings import localise_bindings
from chandong_tui.tui.commands import ChandongCommands
from chandong_tui.tui.screens.households_screen import HouseholdsScreen
from chandong_tui.tui.screens.unlock_screen import UnlockScreen
from chandong_tui.vault.session import VaultSession


class ChandongApp(App[None]):
    """찾동 case management in the terminal."""

    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ChandongCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "key_quit", id="app.quit", show=True, priority=True, tooltip="tip_quit"),
        # Shown by the Footer at its right edge (not twice); the description is ours, in the user's language.
        Binding(
            "ctrl+p", "command_palette", "key_palette", id="app.palette", show=False, tooltip="tip_palette"
        ),
    ]
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self, vault_root: Path, lang: str = "ko", low_bandwidth: bool = False, user: str | None = None
    ) -> None:
        super().__init__()
        self.lang = Lang(lang)
        """Interface language (`ko` by default)."""
        self.vault_root = Path(vault_root)
        self.low_bandwidth = low_bandwidth
        """SSH mode: no animations, no blinking cursors, no mouse tracking (so no hover effects)."""
        self.initial_user = user
        self.session: VaultSession | None = None
        """The unlocked vault, owned (and closed) by the app."""
        self.repo: CaseRepository | None = None
        self._session_lock = threading.Lock()
        self._closing = False
        localise_bindings(self, self.lang)
        self.title = t("app_title", self.lang)
        if low_bandwidth:
            self.animation_level = "none"
            self.add_class("-low-bandwidth")

    # -- screens ---------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.push_screen(UnlockScreen(self.vault_root, self.keep_session, self.lang, self.initial_user))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Low-bandwidth mode: no blinking cursor in any input, whichever screen it is on."""
        if self.low_bandwidth and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    def keep_session(self, session: VaultSession) -> bool:
        """Take ownership of a freshly unlocked session (called from the unlock worker thread)."""
        with self._session_lock:
            if self._closing or self.session is not None:
                return False
            self.session = session
            return True

    @on(UnlockScreen.Unlocked)
    def show_vault(self, event: UnlockScreen.Unlocked) -> None:
        self.repo = CaseRepository(event.session)
        self.switch_screen(HouseholdsScreen(self.repo, self.lang))

    def action_show_households(self) -> None:
        """Back to the household list from wherever the user is."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HouseholdsScreen):
            self.pop_screen()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own palette entries, reduced to those that help here and in the user's language."""
        yield SystemCommand(
            t("cmd_keys", self.lang), t("cmd_keys_help", self.lang), self.action_show_help_panel
        )

    # -- closing ---------------------------------------------------------------------------
    def close_session(self) -> None:
        """Publish, seal and release the session; safe to call more than once."""
        with self._session_lock:
            self._closing = True
            session, self.session, self.repo = self.session, None, None
        if session is not None:
            session.close()

    def on_unmount(self) -> None:
        self.close_session()

    async def run_async(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401
        if self.low_bandwidth:
            kwargs["mouse"] = False  # no mouse tracking: no hover repaints, no mouse bytes over SSH
        try:
            return await super().run_async(*args, **kwargs)
        finally:
            self.close_session()
