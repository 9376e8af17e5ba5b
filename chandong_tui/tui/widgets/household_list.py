"""The household list: a virtualised table drawn with Textual's Line API.

Only the rows on screen are rendered (`render_line`), each once per (row, width, cursor) thanks to an
LRU cache, so 3,000 or 30,000 households cost the same to show and a cursor move repaints two lines.
Line 0 is a sticky column header; row `i` sits on virtual line `i + 1`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from chandong_tui.casework.repository import HouseholdSummary
from chandong_tui.i18n import Lang, t
from chandong_tui.model.enums import CrisisLevel, HouseholdTag
from chandong_tui.tui.bindings import localise_bindings
from chandong_tui.tui.household_filter import HouseholdFilter, ListFilters
from chandong_tui.tui.text import cell, join, safe_text

_GAP = 1
_MIN_ADDRESS = 10


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
        overflow-y: auto;
        scrollbar-size-vertical: 1;
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
        self._flag_width = max(cell_len(level.label(lang)) for level in CrisisLevel)

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
    def query(self) -> str:
        """The search query applied now."""
        return self._query

    def load(self, summaries: list[HouseholdSummary], owner_names: dict[str, str]) -> None:
        """Show these households (the current query and filters still apply)."""
        self._filter = HouseholdFilter(summaries)
        self.owner_names = dict(owner_names)
        self.filter(self._query)

    def set_filters(self, filters: ListFilters) -> None:
        """Apply `filters` with the current query; the cursor goes back to the first row."""
        self.filters = filters
        self.filter(self._query)

    def filter(self, query: str) -> None:
        """Show only the households matching `query` and the filters; the cursor goes to the first row."""
        self._query = query
        self.rows = self._filter(query, self.filters)
        self._strips.clear()
        self.virtual_size = Size(0, len(self.rows) + 1)
        self.set_reactive(HouseholdList.cursor, 0)
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

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

    # -- drawing ---------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def on_resize(self) -> None:
        self._strips.clear()
        self._keep_visible(self.cursor)

    def on_focus(self) -> None:
        self.refresh_line(self.cursor + 1)

    def on_blur(self) -> None:
        self.refresh_line(self.cursor + 1)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        columns = Columns.for_width(width, self._flag_width)
        if y == 0:
            key: tuple[object, ...] = ("header", width, self.lang)
            return self._cached(key, lambda: self._header(columns), width, base)
        index = round(self.scroll_offset.y) + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        summary = self.rows[index]
        selected = index == self.cursor
        key = (summary, width, selected, selected and self.has_focus)
        return self._cached(key, lambda: self._row(summary, columns, selected), width, base)

    def _cached(self, key: tuple[object, ...], build, width: int, base: Style) -> Strip:  # noqa: ANN001
        strip = self._strips.get(key)
        if strip is None:
            line = build()
            strip = Strip(line.render(self.app.console), cell_len(line.plain)).crop_extend(0, width, base)
            strip = strip.apply_style(base)
            self._strips[key] = strip
        return strip

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"household-list--{name}", partial=True)

    def _header(self, columns: Columns) -> Text:
        style = self._style("header")
        parts = [
            cell(t("col_tong_ban", self.lang), columns.tong_ban, style),
            cell(t("col_head", self.lang), columns.head, style),
            cell(t("address", self.lang), columns.address, style),
        ]
        if columns.tags:
            parts.append(cell(t("tags", self.lang), columns.tags, style))
        parts += [
            cell(t("col_flag", self.lang), columns.flag, style),
            cell(t("owner", self.lang), columns.owner, style),
        ]
        return join(parts)

    def _row(self, summary: HouseholdSummary, columns: Columns, selected: bool) -> Text:
        level_text, level_style = self._level(summary.open_flag_level)
        owner = self.owner_names.get(summary.owner_id or "", summary.owner_id or "")
        parts = [
            cell(f"{summary.tong}-{summary.ban}", columns.tong_ban),
            cell(summary.head_name, columns.head),
            cell(summary.address, columns.address),
        ]
        if columns.tags:
            parts.append(
                cell(",".join(self._tag(tag) for tag in summary.tags), columns.tags, self._style("muted"))
            )
        parts += [cell(level_text, columns.flag, level_style), cell(owner, columns.owner)]
        line = join(parts)
        if selected:
            line.stylize(self._style("cursor"))
        return line

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
