"""Which revision of a visit counts: one rule for the timeline, the reports and the exports.

A visit is evidence: it is never overwritten. A correction is a new visit row whose `revises` names
the row it corrects; a withdrawal (잘못 입력) is such a row with `withdrawn` set. The rows that revise
one another form a chain from the original (its *root*). The chain's *newest* revision is the deepest
row (a revision of a revision is newer than what it revises); two PCs that revised the same row at
once give two rows of the same depth, and the later `revised_at` (then the higher id) wins. The pick
depends only on the set of rows, never on the order they arrived in, so every PC that has received
the same ops counts the same visit (property-tested in `tests/test_corrections.py`).

This module works on the stored rows (id → fields), so the reports pick before validating anything
(`reports/figures.py` reads a month of 30,000 visits this way) and imports nothing but the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

Rows = Mapping[str, Mapping[str, Any]]


def _root_and_depth(row_id: str, rows: Rows) -> tuple[str, int]:
    """The original a row revises (possibly not yet received) and how many steps away it is."""
    seen = {row_id}
    current, depth = row_id, 0
    while True:
        revises = rows[current].get("revises") if current in rows else None
        if not revises:
            return current, depth
        depth += 1
        if revises in seen:  # a loop (a damaged row): stop at the smallest id, the same on every PC
            return min(seen), depth
        seen.add(revises)
        if revises not in rows:
            return str(revises), depth
        current = str(revises)


def _when(doc: Mapping[str, Any]) -> dt.datetime:
    value = doc.get("revised_at")
    try:
        parsed = dt.datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    return parsed


def chains(rows: Rows) -> dict[str, list[str]]:
    """Root id → the ids of its chain, oldest (shallowest) first and the newest revision last."""
    ranked: dict[str, list[tuple[int, dt.datetime, str]]] = {}
    for row_id, doc in rows.items():
        root, depth = _root_and_depth(row_id, rows)
        ranked.setdefault(root, []).append((depth, _when(doc), row_id))
    return {root: [row_id for *_, row_id in sorted(entries)] for root, entries in ranked.items()}


def current_rows(rows: Rows, *, withdrawn: bool = False) -> dict[str, Mapping[str, Any]]:
    """The newest revision of each visit (id → row); chains whose newest revision is a withdrawal
    are left out unless `withdrawn` (the timeline keeps them, the reports do not)."""
    current = {}
    for ids in chains(rows).values():
        newest = ids[-1]
        if withdrawn or not rows[newest].get("withdrawn"):
            current[newest] = rows[newest]
    return current
