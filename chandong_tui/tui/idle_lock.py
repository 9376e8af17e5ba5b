"""Idle auto-lock (개인정보의 안전성 확보조치 기준: 일정 시간 미사용 시 접속 차단).

After `minutes` without a key the app covers everything with `LockScreen`, which shows nothing of
the records and asks the signed-in user's passphrase again (checked by `vault.relock`, with the real
derivation and the usual lockout). The screens below stay as they were, forms and what was typed in
them included, and come back when the passphrase is right. A lockout while locked ends the session
(published and closed like a quit) and the app goes back to its unlock screen.

Time comes from the app's clock (`ChandongApp.clock`), so tests move a fake clock instead of
waiting; a timer looks every `CHECK_EVERY_S` seconds. The lock cannot be turned off: `idle_minutes`
refuses 0, negative and absurd values (more than `MAX_MINUTES`).

The app's hooks are small: it makes an `IdleLock`, calls `touch()` on every key, `start()` after
the unlock, and asks `blocks(action)` in its `check_action` (no global key reaches past the lock).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from chandong_tui.i18n import t

if TYPE_CHECKING:
    from textual.timer import Timer

    from chandong_tui.tui.app import ChandongApp

DEFAULT_MINUTES = 10
MIN_MINUTES = 1
MAX_MINUTES = 60
"""Longer than an hour away from a screen of personal data is not "idle" any more."""

ALLOWED_WHILE_LOCKED = frozenset({"quit"})
"""App-level actions that still work on the lock screen (quitting closes the session properly)."""


class IdleMinutesError(ValueError):
    """An idle-lock time that is refused; the message says which values are accepted."""


def idle_minutes(value: object) -> int:
    """`value` as whole minutes for the idle lock; `IdleMinutesError` for 0, negatives, fractions,
    non-numbers and more than `MAX_MINUTES` (the lock cannot be switched off or made pointless)."""
    text = str(value).strip()
    try:
        minutes = int(text)
    except ValueError:
        raise IdleMinutesError(
            f"the idle lock is a whole number of minutes from {MIN_MINUTES} to {MAX_MINUTES}, "
            f"not {text[:20]!r}"
        ) from None
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise IdleMinutesError(
            f"the idle lock is {MIN_MINUTES} to {MAX_MINUTES} minutes and cannot be turned off "
            f"(got {minutes})"
        )
    return minutes


class IdleLock:
    """Watches for keys and locks the app after `minutes` without one."""

    CHECK_EVERY_S = 5.0
    """How often the timer compares the clock with the last key (tests make it short)."""

    def __init__(self, app: ChandongApp, minutes: object = DEFAULT_MINUTES) -> None:
        self.app = app
        self.minutes = idle_minutes(minutes)
        self.last_key: dt.datetime | None = None
        """When the user last pressed a key (None before the unlock)."""
        self.locked_at: dt.datetime | None = None
        """When the lock came on (None while unlocked)."""
        self._timer: Timer | None = None

    @property
    def locked(self) -> bool:
        return self.locked_at is not None

    def start(self) -> None:
        """Begin counting (the vault was just unlocked)."""
        self.last_key = self.app.clock()
        if self._timer is None:
            self._timer = self.app.set_interval(self.CHECK_EVERY_S, self.check, name="idle-lock")

    def touch(self) -> None:
        """A key was pressed: count again from now (keys on the lock screen do not count)."""
        if self.last_key is not None and not self.locked:
            self.last_key = self.app.clock()

    def blocks(self, action: str) -> bool:
        """Whether an app-level action must wait for the passphrase (all but quitting)."""
        return self.locked and action not in ALLOWED_WHILE_LOCKED

    def check(self) -> None:
        """Lock when the last key is `minutes` old (called by the timer)."""
        if self.locked or self.last_key is None or self.app.session is None:
            return
        if self.app.clock() - self.last_key >= dt.timedelta(minutes=self.minutes):
            self.lock()

    def lock(self) -> None:
        """Cover the app with the lock screen: toasts cleared (they may name a household), numbers
        revealed on any screen hidden again, the rest left as it was below."""
        from chandong_tui.tui.screens.lock_screen import LockScreen

        session = self.app.session
        if self.locked or session is None:
            return
        self.locked_at = self.app.clock()
        self.app.clear_notifications()
        for screen in self.app.screen_stack:
            forget = getattr(screen, "forget_revealed", None)
            if callable(forget):
                forget()
        self.app.push_screen(LockScreen(session, self.locked_at.isoformat(timespec="seconds")), self._ended)

    def _ended(self, outcome: bool | str | None) -> None:
        """The lock screen closed: True when the passphrase was right (carry on); else the line to
        show on the unlock screen, and the session ends."""
        self.locked_at = None
        if outcome is True:
            self.last_key = self.app.clock()
            return
        self.last_key = None
        self.app.sign_out(outcome if isinstance(outcome, str) else t("auth_locked", self.app.lang))
