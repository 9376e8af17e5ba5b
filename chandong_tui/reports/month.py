"""A calendar month in Seoul time, the unit of every report.

Seoul time is `casework.clock.KST`, a fixed UTC+9 offset (see there why).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from chandong_tui.casework.clock import KST

_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)


class BadMonth(ValueError):
    """A month that is not `YYYY-MM`; the message is one line for people."""


@dataclass(frozen=True, order=True)
class Month:
    """One calendar month, e.g. `Month.parse("2026-10")`."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        match = _MONTH.match(str(text).strip())
        if not match or not 1 <= int(match.group(2)) <= 12 or not 1900 <= int(match.group(1)) <= 2999:
            raise BadMonth(f"invalid month {text!r}: use YYYY-MM, e.g. 2026-10")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def last_day(self) -> dt.date:
        return self.next.first_day - dt.timedelta(days=1)

    @property
    def start(self) -> dt.datetime:
        """The first instant of the month in Seoul."""
        return dt.datetime.combine(self.first_day, dt.time(), tzinfo=KST)

    @property
    def end(self) -> dt.datetime:
        """The first instant of the next month in Seoul (exclusive end: "month end")."""
        return self.next.start

    def has_day(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    def has_instant(self, at: dt.datetime) -> bool:
        """Whether an aware instant falls in the month in Seoul time."""
        return self.start <= at < self.end


def parse_instant(value: object) -> dt.datetime | None:
    """A stored ISO datetime (any offset) as an aware datetime in Seoul time; None when absent or bad."""
    if isinstance(value, dt.datetime):
        at = value
    elif isinstance(value, str) and value:
        try:
            at = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    if at.tzinfo is None:  # never stored so (AwareDatetime); read as Seoul time rather than guess UTC
        at = at.replace(tzinfo=KST)
    return at.astimezone(KST)


def parse_day(value: object) -> dt.date | None:
    """A stored ISO date; None when absent or bad."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None
