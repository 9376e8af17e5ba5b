"""The first screen: user ID and passphrase, then the vault is unlocked in a worker thread.

Argon2id takes a noticeable fraction of a second on purpose, so it runs off the UI thread; the
result comes back as an `Unlocked` message (handled by the app) or a `Failed` one (shown here).

- A one-time passphrase (a new worker's, or after a reset) opens the choice of the user's own
  (`tui/modals/choose_passphrase_modal.py`), and from there the vault, as any unlock.
- A locked login is told so, and until when in Korean time (`locked_line`), not "wrong passphrase".
- A vault this PC has not opened before shows its fingerprint and asks to confirm it (`AskFingerprint`,
  before any passphrase is tried); a membership history this PC must not accept (older, forked,
  replaced: `vault.members.MembershipRefused`) is one line from the catalogue, and nothing opens.
- On a demo vault (one `chandong demo` built in its own folder) a line names the demo's users and
  passphrase, as `casework.setup` defines them.

Nothing of the vault beyond its error classes is imported before the screen is drawn: the unlock,
the lockout and the demo's names are imported inside the workers and handlers.
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

from chandong_tui.i18n import Lang, t
from chandong_tui.tui.base import ChandongScreen
from chandong_tui.tui.text import text
from chandong_tui.tui.widgets.footer import SteadyFooter
from chandong_tui.vault.errors import AuthError, VaultError

if TYPE_CHECKING:
    from chandong_tui.vault.keyring import LockedOut
    from chandong_tui.vault.session import VaultSession


class UnlockScreen(ChandongScreen[None]):
    """Asks who is there and opens the vault."""

    DEFAULT_CSS = """
    UnlockScreen #unlock-hint { display: none; height: auto; margin-bottom: 1; color: $text-muted; }
    UnlockScreen #unlock-hint.-shown { display: block; }
    """

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

    @dataclass
    class OneTime(Message):
        """The passphrase was right but a one-time one: the user chooses their own."""

        user: str
        one_time: str

    @dataclass
    class AskFingerprint(Message):
        """This PC has not opened the vault before: the user compares its fingerprint."""

        user: str
        passphrase: str
        fingerprint: str

    @dataclass
    class DemoHint(Message):
        """A line naming the demo's users and passphrase (this vault is a demo)."""

        line: str

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
            yield Static("", id="unlock-hint")
            yield Label(t("user_id", self.lang))
            yield Input(self.initial_user, id="user", restrict=r"[A-Za-z0-9_.\-]*", max_length=64)
            yield Label(t("passphrase", self.lang))
            yield Input(id="passphrase", password=True)
            yield Static("", id="unlock-message")
        yield SteadyFooter()

    def on_mount(self) -> None:
        target = "#passphrase" if self.initial_user else "#user"
        self.query_one(target, Input).focus()
        self._look_for_demo()

    @work(thread=True, group="unlock-hint", exit_on_error=False)
    def _look_for_demo(self) -> None:
        """The demo's users and passphrase, when `chandong demo` built this vault in its own folder
        (under `demo/` of this PC's state folder, where nobody keeps a real vault). Only then is the
        setup module, which names them, loaded."""
        from chandong_tui.vault.local_state import state_home

        try:
            demo = self.vault_root.resolve().is_relative_to((state_home() / "demo").resolve())
        except (OSError, RuntimeError):
            return
        if not demo:
            return
        from chandong_tui.casework.setup import DEMO_PASSPHRASE, DEMO_USERS

        users = ", ".join(DEMO_USERS)
        self.post_message(self.DemoHint(t("demo_hint", self.lang, users=users, passphrase=DEMO_PASSPHRASE)))

    @on(DemoHint)
    def show_demo_hint(self, message: DemoHint) -> None:
        hint = self.query_one("#unlock-hint", Static)
        hint.update(text(message.line))
        hint.add_class("-shown")

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
    def _unlock(self, user: str, passphrase: str, fingerprint: str | None = None) -> None:
        from chandong_tui.vault import accounts  # usually loaded already (see `preload`)
        from chandong_tui.vault.keyring import LockedOut, PassphraseChangeRequired
        from chandong_tui.vault.members import FirstOpen, MembershipRefused, NotUpgraded

        try:
            session = accounts.unlock(self.vault_root, user, passphrase, fingerprint=fingerprint)
        except FirstOpen as exc:
            self.post_message(self.AskFingerprint(user, passphrase, exc.fingerprint))
            return
        except (MembershipRefused, NotUpgraded) as exc:
            self.post_message(self.Failed(t(exc.key, self.lang, **exc.params)))
            return
        except PassphraseChangeRequired:
            self.post_message(self.OneTime(user, passphrase))
            return
        except LockedOut as exc:
            self.post_message(self.Failed(locked_line(exc, self.lang)))
            return
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

    @on(AskFingerprint)
    def ask_fingerprint(self, message: AskFingerprint) -> None:
        """Show the fingerprint; yes unlocks with it (and pins it), no opens nothing."""
        from chandong_tui.tui.modals.confirm_modal import ConfirmModal

        def answered(yes: bool | None) -> None:
            if yes:
                self._unlock(message.user, message.passphrase, message.fingerprint)
            else:
                self.show_failure(self.Failed(t("members_not_confirmed", self.lang)))

        question = t("members_first_open_question", self.lang, fingerprint=message.fingerprint)
        self.app.push_screen(ConfirmModal(question), answered)

    @on(OneTime)
    def choose_passphrase(self, message: OneTime) -> None:
        """The user's own passphrase in place of the one-time one, then the vault."""
        from chandong_tui.tui.modals.choose_passphrase_modal import ChoosePassphraseModal

        self._say("", error=False)
        modal = ChoosePassphraseModal(self.vault_root, message.user, message.one_time, self.keep)
        self.app.push_screen(modal, self._chosen)

    def _chosen(self, outcome: VaultSession | str | None) -> None:
        """The choice closed: the vault is open, or the login says why not (or Esc: type again)."""
        if isinstance(outcome, str):
            self.show_failure(self.Failed(outcome))
        elif outcome is None:
            self.busy = False
            passphrase = self.query_one("#passphrase", Input)
            passphrase.clear()
            passphrase.focus()
        else:
            self.post_message(self.Unlocked(outcome))  # the app shows 내 업무 in place of this screen

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


def locked_line(error: LockedOut, lang: Lang) -> str:
    """A locked login in one line: until when, in Korean time (rounded up to the minute), or that a
    supervisor must lift it when the lock has no end."""
    import datetime as dt
    import math

    from chandong_tui.casework.clock import KST
    from chandong_tui.vault.accounts import LoginLocked
    from chandong_tui.vault.keyring import LOCK_AFTER

    until_ms = error.until_ms if isinstance(error, LoginLocked) else None
    if until_ms is None:
        return t("login_locked_admin", lang)
    until = dt.datetime.fromtimestamp(math.ceil(until_ms / 60_000) * 60, KST)
    return t("login_locked_until", lang, n=LOCK_AFTER, until=until.strftime("%Y-%m-%d %H:%M"))
