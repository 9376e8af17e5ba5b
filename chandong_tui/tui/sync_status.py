"""Background sync in the app, and the one-line sync status above the footer of every main screen.

Every `seconds` (5 by default; a constructor argument so tests drive rounds themselves) and right
after a save (a poll each second notices the outbox grew), a round runs:

1. `vault.sync.collect` in a thread worker (group `sync`): the slow part, listing and decrypting what
   other PCs wrote; it changes nothing. Never two rounds at once: a round in flight makes the next
   tick wait.
2. back on the app's thread, `apply_collected` (the merge, quick) and `session.publish()` (this PC's
   saves since the last round, one chunk).
3. when the merge changed records, the app tells the screens (`RecordsChanged`, `tui/base.py`): the
   one in front reads its records again, the others when they come back to the front.

The status line (`SyncLine`, mounted by `BackgroundSync` into each main screen when it comes to the
front) says when the last round reached the shared folder (HH:MM), how many saves wait to go out,
how many conflicts the user may review (`casework.conflicts`), and what went wrong: the shared folder
unreachable (saves stay in this PC's outbox), refused (not the vault any more, or most files gone), a
cloned PC (publishing stopped), the login removed. It is repainted only when its text changes; in
low-bandwidth mode the time does not move on its own either (a quiet round repaints nothing).

Leaving the app publishes through `session.close()` as before.
"""

from __future__ import annotations

import datetime as dt
import time
import weakref
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.screen import Screen
from textual.widgets import Static

from chandong_tui.i18n import t
from chandong_tui.tui.base import ScreenBase
from chandong_tui.tui.text import text

if TYPE_CHECKING:
    from textual.timer import Timer

    from chandong_tui.tui.app import ChandongApp
    from chandong_tui.vault.session import VaultSession
    from chandong_tui.vault.sync import Collected

# The vault layer is imported by the rounds themselves: the app starts (and shows its unlock screen)
# before any of it is needed.

SYNC_SECONDS = 5.0
"""Seconds between background rounds."""

POLL_SECONDS = 1.0
"""How often the app looks whether a save is waiting (then a round starts at once) or a round is due."""

OFFLINE, REFUSED, CLONE, REMOVED = "offline", "refused", "clone", "removed"
"""What can stop a round (`SyncState.trouble`)."""

_TROUBLE_TEXT = {
    OFFLINE: "sync_offline",
    REFUSED: "sync_refused",
    CLONE: "sync_clone",
    REMOVED: "sync_removed",
}


def _has_line(screen: Screen[object]) -> bool:
    """Main screens show the status line (not the unlock screen, nor the idle lock: it shows nothing)."""
    return isinstance(screen, ScreenBase) and not screen.is_modal and screen.SYNC_LINE


@dataclass
class SyncState:
    """What the status line says."""

    at: dt.datetime | None = None
    """When a round last reached the shared folder (the unlock counts as one)."""
    waiting: int = 0
    """Saves in this PC's outbox, not yet in the shared folder."""
    conflicts: int = 0
    problems: int = 0
    """Files of the share that could not be used (`chandong verify` names them)."""
    trouble: str = ""
    """OFFLINE, REFUSED, CLONE, REMOVED or empty."""
    detail: str = ""
    """The error's own words (English, for `chandong sync` and logs; not shown on the line)."""
    activity: int = 0
    """Rounds that took something in or published something."""


def saves_waiting(session: VaultSession) -> int:
    """This PC's saves not yet published: its access-log events (a household opened is one) go out
    with them but are not saves, so opening a household does not say "보낼 변경 1건"."""
    from chandong_tui.vault.audit import AUDIT_LOG

    return sum(1 for op in session.unpublished_ops if op.table != AUDIT_LOG)


class SyncLine(Static):
    """The one-line sync status, docked above the footer."""

    DEFAULT_CSS = """
    SyncLine { dock: bottom; height: 1; margin-bottom: 1; padding: 0 1; color: $text-muted;
        text-wrap: nowrap; text-overflow: ellipsis; }
    SyncLine.-trouble { color: $warning; text-style: bold; }
    """

    def __init__(self) -> None:
        super().__init__("")
        self.shown: str | None = None
        self.repaints = 0
        """How many times the text changed (low-bandwidth mode: only when there is news)."""

    def show(self, line: str, trouble: bool) -> bool:
        """Show `line`; nothing is repainted when it is what the line already says."""
        if line == self.shown:
            return False
        self.shown = line
        self.repaints += 1
        self.set_class(trouble, "-trouble")
        self.update(text(line), layout=False)
        return True


