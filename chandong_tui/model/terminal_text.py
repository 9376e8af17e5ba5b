"""Text for a terminal: every control character made visible, never run. One rule for the whole app.

Anything that came from a record, a share's file name or a user's typing may hold an escape sequence
(`ESC [2J` clears the screen, `ESC ]52;…BEL` writes the clipboard), a newline that breaks a line or a
bidi override that reorders it. `safe_line` replaces each with a visible stand-in:

- C0 controls as Unicode control pictures (`ESC` → `␛`, newline → `␊`, tab → `␉`), DEL as `␡`;
- C1 controls as `\\x9b`;
- zero-width characters, line/paragraph separators, bidi embeddings, overrides and isolates, and the
  byte order mark as `\\u202e`.

Plain text, no I/O and no Textual or Rich: the terminal UI (`tui/text.py`), the commands (`cli*.py`)
and the CSV writer (`reports/csv_out.py`) all use it.
"""

from __future__ import annotations

import unicodedata

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


TRANSLATION = {code: _visible(code) for code in [*range(0x20), *range(0x7F, 0xA0), *_BIDI_AND_SEPARATORS]}
"""Code point → visible stand-in, for `str.translate`."""


def safe_line(value: object) -> str:
    """`value` as one line of text with every control character replaced by a visible stand-in."""
    if value is None:
        return ""
    return str(value).translate(TRANSLATION)


def cells(text: str) -> int:
    """Terminal cells: Korean letters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
