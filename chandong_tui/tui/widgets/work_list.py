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
from textual.widgets.option_list import Option, OptionDoesNotExist


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

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._households: dict[str, str] = {}

    def show(self, items: list[WorkItem]) -> None:
        """Replace the items, keeping the cursor on the same item when it is still there."""
        current = self.highlighted_option.id if self.highlighted_option is not None else None
        self.clear_options()
        self.add_options(
            [Option(item.line, id=item.key or None, disabled=item.household_id is None) for item in items]
        )
        target = None
        if current is not None:
            try:
                target = self.get_option_index(current)
            except OptionDoesNotExist:  # the item is gone (done): fall back to the first one
                target = None
        if target is None:
            target = next((i for i, item in enumerate(items) if item.household_id), None)
        self.highlighted = target
        self._households = {item.key: item.household_id for item in items if item.household_id}

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        household_id = self._households.get(event.option.id or "")
        if household_id:
            self.post_message(self.Opened(household_id))
