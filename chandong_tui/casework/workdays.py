"""Working days of a dong office: Monday to Friday, except Korean public holidays.

Holidays (설날, 추석, substitute days 대체공휴일, election days…) come from the maintained `holidays`
package rather than a hand list, so a new year's lunar dates and newly declared days arrive with an
upgrade. Its public-holiday calendar is the one the dong office keeps (관공서의 공휴일에 관한 규정).

Importing `holidays` loads every country (a noticeable part of a start), so it is imported on the
first question about a date, not with this module; a screen can call `warm_up()` in a worker thread.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from chandong_tui.i18n import Lang

_ONE_DAY = dt.timedelta(days=1)
MAX_SPAN_DAYS = 3660
"""A count or search spanning more than about ten years is refused (a typo, not a deadline)."""


@lru_cache(maxsize=64)
def _holidays_of(year: int, lang: str) -> dict[dt.date, str]:
    import holidays

    calendar = holidays.country_holidays("KR", years=year, language="ko" if lang == Lang.KO else "en_US")
    return dict(calendar.items())


def warm_up(year: int | None = None) -> None:
    """Load the holiday calendar of `year` (this year by default) ahead of its first use."""
    is_working_day(dt.date(year or dt.date.today().year, 1, 1))


def holiday_name(day: dt.date, lang: Lang | str = Lang.KO) -> str | None:
    """The public holiday on `day` (e.g. "설날"), or None."""
    return _holidays_of(day.year, str(lang)).get(day)


def is_working_day(day: dt.date) -> bool:
    """Whether the dong office is open on `day`."""
    return day.weekday() < 5 and day not in _holidays_of(day.year, Lang.KO)


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself when the office is open, else the first working day after it."""
    return _walk(day, _ONE_DAY)


def previous_working_day(day: dt.date) -> dt.date:
    """`day` itself when the office is open, else the last working day before it."""
    return _walk(day, -_ONE_DAY)


def _walk(day: dt.date, step: dt.timedelta) -> dt.date:
    for _ in range(MAX_SPAN_DAYS):
        if is_working_day(day):
            return day
        day += step
    raise ValueError(f"no working day within {MAX_SPAN_DAYS} days of {day}")


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The day `n` working days after `start` (before it when `n` is negative); `start` itself does
    not count, whether or not it is a working day. `n == 0` gives `start`."""
    if abs(n) > MAX_SPAN_DAYS:
        raise ValueError(f"{n} working days is more than {MAX_SPAN_DAYS}")
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    day, left = start, abs(n)
    while left:
        day += step
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days from `start` (not counted) to `end` (counted), negative when `end` is earlier:
    `working_days_between(d, add_working_days(d, n)) == n` for every `n`."""
    if abs((end - start).days) > MAX_SPAN_DAYS:
        raise ValueError(f"{start} to {end} is more than {MAX_SPAN_DAYS} days")
    step = _ONE_DAY if end >= start else -_ONE_DAY
    count, day = 0, start
    while day != end:
        day += step
        count += is_working_day(day)
    return count if end >= start else -count
