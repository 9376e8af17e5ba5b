"""`PickList`: a multiple-choice list the keyboard can drive by typing.

A `SelectionList` (space toggles, arrows move) that also jumps to the first option whose label starts
with what was just typed — `실` jumps to 실직, `ㄱ` to 고독사 위험 (initial consonants work too).
"""

from __future__ import annotations

import time
from typing import Any

from textual import events
from textual.widgets import SelectionList

from chandong_tui.tui.household_filter import initials, normalise

TYPE_AHEAD_RESET_S = 1.0
"""A pause this long starts a new prefix."""


class PickList(SelectionList[Any]):
    """Options picked with space; typing moves the highlight to the matching option."""

    DEFAULT_CSS = """
    PickList { height: auto; max-height: 8; }
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._typed = ""
        self._typed_at = 0.0

    def on_key(self, event: events.Key) -> None:
        """Printable keys move the highlight (navigation, not a shortcut: nothing else is bound)."""
        if not event.is_printable or not event.character or event.character == " ":
            self._typed = ""  # space (picking) or a move ends the prefix: `독`, space, `한` picks both
            return
        now = time.monotonic()
        if now - self._typed_at > TYPE_AHEAD_RESET_S:
            self._typed = ""
        self._typed += event.character
        self._typed_at = now
        index = self.match(self._typed)
        if index is not None:
            self.highlighted = index
            event.stop()
            event.prevent_default()

    def match(self, prefix: str) -> int | None:
        """The index of the first option whose label (or its initial consonants) starts with `prefix`."""
        wanted = normalise(prefix).casefold()
        for index in range(self.option_count):
            label = normalise(str(self.get_option_at_index(index).prompt)).casefold()
            if label.startswith(wanted) or initials(label).startswith(wanted):
                return index
        return None