class BackgroundSync:
    """Runs sync rounds for the app's session and keeps the status line up to date."""

    def __init__(self, app: ChandongApp, seconds: float = SYNC_SECONDS) -> None:
        if not seconds > 0:
            raise ValueError(f"sync interval must be positive, not {seconds!r}")
        self.app = app
        self.seconds = float(seconds)
        self.state = SyncState()
        self.rounds = 0
        """Rounds finished in this session."""
        self.running = False
        self._timer: Timer | None = None
        self._subscribed = False
        self._last_round = 0.0
        self._seen_unpublished = 0
        self._conflicts_version = -1
        self._took_in = True
        """Other PCs' changes came in since conflicts were last counted (the unlock's, at first)."""
        self._shown_key: tuple[object, ...] | None = None
        self._shown_at: dt.datetime | None = None
        self._lined: weakref.WeakSet[Screen[object]] = weakref.WeakSet()
        """Screens given a status line (each once, even when it comes to the front twice quickly)."""

    # -- life --------------------------------------------------------------------------------
    def _session(self) -> VaultSession | None:
        session = self.app.session
        return None if session is None or session.closed else session

    def start(self) -> None:
        """The vault was just unlocked (its unlock took in what the share held): publish what waits
        (the login's own event), count conflicts, show the line, and tick from now on."""
        session = self._session()
        if session is None:
            return
        self.state = SyncState(at=self.app.clock())
        self.rounds, self.running = 0, False
        self._conflicts_version, self._took_in = -1, True
        self._shown_key = self._shown_at = None
        _, self.state.trouble, self.state.detail = self._publish(session)
        self._seen_unpublished = session.unpublished
        self._last_round = time.monotonic()
        if self._timer is None:
            self._timer = self.app.set_interval(POLL_SECONDS, self.poll, name="sync")
        if not self._subscribed:
            self.app.screen_change_signal.subscribe(self.app, self._screen_changed, immediate=True)
            self._subscribed = True
        self._screen_changed(self.app.screen)

    def poll(self) -> None:
        """Each second: a round when a save is waiting since the last look, or when one is due."""
        session = self._session()
        if session is None or self.running:
            return
        saved = session.unpublished > self._seen_unpublished
        self._seen_unpublished = session.unpublished
        if saved:
            self.app.note_record_changes()  # a save here the screens have not heard of yet
            self.show()  # the count of saves waiting moves at once, even before the round
        if saved or time.monotonic() - self._last_round >= self.seconds:
            self.run_round()

    def run_round(self) -> bool:
        """Start a round now (False when one is already running or no vault is open)."""
        session = self._session()
        if session is None or self.running:
            return False
        self.running = True
        self._last_round = time.monotonic()
        self.app.run_worker(
            partial(self._collect, session),
            name="sync",
            group="sync",
            thread=True,
            exclusive=False,  # a round in flight is never cancelled; `running` keeps the next away
            exit_on_error=False,
        )
        return True

    # -- a round -----------------------------------------------------------------------------
    def _collect(self, session: VaultSession) -> None:
        """In the worker thread: read the share (nothing changed), then finish on the app's thread."""
        from chandong_tui.vault.errors import VaultError
        from chandong_tui.vault.sync import ShareRefused, read_share

        collected: Collected | None = None
        trouble = detail = ""
        try:
            collected = read_share(session)
        except (ShareRefused, VaultError) as exc:
            collected, trouble, detail = None, REFUSED, str(exc)
        except OSError as exc:
            collected, trouble, detail = None, OFFLINE, str(exc)
        except Exception as exc:
            collected, trouble, detail = None, OFFLINE, f"{exc.__class__.__name__}: {exc}"
        try:
            self.app.call_from_thread(self._finish, session, collected, trouble, detail)
        except RuntimeError:  # the app has stopped: nobody is left to show the round
            self.running = False

    def _finish(self, session: VaultSession, collected: Collected | None, trouble: str, detail: str) -> None:
        """On the app's thread: merge, publish, say so, and refresh the screen if records changed."""
        from chandong_tui.vault.sync import apply_collected

        self.running = False
        if session is not self.app.session or session.closed:
            return
        changed = published = 0
        if collected is not None:
            changed = apply_collected(session, collected).changed
        if not trouble:
            published, trouble, detail = self._publish(session)
        state = self.state
        state.trouble, state.detail = trouble, detail
        if not trouble:
            state.at = self.app.clock()
        if changed or published:
            state.activity += 1
        self.rounds += 1
        self._seen_unpublished = session.unpublished
        if changed:
            self._took_in = True
            self.app.note_record_changes()
        self.show()

    def _publish(self, session: VaultSession) -> tuple[int, str, str]:
        """Publish what waits: (how many, trouble, detail)."""
        from chandong_tui.vault.errors import AuthError, VaultError
        from chandong_tui.vault.sync import CloneDetected, ShareRefused

        try:
            published = session.publish()
        except CloneDetected as exc:
            return 0, CLONE, str(exc)
        except AuthError as exc:
            return 0, REMOVED, str(exc)
        except (ShareRefused, VaultError) as exc:  # a refused folder, a keyring that does not verify
            return 0, REFUSED, str(exc)
        except OSError as exc:
            return 0, OFFLINE, str(exc)
        if session.publishing_stopped:
            return published, CLONE, session.publishing_stopped
        return published, "", ""

    def _main_screen(self) -> Screen[object] | None:
        """The top screen that is not a modal (None before the unlock and under the idle lock)."""
        screen = next((s for s in reversed(self.app.screen_stack) if not s.is_modal), None)
        if screen is None or not _has_line(screen):
            return None
        return screen

    # -- the status line ---------------------------------------------------------------------
    def _count_conflicts(self) -> None:
        """Conflicts the user may review, counted again when the records changed (13 ms at dong
        size): after other PCs' changes came in, or while there are some (a save here may resolve
        one). A save here never makes one (it supersedes every value it saw), so with none left the
        saves of a working day cost nothing here."""
        repo = self.app.repo
        if repo is None:
            return
        version = repo.version
        if version != self._conflicts_version and (self._took_in or self.state.conflicts):
            from chandong_tui.casework.conflicts import conflicts

            self.state.conflicts = len(conflicts(repo))
            self._conflicts_version = version
            self._took_in = False

    def line(self) -> tuple[str, bool]:
        """The status line's text, and whether it reports trouble."""
        session = self._session()
        state = self.state
        if session is not None:
            state.waiting = saves_waiting(session)
            state.problems = len(session.problems)
            if session.publishing_stopped and state.trouble in ("", OFFLINE):
                state.trouble = CLONE
        self._count_conflicts()
        key = (state.trouble, state.waiting, state.conflicts, state.problems, state.activity)
        at = state.at
        if self.app.low_bandwidth and key == self._shown_key and self._shown_at is not None:
            at = self._shown_at  # nothing new: the same line, not a repaint for the minute
        self._shown_key, self._shown_at = key, at
        from chandong_tui.casework.clock import KST  # the casework layer loads after the unlock screen

        lang = self.app.lang
        clock = f"{at.astimezone(KST):%H:%M}" if at is not None else "--:--"
        parts = []
        if state.trouble:
            parts.append(t(_TROUBLE_TEXT[state.trouble], lang))
            parts.append(t("sync_last", lang, at=clock))
        else:
            parts.append(t("sync_at", lang, at=clock))
        if state.waiting:
            key_name = "sync_kept" if state.trouble else "sync_waiting"
            parts.append(t(key_name, lang, n=state.waiting))
        if state.conflicts:
            parts.append(t("sync_conflicts", lang, n=state.conflicts))
        if state.problems:
            parts.append(t("sync_problems", lang, n=state.problems))
        return " · ".join(parts), bool(state.trouble)

    def show(self) -> None:
        """Bring the status line of the screen in front up to date (repainted only if it changed)."""
        screen = self._main_screen()
        if screen is None or self.app.repo is None:
            return
        found = screen.query(SyncLine)
        if found:
            found.first().show(*self.line())

    def _screen_changed(self, screen: Screen[object]) -> None:
        """A screen came to the front: give it the status line if it is a main screen."""
        if self.app.repo is None or not _has_line(screen):
            return
        if screen not in self._lined:
            # Mounted as the screen comes in, before its first layout: mounted after it, the line
            # lays the screen out again and every line of it is sent to the terminal a second time.
            self._lined.add(screen)
            screen.mount(SyncLine())
            self.app.call_after_refresh(self.show)
            return
        self.show()


def request_round(app: object) -> bool:
    """Start a sync round now from a screen or the palette (False when one is running)."""
    sync = getattr(app, "sync", None)
    return sync.run_round() if isinstance(sync, BackgroundSync) else False


def sync_now(app: ChandongApp) -> None:
    """The palette's "sync: now": a round, and a line saying it started."""
    if request_round(app):
        app.notify(t("sync_started", app.lang), timeout=2)
    else:
        app.notify(t("sync_busy", app.lang), timeout=2)
