"""CSV that Excel users on a Korean Windows PC can trust, and scripts can parse.

- UTF-8 with a BOM by default (`utf-8-sig`: without it Excel reads the file as CP949 and the Korean
  turns to mojibake); plain `utf-8` on request.
- CRLF line ends, RFC 4180 quoting, a stable column order given by the caller.
- Dates and times in ISO 8601 (`2026-10-31`, `2026-10-31T23:30:00+09:00`).
- Numbers stay numbers (a negative amount is still `-5000`); only *text* cells that start with `=`,
  `+`, `-`, `@`, a tab or a carriage return get a leading `'`, so no spreadsheet runs them as a
  formula (OWASP "CSV injection").
- Two headers: Korean labels for people (`ko`) or stable English keys for scripts (`keys`). In `ko`
  mode, enumeration values are shown with their Korean labels too; in `keys` mode, as stable values.
- Deterministic: the same rows give byte-identical output (no timestamps, no set or dict order).
- Handed out by one writer, `write_output`: standard output (control characters made visible when it
  is a terminal, `for_terminal`) or a path (`vault.atomic.write_output_file`: files atomic and 0600,
  FIFOs and devices written in place, symlinks followed).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Literal

from chandong_tui.model.enums import LabelledEnum
from chandong_tui.model.terminal_text import safe_line
from chandong_tui.reports.month import KST
from chandong_tui.vault.atomic import write_output_file

Header = Literal["ko", "keys"]
ENCODINGS = ("utf-8-sig", "utf-8")
HEADERS = ("ko", "keys")
_RISKY = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class Column:
    """A CSV column: a stable English key and a Korean label."""

    key: str
    ko: str

    def title(self, header: Header) -> str:
        return self.ko if header == "ko" else self.key


def neutralise(text: str) -> str:
    """Text that no spreadsheet will read as a formula."""
    return "'" + text if text.startswith(_RISKY) else text


def cell(value: Any, header: Header = "ko") -> str | int | float:
    """One value as a CSV cell: numbers as numbers, everything else as safe text."""
    plain = _plain(value, header)
    return neutralise(plain) if isinstance(plain, str) else plain


def _plain(value: Any, header: Header) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, int | float) and not isinstance(value, Enum):
        return value
    if isinstance(value, LabelledEnum):
        return value.label("ko") if header == "ko" else value.value
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, dt.datetime):
        return (value.astimezone(KST) if value.tzinfo else value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(_plain(item, header)) for item in value)
    return str(value)


def render_csv(
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    header: Header = "ko",
    encoding: str = "utf-8-sig",
) -> bytes:
    """The CSV file's bytes."""
    if header not in HEADERS:
        raise ValueError(f"unknown header {header!r}: use ko or keys")
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}: use utf-8-sig or utf-8")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise(c.title(header)) for c in columns])
    width = len(columns)
    for row in rows:
        if len(row) != width:
            raise ValueError(f"a row has {len(row)} cells for {width} columns")
        writer.writerow([cell(value, header) for value in row])
    return buffer.getvalue().encode(encoding)


def for_terminal(data: bytes) -> bytes:
    """CSV bytes as they may be shown on a terminal: every cell's control characters made visible.

    CSV that reaches a terminal (standard output is a TTY, or `--out` names one) is shown, not
    refused: a person who types `chandong queue --format csv` at a prompt wants to look at it, and a
    hint to use `--out` would only send them to `cat`, which shows the same bytes raw. The rule is the
    app's one (`model.terminal_text.safe_line`: `ESC` → `␛`), applied per cell, so the columns and the
    CRLF row ends stay CSV; the BOM stays. CSV to a pipe or a file is never changed (byte-exact).
    """
    bom = data.startswith(codecs.BOM_UTF8)
    text = data[len(codecs.BOM_UTF8) :].decode("utf-8") if bom else data.decode("utf-8")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([safe_line(value) for value in row])
    return (codecs.BOM_UTF8 if bom else b"") + buffer.getvalue().encode("utf-8")


def write_output(data: bytes, out: str | Path) -> str:
    """The one writer of every CSV a command hands out; returns where it went, for a summary line.

    `-`: standard output, byte-exact to a pipe or a file, through `for_terminal` to a terminal. A
    path: `vault.atomic.write_output_file` (a regular file atomically with mode 0600, a FIFO or a
    device written directly, a symlink followed, never replaced). Errors are `OSError`s.
    """
    if str(out) == "-":
        if sys.stdout.isatty():
            data = for_terminal(data)
        stream = getattr(sys.stdout, "buffer", None)
        if stream is None:  # a text-only stdout (some test runners): the same text, BOM included
            sys.stdout.write(data.decode("utf-8"))
        else:
            stream.write(data)
        sys.stdout.flush()
        return "standard output"
    write_output_file(Path(out), data, for_terminal=for_terminal)
    return str(out)
