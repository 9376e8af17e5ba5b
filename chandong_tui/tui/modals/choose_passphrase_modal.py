"""`ChoosePassphraseModal`: the first unlock with a one-time passphrase, in the app.

The unlock screen opens it when `unlock` answers that the passphrase was a one-time one
(`PassphraseChangeRequired`: it was right, and must be replaced). The user types their own passphrase
twice. The policy is shown in one line built from the policy itself (`vault.keyring.MIN_PASSPHRASE`),
and a passphrase it refuses (`vault.keyring.passphrase_problem`, the one definition) or a second copy
that differs is told beside its field, in the user's language, before anything is derived. Then
`unlock(root, user, one_time, new_passphrase=new)` runs in a worker thread and the modal dismisses with
the session, which the unlock screen hands on to the app (내 업무) as after any unlock.

Esc goes back to the login. The one-time passphrase is held in memory by this modal only while it is
open: it is never written anywhere.
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
from chandong_tui.tui.base import ChandongModal
from chandong_tui.tui.text import text
from chandong_tui.vault.errors import AuthError, BadInput, VaultError

if TYPE_CHECKING:
    from chandong_tui.vault.session import VaultSession


def policy_line(lang: Lang) -> str:
    """The passphrase policy in one line, with the length the policy asks for."""
    from chandong_tui.vault.keyring import MIN_PASSPHRASE

    return t("first_unlock_policy", lang, min=MIN_PASSPHRASE)


def _refusal_keys() -> dict[str, str]:
    """Each refusal of the policy (its own words) → the catalogue text that says it to people.

    Found by asking `passphrase_problem` about a passphrase that breaks one rule each (its rules are
    checked in this order), so no word of the policy is copied here; a refusal not listed is shown as
    the policy words it."""
    from chandong_tui.vault.keyring import MIN_PASSPHRASE, passphrase_problem

    long_mixed = "x1" * MIN_PASSPHRASE
    probes = {
        "first_unlock_too_short": passphrase_problem("", ""),
        "first_unlock_one_kind": passphrase_problem("x" * MIN_PASSPHRASE, ""),
        "first_unlock_has_login": passphrase_problem(long_mixed + "me", "me"),
        "first_unlock_same": passphrase_problem(long_mixed, "", current=long_mixed),
    }
    return {problem: key for key, problem in probes.items() if problem}


def refusal_line(problem: str, lang: Lang) -> str:
    """A refusal of the policy (`passphrase_problem`'s answer) in the user's language."""
    from chandong_tui.vault.keyring import MIN_PASSPHRASE

    key = _refusal_keys().get(problem)
    if key is None:
        return t("first_unlock_refused", lang, reason=problem)
    return t(key, lang, min=MIN_PASSPHRASE)


def passphrase_refusal(new: str, user_id: str, one_time: str, lang: Lang) -> str | None:
    """Why the policy refuses `new` as `user_id`'s passphrase after `one_time`, in the user's language
    (None when it is accepted)."""
    from chandong_tui.vault.keyring import passphrase_problem

    problem = passphrase_problem(new, user_id, current=one_time)
    return refusal_line(problem, lang) if problem else None


class ChoosePassphraseModal(ChandongModal["VaultSession | str | None"]):
    """The user's own passphrase, twice; dismisses with the unlocked session, a line to show on the
    login (the login was refused meanwhile), or None (Esc: back to the login)."""

    DEFAULT_CSS = """
    ChoosePassphraseModal { align: center middle; }
    ChoosePassphraseModal #choose-box {
        width: 72; max-width: 100%; height: auto; border: round $accent; padding: 0 1; background: $surface;
    }
    ChoosePassphraseModal #choose-title { text-style: bold; }
    ChoosePassphraseModal .choose-note { height: auto; color: $text-muted; }
    ChoosePassphraseModal .field-error { display: none; height: auto; color: $error; text-style: bold; }
    ChoosePassphraseModal .field-error.-shown { display: block; }
    ChoosePassphraseModal #choose-message { height: auto; min-height: 1; color: $text-muted; }
    ChoosePassphraseModal #choose-message.-error { color: $error; text-style: bold; }
    """

    BINDING_GROUP = "choose_passphrase"
    BACK_KEYS = "escape"

    @dataclass
    class Done(Message):
        """The worker's answer: the session, or why not and beside which field (`new`, or "" for the
        line under the form; `login` to go back to the login with it)."""

        session: VaultSession | None
        reason: str = ""
        where: str = ""

    def __init__(
        self, vault_root: Path, user: str, one_time: str, keep: Callable[[VaultSession], bool]
    ) -> None:
        super().__init__()
        self.vault_root = vault_root
        self.user = user
        self._one_time = one_time
        self.keep = keep
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="choose-box"):
            yield Static(text(t("first_unlock_title", self.lang, user=self.user)), id="choose-title")
            yield Static(text(t("first_unlock_intro", self.lang)), classes="choose-note", id="choose-intro")
            yield Static(text(policy_line(self.lang)), classes="choose-note", id="choose-policy")
            yield Label(t("new_passphrase", self.lang))
            yield Input(id="new", password=True)
            yield Static("", classes="field-error", id="new-error")
            yield Label(t("new_passphrase_again", self.lang))
            yield Input(id="again", password=True)
            yield Static("", classes="field-error", id="again-error")
            yield Static("", id="choose-message")

    def on_mount(self) -> None:
        self.query_one("#new", Input).focus()

    def action_back(self) -> None:
        """Back to the login (not while the passphrase is being changed)."""
        if not self.busy:
            self._one_time = ""
            self.dismiss(None)

    @on(Input.Submitted, "#new")
    def to_again(self) -> None:
        self.query_one("#again", Input).focus()

    @on(Input.Submitted, "#again")
    def submit(self) -> None:
        if self.busy:
            return
        new = self.query_one("#new", Input).value
        again = self.query_one("#again", Input).value
        self._beside("new", "")
        self._beside("again", "")
        self._say("", error=False)
        refusal = passphrase_refusal(new, self.user, self._one_time, self.lang)
        if refusal:
            self._refused("new", refusal)
            return
        if new != again:
            self._refused("again", t("passphrases_differ", self.lang))
            return
        self.busy = True
        self._say(t("first_unlock_saving", self.lang), error=False)
        self._change(new)

    @work(thread=True, group="first-unlock", exit_on_error=False)
    def _change(self, new: str) -> None:
        from chandong_tui.tui.screens.unlock_screen import locked_line
        from chandong_tui.vault import accounts
        from chandong_tui.vault.keyring import LockedOut

        try:
            session = accounts.unlock(self.vault_root, self.user, self._one_time, new_passphrase=new)
        except BadInput as exc:  # the policy again, as `unlock` checks it
            self.post_message(self.Done(None, refusal_line(str(exc), self.lang), "new"))
            return
        except LockedOut as exc:
            self.post_message(self.Done(None, locked_line(exc, self.lang), "login"))
            return
        except AuthError:  # the login was reset or removed meanwhile
            self.post_message(self.Done(None, t("auth_failed", self.lang), "login"))
            return
        except (VaultError, OSError, ValueError) as exc:
            self.post_message(self.Done(None, t("unlock_error", self.lang, reason=str(exc))))
            return
        if get_current_worker().is_cancelled or not self.keep(session):
            session.close()  # nobody is left to use it (the app is closing)
            return
        self.post_message(self.Done(session))

    @on(Done)
    def done(self, message: Done) -> None:
        self.busy = False
        if message.session is not None or message.where == "login":
            self._one_time = ""
            self.dismiss(message.session or message.reason)
        elif message.where == "new":
            self._refused("new", message.reason)
        else:
            self._say(message.reason, error=True)

    def _refused(self, field: str, reason: str) -> None:
        """`reason` beside `field`; that field typed again (both when the first was refused)."""
        self._say("", error=False)
        self._beside(field, reason)
        again = self.query_one("#again", Input)
        again.clear()
        if field == "new":
            first = self.query_one("#new", Input)
            first.clear()
            first.focus()
        else:
            again.focus()

    def _beside(self, field: str, reason: str) -> None:
        label = self.query_one(f"#{field}-error", Static)
        label.update(text(reason))
        label.set_class(bool(reason), "-shown")

    def _say(self, message: str, *, error: bool) -> None:
        label = self.query_one("#choose-message", Static)
        label.update(text(message))
        label.set_class(error, "-error")
