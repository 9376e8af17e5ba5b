"""`PickList`: a multiple-choice list the keyboard can drive by typing.

A `SelectionList` (space toggles, arrows move) that also jumps to the first option whose label starts
with what was just typed — `실` jumps to 실직, `ㄱ` to 고독사 위험 (initial consonants work too). Each
option's mark is `[v]` or `[ ]` (`tui.widgets.toggles`), not a coloured `▐X▌`.
"""

from __future__ import annotations

import time
from typing import Any

from rich.segment import Segment
from textual import events
from textual.strip import Strip
from textual.widgets import SelectionList

from chandong_tui.tui.household_filter import initials, normalise
from chandong_tui.tui.widgets.toggles import CHECK_MARKS, mark

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

    def render_line(self, y: int) -> Strip:
        """Textual's line, its three-cell button redrawn with the marks of the option's state."""
        line = super().render_line(y)
        segments = list(line)
        index = self.scroll_offset.y + y
        if len(segments) < 3 or not 0 <= index < self.option_count:
            return line
        picked = self.get_option_at_index(index).value in self.selected
        cells = mark(CHECK_MARKS, picked)
        button = [Segment(cell, segment.style) for cell, segment in zip(cells, segments[:3], strict=True)]
        return Strip([*button, *segments[3:]], line.cell_length)
