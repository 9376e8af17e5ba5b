"""Seoul's 25 gu and 426 행정동 with their 10-digit 행정기관코드.

Source: vuski/admdongkor (from 통계청 SGIS), with 일원2동 → 개포3동 applied. The table ships with the
package (`data/seoul_dongs.tsv`); reading packaged reference data is the only I/O in `model/`.
"""

from __future__ import annotations

import difflib
from functools import cache
from importlib import resources

from chandong_tui.model.records import Dong


@cache
def seoul_dongs() -> tuple[Dong, ...]:
    """Every 행정동 of Seoul, in the table's order."""
    text = resources.files("chandong_tui.model").joinpath("data/seoul_dongs.tsv").read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines()[1:] if line.strip()]
    return tuple(Dong(id=code, gu=gu, name=dong) for code, _sido, gu, dong in rows)


class UnknownDong(LookupError):
    """No 행정동 matches; `suggestions` lists the closest names."""

    def __init__(self, query: str, suggestions: list[str]) -> None:
        super().__init__(query)
        self.query = query
        self.suggestions = suggestions


def resolve_dong(query: str) -> Dong:
    """A dong by code (`1159053000`), name (`상도1동`) or gu and name (`동작구 상도1동`)."""
    wanted = " ".join(query.split())
    dongs = seoul_dongs()
    for dong in dongs:
        if wanted in (dong.id, f"{dong.gu} {dong.name}"):
            return dong
    by_name = [dong for dong in dongs if dong.name == wanted]
    if len(by_name) == 1:
        return by_name[0]
    labels = [f"{dong.gu} {dong.name}" for dong in dongs]
    if by_name:  # the same name in several gu
        raise UnknownDong(query, [f"{d.gu} {d.name}" for d in by_name])
    close = difflib.get_close_matches(wanted, labels + [d.name for d in dongs], n=5, cutoff=0.5)
    raise UnknownDong(query, close)
