"""Safe text: anything that came from a record is shown literally, never interpreted.

User text never goes through Rich or Textual markup: screens build `rich.text.Text` objects from
`safe_text()`, which also makes control characters visible (an address holding `ESC [2J` must not
clear the terminal, a newline must not break a list row, a bidi override must not reorder it): the
rule is `model/terminal_text.py`'s, shared with the commands.
Widths are in terminal cells (`rich.cells.cell_len`), so Korean (two cells a syllable) lines up.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from chandong_tui.model.terminal_text import safe_line


def safe_text(value: object) -> str:
    """`value` as a string with every control character replaced by a visible stand-in (the app's one
    rule, `model.terminal_text.safe_line`)."""
    return safe_line(value)


def text(value: object, style: str | Style = "") -> Text:
    """A `Text` of `value` made safe; markup in it (`[bold]`) stays literal."""
    return Text(safe_text(value), style=style, no_wrap=False, end="")


def cell(value: object, width: int, style: str | Style = "", *, align: str = "left") -> Text:
    """`value` made safe and fitted to exactly `width` terminal cells (cropped with `…` or padded)."""
    content = text(value, style)
    content.no_wrap = True
    if width <= 0:
        return Text("", end="")
    content.truncate(width, overflow="ellipsis")
    gap = width - content.cell_len
    if align == "right":
        content.pad_left(gap)
    else:
        content.pad_right(gap)
    return content


def join(parts: list[Text], separator: str = " ") -> Text:
    """Cells joined into one line."""
    return Text(separator, end="").join(parts)
