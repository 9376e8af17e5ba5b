"""The supervisor's monthly report: pick a month, read its figures, look at the last 12 months.

Figures come from the reports layer (`reports.figures.compute`), computed in a thread worker of the
group "report" where the newest request wins, so moving from month to month never blocks typing;
the worker posts `ReportScreen.Loaded` and the screen drops a result for a month no longer shown.
Export writes `MonthlyReport.to_csv()` (UTF-8 with BOM) to a file chosen in `ExportModal`.
Only supervisors get here; the screen itself refuses anyone else.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input, Static
from textual.worker import get_current_worker

from chandong_tui.i18n import Lang, t
from chandong_tui.reports.figures import FIGURES, Figure, compute
from chandong_tui.reports.month import BadMonth, Month
from chandong_tui.reports.monthly import monthly_report
from chandong_tui.tui.base import ChandongScreen
from chandong_tui.tui.modals.export_modal import ExportModal, ExportRequest, expand
from chandong_tui.tui.signed_in import SUPERVISOR
from chandong_tui.tui.text import text
from chandong_tui.tui.widgets.footer import SteadyFooter
from chandong_tui.tui.widgets.month_chart import ChartPoint, MonthChart
from chandong_tui.vault.atomic import write_output_file

CHART_MONTHS = 12


def previous_month(today: dt.date) -> Month:
    """The calendar month before the one holding `today`."""
    first = today.replace(day=1) - dt.timedelta(days=1)
    return Month(first.year, first.month)


def month_before(month: Month, n: int = 1) -> Month:
    index = month.year * 12 + month.month - 1 - n
    return Month(index // 12, index % 12 + 1)


def figure_label(figure: Figure, lang: Lang | str) -> str:
    """The figure's name as its definition gives it: the report's Korean column header, or English."""
    return figure.label(lang)


def format_value(figure: Figure, value: int | float | None, lang: Lang | str) -> str:
    """A figure's value for people: ratios as percentages, won with thousands separators, None as –."""
    if value is None:
        return t("report_none", lang)
    if figure.kind == "ratio":
        return f"{value * 100:.1f}%"
    if figure.kind == "median":
        return t("report_hours", lang, n=f"{value:.1f}")
    if figure.kind == "won":
        return t("report_won", lang, n=f"{value:,}")
    return f"{value:,}"


VALUE_WIDTH = 14
"""Cells of the value column: enough for 1,234,567,890원 or 100.0%."""


