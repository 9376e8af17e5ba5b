"""`MonthChart`: visits and new crisis flags of the last months as two series of horizontal bars.

One line per month, oldest first: the month, the visits bar and count, then the flags bar and
count. Bars are plain Unicode blocks (eighths: `▏▎▍▌▋▊▉█`), each series scaled to its own largest
value, so the chart needs no extra dependency, reads in 16 colours (and without any: the two series
sit in their own columns under their own headings) and fits beside the figures at 80×24.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget

from chandong_tui.i18n import Lang, t
from chandong_tui.reports.month import Month
from chandong_tui.tui.text import cell, join, text

_EIGHTHS = " ▏▎▍▌▋▊▉"
_VISITS_STYLE = "cyan"
_FLAGS_STYLE = "red"
_MUTED = "dim"


@dataclass(frozen=True)
class ChartPoint:
    """The two numbers of one month."""

    month: Month
    visits: int
    flags: int


def bar(value: int, largest: int, width: int) -> str:
    """`value` as a bar of at most `width` cells (eighth blocks); a non-zero value shows at least `▏`."""
    if value <= 0 or largest <= 0 or width <= 0:
        return ""
    eighths = max(1, round(value * width * 8 / largest))
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


class MonthChart(Widget):
    """Two bar series (visits, new crisis flags) over consecutive months."""

    DEFAULT_CSS = """
    MonthChart {
        height: auto;
        min-height: 3;
    }
    """

    def __init__(self, lang: Lang | str = Lang.KO, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lang = lang
        self.points: tuple[ChartPoint, ...] = ()
        """The months shown, oldest first."""

    @property
    def months(self) -> list[Month]:
        return [point.month for point in self.points]

    @property
    def visits(self) -> list[int]:
        return [point.visits for point in self.points]

    @property
    def flags(self) -> list[int]:
        return [point.flags for point in self.points]

    def show(self, points: tuple[ChartPoint, ...] | list[ChartPoint]) -> None:
        """Draw these months (oldest first)."""
        self.points = tuple(points)
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return 2 + max(len(self.points), 1)

    def render(self) -> Text:
        lang = self.lang
        title = text(t("chart_title", lang, n=len(self.points) or 12), "bold")
        if not self.points:
            return Text("\n", end="").join([title, text(t("report_loading", lang), _MUTED)])
        width = max(self.size.width, 30)
        top_visits, top_flags = max(self.visits), max(self.flags)
        visits_digits = max(len(str(top_visits)), 1)
        flags_digits = max(len(str(top_flags)), 1)
        label_width = 7  # YYYY-MM
        room = width - label_width - 1 - (visits_digits + 1) - 3 - (flags_digits + 1)
        visits_width = max(room * 3 // 5, 1)
        flags_width = max(room - visits_width, 1)
        header = join(
            [
                cell("", label_width),
                cell(t("chart_visits", lang), visits_width + 1 + visits_digits, _VISITS_STYLE),
                cell("│", 1, _MUTED),
                cell(t("chart_flags", lang), flags_width + 1 + flags_digits, _FLAGS_STYLE),
            ]
        )
        lines = [title, header]
        last = len(self.points) - 1
        for index, point in enumerate(self.points):
            lines.append(
                join(
                    [
                        cell(str(point.month), label_width, "bold" if index == last else _MUTED),
                        cell(bar(point.visits, top_visits, visits_width), visits_width, _VISITS_STYLE),
                        cell(str(point.visits), visits_digits, align="right"),
                        cell("│", 1, _MUTED),
                        cell(bar(point.flags, top_flags, flags_width), flags_width, _FLAGS_STYLE),
                        cell(str(point.flags), flags_digits, align="right"),
                    ]
                )
            )
        return Text("\n", end="").join(lines)
