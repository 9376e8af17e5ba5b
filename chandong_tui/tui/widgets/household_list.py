"""The household list: a virtualised table drawn with Textual's Line API.

Only the rows on screen are rendered (`render_line`), each once per (household, width, cursor) thanks
to an LRU cache kept across searches, so 3,000 or 30,000 households cost the same to show, a cursor
move repaints two lines, and a keystroke in the search box builds only the rows not seen before.
The scroll bar is the last cell of each line the list draws (an empty track when every row fits), not
a widget beside it: a new search result changes the scrollable height without laying the screen out
again, repaints only the lines whose row or bar cell changed, and the columns never shift.
Line 0 is a sticky column header; row `i` sits on virtual line `i + 1`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import groupby

from rich.cells import cell_len, set_cell_size
from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBarRender
from textual.strip import Strip

from chandong_tui.casework.repository import HouseholdSummary
from chandong_tui.i18n import Lang, t
from chandong_tui.model.enums import CrisisLevel, HouseholdTag
from chandong_tui.tui.bindings import localise_bindings
from chandong_tui.tui.household_filter import HouseholdFilter, ListFilters
from chandong_tui.tui.text import safe_text

_GAP = 1
_MIN_ADDRESS = 10

Cell = tuple[str, Style | None]
"""One column of a line: its text fitted to the column's width, and its style (None: the line's own)."""


def fit_cell(value: object, width: int) -> str:
    """The text `tui.text.cell` shows for `value` in `width` cells (made safe, cropped with `…` or
    padded), without building a `Text`: rows are drawn as the user types."""
    if width <= 0:
        return ""
    plain = safe_text(value)
    if cell_len(plain) > width:
        return set_cell_size(plain, width - 1) + "…"
    return set_cell_size(plain, width)


def line_segments(cells: list[Cell], base: Style, over: Style | None = None) -> list[Segment]:
    """The cells joined by single spaces, segmented as `rich.text.Text` renders them (a styled cell is
    a segment of its own, the rest runs together), each style drawn on `base` with `over` on top."""
    plain = base + over if over else base
    segments: list[Segment] = []
    run = ""
    for index, (text, style) in enumerate(cells):
        if index:
            run += " " * _GAP
        if style and text:
            if run:
                segments.append(Segment(run, plain))
            segments.append(Segment(text, base + style + over if over else base + style))
            run = ""
        else:
            run += text
    if run:
        segments.append(Segment(run, plain))
    return segments


@dataclass(frozen=True, slots=True)
class Columns:
    """Cell widths of each column for one widget width (0 = column hidden)."""

    tong_ban: int
    head: int
    address: int
    tags: int
    flag: int
    owner: int

    @classmethod
    def for_width(cls, width: int, flag: int = 4) -> Columns:
        """Fixed columns first; the address takes what is left and shrinks first, then tags go.

        `flag` is the widest crisis-level label in the user's language (긴급: 4 cells, Urgent: 6).
        """
        wide = width >= 100
        tags = 24 if wide else 16
        fixed = {"tong_ban": 5, "head": 14 if wide else 10, "flag": flag, "owner": 8}
        gaps = _GAP * 5
        address = width - sum(fixed.values()) - tags - gaps
        if address < _MIN_ADDRESS:
            tags = max(0, tags - (_MIN_ADDRESS - address))
            address = width - sum(fixed.values()) - tags - gaps
            if tags < 6:  # too narrow to be useful: give it to the address
                address += tags + (_GAP if tags == 0 else 0)
                tags = 0
        return cls(address=max(0, address), tags=tags, **fixed)

    @property
    def line_width(self) -> int:
        """Cells of a whole line: every shown column and the gaps between them."""
        cells = self.tong_ban + self.head + self.address + self.tags + self.flag + self.owner
        return cells + _GAP * (5 if self.tags else 4)


def bar_cells(height: int, virtual: int, position: int, style: Style, base: Style) -> tuple[Segment, ...]:
    """The scroll bar's cell on each of `height` lines: the glyphs and colours (`style`, on `base`)
    that `ScrollBarRender` draws for a window of `height` lines at `position` over `virtual` lines
    (an empty track when everything fits), without its mouse actions (the bar is part of the
    list's lines)."""
    window = height if height < virtual else 0
    bar = ScrollBarRender.render_bar(
        size=height,
        virtual_size=virtual,
        window_size=window,
        position=position,
        thickness=1,
        vertical=True,
        back_color=style.bgcolor or RichColor.parse("#555555"),
        bar_color=style.color or RichColor.parse("bright_magenta"),
    )
    made: dict[Segment, Segment] = {}  # a bar has a few different cells: one segment each
    cells = []
    for text, cell_style, _ in bar.segments:
        cell = Segment(text, base + cell_style.clear_meta_and_links() if cell_style else base)
        cells.append(made.setdefault(cell, cell))
    return tuple(cells)


class HouseholdList(ScrollView, can_focus=True):
    """Households as rows: 통-반, head, address, tags, open crisis level, owner."""

    BINDINGS = [
        # Not in the footer: at 80 columns the filter keys need the room, and Enter is what anyone tries.
        Binding("enter", "select", "key_open", id="household_list.open", show=False, tooltip="tip_open"),
        Binding("up", "cursor_up", "key_up", id="household_list.up", show=False),
        Binding("down", "cursor_down", "key_down", id="household_list.down", show=False),
        Binding("pageup", "page_up", "key_page_up", id="household_list.page_up", show=False),
        Binding("pagedown", "page_down", "key_page_down", id="household_list.page_down", show=False),
        Binding("home", "first", "key_first", id="household_list.first", show=False),
        Binding("end", "last", "key_last", id="household_list.last", show=False),
    ]

    COMPONENT_CLASSES = {
        "household-list--header",
        "household-list--cursor",
        "household-list--urgent",
        "household-list--crisis",
        "household-list--watch",
        "household-list--muted",
    }

    DEFAULT_CSS = """
    HouseholdList {
        overflow-x: hidden;
        overflow-y: hidden;
        & > .household-list--header { text-style: bold; color: $text-muted; }
        & > .household-list--cursor { background: $panel; }
        &:focus > .household-list--cursor { background: $accent 40%; text-style: bold; }
        & > .household-list--urgent { color: $error; text-style: bold; }
        & > .household-list--crisis { color: $warning; text-style: bold; }
        & > .household-list--watch { color: $success; }
        & > .household-list--muted { color: $text-muted; }
    }
    """

    cursor: reactive[int] = reactive(0, repaint=False, init=False)
    """Index of the highlighted row in `rows`."""

    @dataclass
    class Opened(Message):
        """The user asked to open a household (Enter on a row)."""

        summary: HouseholdSummary

    def __init__(self, lang: Lang | str = Lang.KO, *, id: str | None = None) -> None:
        super().__init__(id=id)
        localise_bindings(self, lang)
        self.lang = lang
        self.rows: list[HouseholdSummary] = []
        """The households shown, after the search query and the filters."""
        self.owner_names: dict[str, str] = {}
        self._filter = HouseholdFilter([])
        self._query = ""
        self.filters = ListFilters()
        """The filters applied with the query (my cases, tag, 통, open flag)."""
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._base: Style | None = None
        """The list's own colours, under every cached strip (forgotten with them)."""
        self._bar_drawn: tuple[tuple[object, ...], tuple[Segment, ...]] | None = None
        """The scroll bar's cells and what they were drawn for."""
        self._flag_width = max(cell_len(level.label(lang)) for level in CrisisLevel)

    @property
    def allow_vertical_scroll(self) -> bool:
        """The mouse wheel scrolls the list when there is more than a screenful (Textual asks for a
        scrollbar widget; this list draws its bar itself)."""
        return not self._check_disabled() and self.max_scroll_y > 0

    # -- data ------------------------------------------------------------------------------
    @property
    def total(self) -> int:
        """How many households there are before filtering."""
        return len(self._filter.summaries)

    @property
    def current(self) -> HouseholdSummary | None:
        """The household under the cursor."""
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    @property
    def search_text(self) -> str:
        """The search text applied now (not `query`: that is Textual's DOM query, which a double
        click's text selection calls)."""
        return self._query

    def load(self, summaries: list[HouseholdSummary], owner_names: dict[str, str]) -> None:
        """Show these households (the current query and filters still apply)."""
        self._filter = HouseholdFilter(summaries)
        self.owner_names = dict(owner_names)
        self._forget_drawn()  # rows are cached by household id: drawn again from the new data
        self.filter(self._query)
        self.refresh()

    def set_filters(self, filters: ListFilters) -> None:
        """Apply `filters` with the current query; the cursor goes back to the first row."""
        self.filters = filters
        self.filter(self._query)

    def filter(self, query: str) -> None:
        """Show only the households matching `query` and the filters; the cursor goes to the first row.

        Only the lines that show another row (or the cursor moved off or onto) are repainted."""
        shown = self._shown_rows()
        self._query = query
        self.rows = self._filter(query, self.filters)
        self._set_virtual_height(len(self.rows) + 1)
        self.set_reactive(HouseholdList.cursor, 0)
        self.scroll_to(y=0, animate=False, immediate=True)  # scrolling repaints everything itself
        self._refresh_changed_lines(shown)

    def _shown_rows(self) -> list[tuple[object, Segment]]:
        """What each line shows: the header, (household id, under the cursor) or None when blank,
        and the scroll bar's cell at its end."""
        top = round(self.scroll_offset.y)
        lines = max(0, self.scrollable_content_region.height - 1)
        rows: list[object] = ["header"]
        rows += [
            (self.rows[index].id, index == self.cursor) if index < len(self.rows) else None
            for index in range(top, top + lines)
        ]
        return list(zip(rows, self._bar(), strict=False))

    def _refresh_changed_lines(self, before: list[tuple[object, Segment]]) -> None:
        """Repaint each run of consecutive lines that differ from `before` (one region per run)."""
        top = round(self.scroll_offset.y)
        changed = [
            line
            for line, (was, now) in enumerate(zip(before, self._shown_rows(), strict=False))
            if was != now
        ]
        for _, run in groupby(enumerate(changed), key=lambda pair: pair[1] - pair[0]):
            lines = [line for _, line in run]
            self.refresh_lines(top + lines[0], len(lines))

    def _set_virtual_height(self, height: int) -> None:
        """Scroll over `height` lines; the screen is not laid out again (the list's size never
        depends on its rows), only the lines whose row or bar cell changed are repainted."""
        size = Size(0, height)
        if size != self.virtual_size:
            self.set_reactive(HouseholdList.virtual_size, size)

    # -- cursor ----------------------------------------------------------------------------
    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old + 1)
        self.refresh_line(new + 1)
        self._keep_visible(new)

    def _keep_visible(self, index: int) -> None:
        body = max(1, self.scrollable_content_region.height - 1)
        top = round(self.scroll_offset.y)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + body:
            self.scroll_to(y=index - body + 1, animate=False, immediate=True)

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 2)

    def select_id(self, household_id: str) -> bool:
        """Put the cursor on the household `household_id` (False when it is not among the rows)."""
        for index, summary in enumerate(self.rows):
            if summary.id == household_id:
                self.cursor = index
                return True
        return False

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_page_up(self) -> None:
        self.cursor -= self._page

    def action_page_down(self) -> None:
        self.cursor += self._page

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.rows) - 1

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self.current))

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on the row under the mouse; a double click opens it."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:  # the header line
            return
        index = round(self.scroll_offset.y) + offset.y - 1
        if index >= len(self.rows):
            return
        self.cursor = index
        if event.chain >= 2:
            self.action_select()

    # -- drawing ---------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._forget_drawn()

    def on_resize(self) -> None:
        self._forget_drawn()
        self._keep_visible(self.cursor)

    def _forget_drawn(self) -> None:
        """Drop every cached strip and the colours they were drawn with."""
        self._strips.clear()
        self._base = None
        self._bar_drawn = None

    def on_focus(self) -> None:
        self.refresh_line(self.cursor + 1)

    def on_blur(self) -> None:
        self.refresh_line(self.cursor + 1)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width - 1  # the last cell is the scroll bar's
        bars = self._bar()
        bar = bars[y] if y < len(bars) else Segment(" ", self._base_style())
        if y == 0:
            return self._cached(("header", width, bar), lambda: self._drawn(self._header, width, bar))
        index = round(self.scroll_offset.y) + y - 1
        if index >= len(self.rows):
            blank = Segment(" " * width, self._base_style())
            return self._cached(("blank", width, bar), lambda: Strip([blank, bar], width + 1))
        summary = self.rows[index]
        selected = index == self.cursor
        key = (summary.id, width, selected, selected and self.has_focus, bar)
        return self._cached(key, lambda: self._drawn(partial(self._row, summary), width, bar, selected))

    def _bar(self) -> tuple[Segment, ...]:
        """The scroll bar's cell on each line, drawn again only when the rows, the scroll position
        or the height changed (or the colours: that forgets it)."""
        key = (self.scrollable_content_region.height, self.virtual_size.height, round(self.scroll_offset.y))
        if self._bar_drawn is None or self._bar_drawn[0] != key:
            self._bar_drawn = (key, bar_cells(*key, self._bar_style(), self._base_style()))
        return self._bar_drawn[1]

    def _bar_style(self) -> Style:
        """The scroll bar's colours, as Textual's own scroll bar takes them from the list's styles."""
        styles = self.styles
        background = styles.scrollbar_background
        if background.a < 1:
            background = self.background_colors[0] + background
        color = background + styles.scrollbar_color
        return Style.from_color(color.rich_color, background.rich_color)

    def _cached(self, key: tuple[object, ...], draw: Callable[[], Strip]) -> Strip:
        """The strip under `key`, drawn on a miss only."""
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = draw()
        return strip

    def _drawn(
        self, cells: Callable[[Columns], list[Cell]], width: int, bar: Segment, selected: bool = False
    ) -> Strip:
        """The header or a row on the list's colours (the cursor's on top if `selected`) in `width`
        cells, then the scroll bar's cell `bar`."""
        columns = Columns.for_width(width, self._flag_width)
        base = self._base_style()
        segments = line_segments(cells(columns), base, self._style("cursor") if selected else None)
        # Every cell is fitted to its column, so the line is `columns.line_width` cells: no measuring.
        if columns.line_width < width:
            segments.append(Segment(" " * (width - columns.line_width), base))
        elif columns.line_width > width:
            segments = list(Strip(segments, columns.line_width).crop(0, width))
        return Strip([*segments, bar], width + 1)

    def _base_style(self) -> Style:
        if self._base is None:
            self._base = self.rich_style
        return self._base

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"household-list--{name}", partial=True)

    def _header(self, columns: Columns) -> list[Cell]:
        labels = [
            ("col_tong_ban", columns.tong_ban),
            ("col_head", columns.head),
            ("address", columns.address),
        ]
        if columns.tags:
            labels.append(("tags", columns.tags))
        labels += [("col_flag", columns.flag), ("owner", columns.owner)]
        style = self._style("header")
        return [(fit_cell(t(key, self.lang), width), style) for key, width in labels]

    def _row(self, summary: HouseholdSummary, columns: Columns) -> list[Cell]:
        level_text, level_style = self._level(summary.open_flag_level)
        owner = self.owner_names.get(summary.owner_id or "", summary.owner_id or "")
        cells: list[Cell] = [
            (fit_cell(f"{summary.tong}-{summary.ban}", columns.tong_ban), None),
            (fit_cell(summary.head_name, columns.head), None),
            (fit_cell(summary.address, columns.address), None),
        ]
        if columns.tags:
            tags = ",".join(self._tag(tag) for tag in summary.tags)
            cells.append((fit_cell(tags, columns.tags), self._style("muted")))
        cells += [(fit_cell(level_text, columns.flag), level_style), (fit_cell(owner, columns.owner), None)]
        return cells

    def _tag(self, value: str) -> str:
        try:
            return HouseholdTag(value).label(self.lang)
        except ValueError:
            return safe_text(value)

    def _level(self, value: str | None) -> tuple[str, Style]:
        if not value:
            return "", Style()
        try:
            level = CrisisLevel(value)
        except ValueError:
            return safe_text(value), Style()
        return level.label(self.lang), self._style(level.value)
