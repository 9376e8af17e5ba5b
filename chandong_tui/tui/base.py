"""What every screen and modal of chandong stands on: the app's context, its keys, its one refresh path.

- `AppContext` (repository, language, clock, navigator) is held by the app once the vault is unlocked;
  a screen reaches it as `self.ctx`, typed, instead of taking a repository, a language and a clock
  in its constructor. Screens take record ids and read what they need in `reload()`.
- `ChandongScreen` / `ChandongModal` localise the screen's bindings, add the quit key (last) and,
  where the screen has one (`BACK_KEYS`), the back key (first) with `action_back` (dismiss); the keys'
  ids are `<BINDING_GROUP>.quit` and `<BINDING_GROUP>.back`, so keymaps keep working. Each
  single-letter key also answers to the jamo it types in 한글 mode (`ㅍ` for `v`; `tui/jamo_keys.py`),
  listed nowhere: the footer, the help and the palette show the letter.
- `RecordsChanged` is posted to each screen when the records changed (a save here, or other PCs'
  changes merged by a sync round). The screen in front reads its records again at once (`reload()`);
  a screen hidden under others only notes it and reads them again when it comes back to the front.

A new screen is its own module (a `ChandongScreen` with `BINDINGS` carrying ids and tooltips, and a
`reload()` reading its records from `self.repo`), its texts in `i18n.py`, and a `Navigator` method
when other screens open it. Its keys reach the footer, the help (f1) and the palette by themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from textual.binding import Binding, BindingsMap
from textual.message import Message
from textual.screen import Screen

from chandong_tui.i18n import Lang
from chandong_tui.tui.bindings import localise_bindings
from chandong_tui.tui.screens.steady import SteadyModalScreen, SteadyScreen

if TYPE_CHECKING:
    from chandong_tui.casework.repository import CaseRepository
    from chandong_tui.tui.app import ChandongApp
    from chandong_tui.tui.navigator import Navigator

ResultType = TypeVar("ResultType")


@dataclass(frozen=True)
class AppContext:
    """What the screens of an unlocked vault share, built by the app at the unlock."""

    repo: CaseRepository
    lang: Lang
    clock: Callable[[], dt.datetime]
    """Where "now" comes from (fixed in tests and snapshots)."""
    nav: Navigator


class RecordsChanged(Message, bubble=False):
    """The records changed since `version` was last seen (`CaseRepository.version`)."""

    def __init__(self, version: int) -> None:
        super().__init__()
        self.version = version


if TYPE_CHECKING:
    _Screen = Screen[Any]
else:
    _Screen = object


class ScreenBase(_Screen):
    """What `ChandongScreen` and `ChandongModal` share (see the module docstring).

    A mixin rather than a `Screen`: Textual takes a screen's default styles (and the type names its
    CSS matches) along the first `DOMNode` base only, so a modal must reach `ModalScreen` that way."""

    BINDING_GROUP: ClassVar[str] = ""
    """The first part of the ids of the keys this base adds (`households` → `households.quit`)."""
    BACK_KEYS: ClassVar[str] = ""
    """Keys that go back (dismiss the screen), e.g. `escape,backspace`; none when empty."""
    QUIT_IN_FOOTER: ClassVar[bool] = True
    """Whether the quit key (ctrl+q) is offered in this screen's footer (it works either way)."""
    ADDS_QUIT: ClassVar[bool] = True
    """Whether this base adds a quit key (modals have their own keys and the app's priority one)."""
    SYNC_LINE: ClassVar[bool] = True
    """Whether the sync status line is shown at the bottom (`tui/sync_status.py`)."""

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)  # the screen class after this mixin
        self._add_common_keys()
        localise_bindings(self, self.lang)
        self._stale = False
        self._read_version = -1

    def _add_common_keys(self) -> None:
        """Back first, the screen's own keys, quit last (the footer shows them in that order)."""
        table = self._bindings.key_to_bindings
        group = self.BINDING_GROUP or type(self).__name__.lower()
        first: list[Binding] = []
        last: list[Binding] = []
        if self.BACK_KEYS:
            first.append(Binding(self.BACK_KEYS, "back", "key_back", id=f"{group}.back", tooltip="tip_back"))
        if self.ADDS_QUIT:
            last.append(
                Binding(
                    "ctrl+q",
                    "app.quit",
                    "key_quit",
                    id=f"{group}.quit",
                    show=self.QUIT_IN_FOOTER,
                    tooltip="tip_quit",
                )
            )
        head = {key: found for key, found in BindingsMap(first).key_to_bindings.items() if key not in table}
        tail = {key: found for key, found in BindingsMap(last).key_to_bindings.items() if key not in table}
        self._bindings.key_to_bindings = {**head, **table, **tail}

    # -- the context -------------------------------------------------------------------------
    @property
    def chandong(self) -> ChandongApp:
        """The app, typed."""
        return cast("ChandongApp", self.app)

    @property
    def ctx(self) -> AppContext:
        """The unlocked vault's context (only screens shown after the unlock may ask for it)."""
        context = self.chandong.context
        if context is None:
            raise RuntimeError("no vault is open")
        return context

    @property
    def lang(self) -> Lang:
        """The interface language (the app's)."""
        return self.chandong.lang

    @property
    def repo(self) -> CaseRepository:
        """The records of the unlocked vault (`ctx.repo`)."""
        return self.ctx.repo

    def now(self) -> dt.datetime:
        """Now, from the app's clock (`ctx.clock`)."""
        return self.ctx.clock()

    # -- keys --------------------------------------------------------------------------------
    def action_back(self) -> None:
        """Back to the screen below."""
        self.dismiss()

    # -- records -----------------------------------------------------------------------------
    def reload(self) -> None:
        """Read this screen's records again and redraw them (screens showing records override it)."""

    def refresh_records(self) -> None:
        """Read the records again now (`reload`), noting which version of them was read."""
        context = self.chandong.context
        if context is None or context.repo.session.closed:
            return
        self._read_version, self._stale = context.repo.version, False
        self.reload()

    def on_mount(self) -> None:
        """The screen's first `reload` (its own `on_mount`, which runs first) read this version."""
        context = self.chandong.context
        if context is not None:
            self._read_version = context.repo.version

    def on_records_changed(self, message: RecordsChanged) -> None:
        if message.version == self._read_version:
            return
        if self.is_in_front:
            self.refresh_records()
        else:
            self._stale = True

    def on_screen_resume(self) -> None:
        if self._stale:
            self.refresh_records()
        else:
            self.resumed_unchanged()

    def resumed_unchanged(self) -> None:
        """Back in front with the records as this screen last read them (nothing by default)."""

    @property
    def is_in_front(self) -> bool:
        """Whether this is the top screen, or the one right under the modals on top (still seen)."""
        stack = self.app.screen_stack
        return next((screen for screen in reversed(stack) if not screen.is_modal), None) is self


class ChandongScreen(ScreenBase, SteadyScreen[ResultType]):
    """A screen of chandong."""


class ChandongModal(ScreenBase, SteadyModalScreen[ResultType]):
    """A modal of chandong (a form, a picker, a question): dismissed with its result."""

    ADDS_QUIT = False
