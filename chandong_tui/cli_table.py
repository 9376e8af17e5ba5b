"""Aligned text tables for the commands' terminal output, and the day and time arguments they share.

Stored text goes through `cli.shown` (control characters made visible), widths count terminal cells
(a Korean letter takes two), and a column can be capped, its values clipped with `…`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from chandong_tui.cli import shown
from chandong_tui.model.terminal_text import cells


def clip(text: str, width: int) -> str:
    """`text` cut to `width` cells, ending in `…` when cut."""
    while cells(text) > width:
        text = text[:-2] + "…"
    return text


def render_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    caps: Mapping[str, int] | None = None,
    cap: int | None = None,
    empty: str | None = None,
) -> str:
    """Aligned columns; a column named in `caps` (else every column, when `cap` is given) is clipped
    at that width. `empty` is the line shown under the header when there are no rows."""
    table = [list(header)] + [[shown(str(v)) for v in row] for row in rows]
    widths = []
    for i, name in enumerate(header):
        width = max(cells(r[i]) for r in table)
        limit = (caps or {}).get(name, cap)
        widths.append(width if limit is None else min(width, limit))
    lines = []
    for row in table:
        parts = [clip(v, w) for v, w in zip(row, widths, strict=True)]
        lines.append("  ".join(p + " " * (w - cells(p)) for p, w in zip(parts, widths, strict=True)).rstrip())
    if not rows and empty is not None:
        lines.append(empty)
    return "\n".join(lines)


def iso_moment(text: str) -> dt.datetime:
    """An ISO time with its zone (`--at`, a fixed clock for tests)."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        from pydantic_core import PydanticCustomError

        from chandong_tui.model.fields import read_day

        try:  # the day part, read as every form reads a day: one that does not exist says so
            read_day(re.split(r"[T ]", text.strip(), maxsplit=1)[0])
        except PydanticCustomError as exc:
            if exc.type == "date_not_real":
                raise argparse.ArgumentTypeError(exc.message()) from None
        raise argparse.ArgumentTypeError(f"not an ISO time: {text!r}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give the time zone, e.g. 2026-11-03T10:00+09:00")
    return moment


def iso_day(text: str) -> dt.date:
    """A day (`YYYY-MM-DD`), read as every form reads one: a day that does not exist says so."""
    from pydantic_core import PydanticCustomError

    from chandong_tui.model.fields import read_day

    try:
        return read_day(text)
    except PydanticCustomError as exc:
        if exc.type == "date_not_real":
            raise argparse.ArgumentTypeError(exc.message()) from None
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
