"""Safe text: anything that came from a record is shown literally, never interpreted.

User text never goes through Rich or Textual markup: screens build `rich.text.Text` objects from
`safe_text()`, which also makes control characters visible (an address holding `ESC [2J` must not
clear the terminal, a newline must not break a list row, a bidi override must not reorder it).
Widths are in terminal cells (`rich.cells.cell_len`), so Korean (two cells a syllable) lines up.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

_BIDI_AND_SEPARATORS = (
    list(range(0x200B, 0x2010))  # zero-width space/joiners, LRM, RLM
    + list(range(0x2028, 0x202F))  # line/paragraph separators, bidi embeddings and overrides
    + list(range(0x2066, 0x206A))  # bidi isolates
    + [0xFEFF]  # byte order mark / zero-width no-break space
)


def _visible(code: int) -> str:
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟ (Unicode control pictures): ESC → ␛, newline → ␊
    if code == 0x7F:
        return "␡"
    if code <= 0xFF:
        return f"\\x{code:02x}"  # C1 controls, e.g. CSI 0x9b
    return f"\\u{code:04x}"


_TRANSLATION = {code: _visible(code) for code in [*range(0x20), *range(0x7F, 0xA0), *_BIDI_AND_SEPARATORS]}


def safe_text(value: object) -> str:
    """`value` as a string with every control character replaced by a visible stand-in."""
    if value is None:
        return ""
    return str(value).translate(_TRANSLATION)


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
