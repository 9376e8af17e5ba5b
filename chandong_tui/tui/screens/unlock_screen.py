"""The first screen: user ID and passphrase, then the vault is unlocked in a worker thread.

Argon2id takes a noticeable fraction of a second on purpose, so it runs off the UI thread; the
result comes back as an `Unlocked` message (handled by the app) or a `Failed` one (shown here).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static
from textual.worker import get_current_worker

from chandong_tui.i18n import t
from chandong_tui.tui.base import ChandongScreen
from chandong_tui.tui.text import text
from chandong_tui.tui.widgets.footer import SteadyFooter
from chandong_tui.vault.errors import AuthError, VaultError

if TYPE_CHECKING:
    from chandong_tui.vault.session import VaultSession


class UnlockScreen(ChandongScreen[None]):
    """Asks who is there and opens the vault."""

    BINDING_GROUP = "unlock"
    SYNC_LINE = False

    @dataclass
    class Unlocked(Message):
        """The vault is open (and `session` already handed to `keep`, which closes it)."""

        session: VaultSession

    @dataclass
    class Failed(Message):
        """Unlocking failed; `reason` is a line for people (already in the user's language)."""

        reason: str

    def __init__(
        self,
        vault_root: Path,
        keep: Callable[[VaultSession], bool],
        user: str | None = None,
    ) -> None:
        """`keep(session)` is called from the worker thread with a fresh session; it returns False
        when nobody can take it any more (the app is closing), and the session is closed here."""
        super().__init__()
        self.vault_root = vault_root
        self.keep = keep
        self.initial_user = user or ""
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="unlock-box"):
            yield Static(text(t("app_title", self.lang)), id="unlock-title")
            yield Label(t("user_id", self.lang))
            yield Input(self.initial_user, id="user", restrict=r"[A-Za-z0-9_.\-]*", max_length=64)
            yield Label(t("passphrase", self.lang))
            yield Input(id="passphrase", password=True)
            yield Static("", id="unlock-message")
        yield SteadyFooter()

    def on_mount(self) -> None:
        target = "#passphrase" if self.initial_user else "#user"
        self.query_one(target, Input).focus()

    @on(Input.Submitted, "#user")
    def go_to_passphrase(self) -> None:
        self.query_one("#passphrase", Input).focus()

    @on(Input.Submitted, "#passphrase")
    def submit(self) -> None:
        if self.busy:
            return
        user = self.query_one("#user", Input).value.strip()
        passphrase = self.query_one("#passphrase", Input).value
        if not user:
            self.query_one("#user", Input).focus()
            return
        self.busy = True
        self._say(t("unlocking", self.lang), error=False)
        self._unlock(user, passphrase)

    @work(thread=True, group="unlock", exit_on_error=False)
    def _unlock(self, user: str, passphrase: str) -> None:
        from chandong_tui.vault import accounts  # usually loaded already (see `preload`)

        try:
            session = accounts.unlock(self.vault_root, user, passphrase)
        except AuthError:
            self.post_message(self.Failed(t("auth_failed", self.lang)))
            return
        except (VaultError, OSError, ValueError) as exc:
            self.post_message(self.Failed(t("unlock_error", self.lang, reason=str(exc))))
            return
        if get_current_worker().is_cancelled or not self.keep(session):
            session.close()  # nobody is left to use it (the app is closing)
            return
        self.post_message(self.Unlocked(session))

    @on(Failed)
    def show_failure(self, message: Failed) -> None:
        self.busy = False
        self._say(message.reason, error=True)
        passphrase = self.query_one("#passphrase", Input)
        passphrase.clear()
        passphrase.focus()

    def _say(self, message: str, *, error: bool) -> None:
        label = self.query_one("#unlock-message", Static)
        label.update(text(message))
        label.set_class(error, "-error")