class ReportScreen(ChandongScreen[None]):
    """A month's figures and a chart of the 12 months ending with it (supervisors only)."""

    BINDING_GROUP = "report"
    BACK_KEYS = "escape"
    QUIT_IN_FOOTER = False
    BINDINGS = [
        # Priority so the table's own left/right do not take them; skipped while typing a month.
        Binding(
            "left_square_bracket,left",
            "move(-1)",
            "key_month_prev",
            id="report.prev",
            show=True,
            priority=True,
            tooltip="tip_month_prev",
        ),
        Binding(
            "right_square_bracket,right",
            "move(1)",
            "key_month_next",
            id="report.next",
            show=True,
            priority=True,
            tooltip="tip_month_next",
        ),
        Binding(
            "m", "type_month", "key_month_type", id="report.type_month", show=True, tooltip="tip_month_type"
        ),
        Binding("e", "export", "key_export", id="report.export", show=True, tooltip="tip_export"),
    ]

    @dataclass
    class Loaded(Message):
        """The figures of `month` and the chart points ending with it, computed by the worker."""

        month: Month
        values: dict[str, int | float | None]
        points: tuple[ChartPoint, ...]

    def __init__(self, today: dt.date | None = None) -> None:
        super().__init__()
        self.month = previous_month(today or dt.date.today())
        """The month shown."""
        self.values: dict[str, int | float | None] = {}
        """The figures of `month` once computed (empty while computing)."""
        self.allowed = self.repo.role == SUPERVISOR
        self._repo_lock = threading.Lock()

    def compose(self) -> ComposeResult:
        yield Static("", id="report-title")
        with Horizontal(id="report-month-bar"):
            yield Static(t("report_month_label", self.lang), id="report-month-label")
            yield Input(str(self.month), placeholder="YYYY-MM", max_length=7, id="report-month")
            yield Static("", id="report-message")
        with Horizontal(id="report-body"):
            yield DataTable(cursor_type="row", zebra_stripes=False, id="report-figures")
            yield MonthChart(self.lang, id="report-chart")
        yield SteadyFooter()

    def on_mount(self) -> None:
        if not self.allowed:
            self.app.notify(t("report_supervisor_only", self.lang), severity="warning")
            self.dismiss()
            return
        table = self.table
        table.add_column(t("report_col_figure", self.lang), key="figure")
        # A fixed width: values arrive later, and an auto width would stay that of the empty cells.
        table.add_column(t("report_col_value", self.lang), key="value", width=VALUE_WIDTH)
        for figure in FIGURES:
            table.add_row(text(figure_label(figure, self.lang)), "", key=figure.key)
        table.focus()
        self._show_month()

    @property
    def table(self) -> DataTable:
        return self.query_one("#report-figures", DataTable)

    @property
    def chart(self) -> MonthChart:
        return self.query_one("#report-chart", MonthChart)

    # -- month -----------------------------------------------------------------------------
    def set_month(self, month: Month) -> None:
        self.month = month
        self._show_month()

    def _show_month(self) -> None:
        dong = self.repo.dong()
        title = t("report_title", self.lang, month=str(self.month), dong=dong.name if dong else "")
        self.query_one("#report-title", Static).update(text(title))
        month_input = self.query_one("#report-month", Input)
        if month_input.value != str(self.month):
            month_input.value = str(self.month)
        self._say("")
        self.values = {}
        for figure in FIGURES:
            self.table.update_cell(figure.key, "value", "…")
        self.load(self.month)

    def _say(self, message: str, error: bool = False) -> None:
        label = self.query_one("#report-message", Static)
        label.update(text(message))
        label.set_class(error, "-error")

    def action_move(self, step: int) -> None:
        if isinstance(self.focused, Input):
            raise SkipAction()  # the arrows and brackets belong to the box being typed in
        self.set_month(self.month.next if step > 0 else month_before(self.month))

    def action_type_month(self) -> None:
        self.query_one("#report-month", Input).focus()

    @on(Input.Submitted, "#report-month")
    def choose_typed_month(self, event: Input.Submitted) -> None:
        try:
            month = Month.parse(event.value)
        except BadMonth:
            self._say(t("report_month_bad", self.lang), error=True)
            return
        self.set_month(month)
        self.table.focus()

    # -- figures ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="report")
    def load(self, month: Month) -> None:
        """Compute the month's figures and the chart's months (newest request wins)."""
        worker = get_current_worker()
        points: list[ChartPoint] = []
        values: dict[str, int | float | None] = {}
        for back in range(CHART_MONTHS - 1, -1, -1):
            if worker.is_cancelled:
                return
            shown = month_before(month, back)
            with self._repo_lock:
                tally = compute(self.repo, shown).dong
            points.append(ChartPoint(shown, tally.counts["visits"], tally.counts["crisis_flags_raised"]))
            if back == 0:
                values = tally.values()
        if not worker.is_cancelled:
            self.post_message(self.Loaded(month, values, tuple(points)))

    @on(Loaded)
    def show_figures(self, event: Loaded) -> None:
        if event.month != self.month:
            return  # a month the user already moved away from
        self.values = dict(event.values)
        for figure in FIGURES:
            self.table.update_cell(
                figure.key, "value", format_value(figure, event.values.get(figure.key), self.lang)
            )
        self.chart.show(event.points)

    # -- export ----------------------------------------------------------------------------
    def action_export(self) -> None:
        if not self.allowed:
            return
        month = self.month
        self.app.push_screen(
            ExportModal(
                t("export_title", self.lang, month=str(month)),
                f"~/chandong-report-{month}.csv",
            ),
            lambda request: self.write_export(month, request),
        )

    def write_export(self, month: Month, request: ExportRequest | None) -> None:
        """Write the report of `month` where asked (nothing when the modal was dismissed)."""
        if request is None:
            return
        path = expand(request.path)
        try:
            with self._repo_lock:
                report = monthly_report([self.repo], month)
            data = report.to_csv(request.header)
            write_output_file(path, data)  # the commands' `--out` writer: 0600, atomic, FIFOs kept
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self._say(t("report_save_failed", self.lang, reason=reason), error=True)
            self.app.notify(t("report_save_failed", self.lang, reason=reason), severity="error")
            return
        self._say(t("report_saved", self.lang, path=str(path)))
        self.app.notify(t("report_saved", self.lang, path=str(path)))
