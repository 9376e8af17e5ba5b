"""The idle lock's screen: covers every other screen, shows nothing of the records, asks the passphrase.

Only the app's title, who is signed in (their login id) and a passphrase field are shown. The check
runs in a worker thread (Argon2id takes a noticeable fraction of a second); the screen dismisses with
True when the passphrase is right, or with the line to show on the unlock screen when the session
must end (locked out, or the login's passphrase was reset meanwhile). See `tui.idle_lock`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from chandong_tui.i18n import t
from chandong_tui.tui.base import ChandongScreen
from chandong_tui.tui.text import text
from chandong_tui.tui.widgets.footer import SteadyFooter
from chandong_tui.vault.errors import AuthError, VaultError
from chandong_tui.vault.keyring import LockedOut
from chandong_tui.vault.relock import IdentityChanged, confirm_passphrase

if TYPE_CHECKING:
    from chandong_tui.vault.session import VaultSession


class LockScreen(ChandongScreen[bool | str]):
    """Locked while idle: the same user's passphrase opens it again."""

    DEFAULT_CSS = """
    LockScreen { align: center middle; }
    LockScreen #lock-box { width: 60; max-width: 100%; height: auto; border: round $accent; padding: 0 1; }
    LockScreen #lock-title { text-style: bold; margin-bottom: 1; }
    LockScreen #lock-message { height: auto; min-height: 1; margin-top: 1; color: $text-muted; }
    LockScreen #lock-message.-error { color: $error; text-style: bold; }
    """

    BINDING_GROUP = "lock"
    SYNC_LINE = False

    @dataclass
    class Checked(Message):
        """The worker's answer: `outcome` True (right), False (wrong, try again) or the line to end
        the session with."""

        outcome: bool | str

    def __init__(self, session: VaultSession, locked_at: str = "") -> None:
        super().__init__()
        self.session = session
        self.locked_at = locked_at
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="lock-box"):
            yield Static(text(t("app_title", self.lang)), id="lock-title")
            yield Static(text(t("idle_locked", self.lang)), id="lock-prompt")
            yield Label(text(f"{t('user_id', self.lang)}: {self.session.user_id}"), id="lock-user")
            yield Input(id="lock-passphrase", password=True)
            yield Static("", id="lock-message")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#lock-passphrase", Input).focus()

    @on(Input.Submitted, "#lock-passphrase")
    def submit(self) -> None:
        field = self.query_one("#lock-passphrase", Input)
        if self.busy or not field.value:
            return
        self.busy = True
        self._say(t("unlocking", self.lang), error=False)
        self._check(field.value)

    @work(thread=True, group="idle-lock", exit_on_error=False)
    def _check(self, passphrase: str) -> None:
        try:
            confirm_passphrase(self.session, passphrase, locked_at=self.locked_at)
        except LockedOut as exc:
            from chandong_tui.tui.screens.unlock_screen import locked_line

            self.post_message(self.Checked(locked_line(exc, self.lang)))
        except IdentityChanged:
            self.post_message(self.Checked(t("idle_sign_in_again", self.lang)))
        except AuthError:
            self.post_message(self.Checked(False))
        except (VaultError, OSError, ValueError) as exc:
            self.post_message(self.Checked(t("unlock_error", self.lang, reason=str(exc))))
        else:
            self.post_message(self.Checked(True))

    @on(Checked)
    def checked(self, message: Checked) -> None:
        self.busy = False
        if message.outcome is False:
            self._say(t("auth_failed", self.lang), error=True)
            field = self.query_one("#lock-passphrase", Input)
            field.clear()
            field.focus()
            return
        self.dismiss(message.outcome)

    def _say(self, message: str, *, error: bool) -> None:
        label = self.query_one("#lock-message", Static)
        label.update(text(message))
        label.set_class(error, "-error")
