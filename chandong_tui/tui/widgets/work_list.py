"""`WorkList`: the dashboard's sections as one keyboard list (headers are not selectable).

Rows never wrap: `app.tcss` sets `text-wrap: nowrap; text-overflow: ellipsis` on `#work`.

Each item carries the household it leads to; Enter posts `Opened(household_id)`. A few hundred items
at most (what one worker has to do now), so an `OptionList` is the right size of tool here.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from chandong_tui.tui.widgets.option_lists import replace_options


@dataclass(frozen=True)
class WorkItem:
    """One line of the dashboard: its rendered `line` and the household it opens (None for headers)."""

    line: Text
    household_id: str | None = None
    key: str = ""
    """Stable identity across refreshes (e.g. `flag:<id>`), to keep the cursor on the same item."""


class WorkList(OptionList):
    """Sections of work, one line per item."""

    @dataclass
    class Opened(Message):
        """The user asked to open the household of an item."""

        household_id: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._households: dict[str, str] = {}

    def show(self, items: list[WorkItem]) -> None:
        """Replace the items, keeping the cursor on the same item when it is still there."""
        options = [
            Option(item.line, id=item.key or None, disabled=item.household_id is None) for item in items
        ]
        replace_options(self, options)  # a line gone (done): the cursor goes to the first one
        self._households = {item.key: item.household_id for item in items if item.household_id}

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        household_id = self._households.get(event.option.id or "")
        if household_id:
            self.post_message(self.Opened(household_id))
