"""The household list: search box on top, the count and active filters, the virtualised list, keys below.

Two places have the keyboard: the search box (letters type, arrows and Enter still drive the list) and
the list itself (Esc from the search box; `/` goes back). The footer offers what works where the focus
is. The filters are single letters, so they work in the list: `m` my cases and `o` open crisis flag are
in the footer; `t` next tag, `g` 통 (asks for a number; `3통` typed in the search narrows too) and `x`
clear everything are listed in the help and the palette (the footer must fit 80 columns). Registering
a household (`ctrl+n`, or `n` in the list) works from both. The report key works here too (and refuses
all but supervisors) but is offered on 내 업무, not in this footer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input, Static

from chandong_tui.i18n import t
from chandong_tui.model.enums import HouseholdTag
from chandong_tui.model.records import Household, Member
from chandong_tui.tui.base import ChandongModal, ChandongScreen
from chandong_tui.tui.household_filter import ListFilters
from chandong_tui.tui.modals.household_modal import HouseholdModal
from chandong_tui.tui.signed_in import signed_in_line
from chandong_tui.tui.text import text
from chandong_tui.tui.widgets.footer import SteadyFooter
from chandong_tui.tui.widgets.household_list import HouseholdList

LIST_ONLY = frozenset({"toggle_mine", "next_tag", "ask_tong", "toggle_open_flag", "clear_filters"})
"""Actions on single letters: they work (and are shown) while the list, not the search box, has focus."""

TAGS: tuple[HouseholdTag, ...] = tuple(HouseholdTag)
"""The order `t` cycles through (then back to no tag)."""


class TongPrompt(ChandongModal[int | None]):
    """Asks for a 통 number. Dismisses with the number, 0 to clear the 통 filter, None when cancelled."""

    BINDINGS = [
        Binding("enter", "apply", "key_apply", id="tong_prompt.apply", show=True, tooltip="tip_apply"),
        Binding(
            "escape", "cancel", "key_cancel", id="tong_prompt.cancel", show=True, tooltip="tip_cancel_prompt"
        ),
    ]

    DEFAULT_CSS = """
    TongPrompt { align: center middle; }
    TongPrompt > #tong-box { width: 40; max-width: 100%; height: auto; border: round $accent; padding: 0 1; }
    TongPrompt #tong-message { height: auto; color: $error; text-style: bold; }
    """

    def __init__(self, current: int | None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="tong-box"):
            yield Static(text(t("tong_prompt", self.lang)))
            yield Input(
                str(self.current) if self.current else "", type="integer", max_length=2, id="tong-input"
            )
            yield Static("", id="tong-message")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#tong-input", Input).focus()

    @on(Input.Submitted, "#tong-input")
    def action_apply(self) -> None:
        value = self.query_one("#tong-input", Input).value.strip()
        if not value:
            self.dismiss(0)
            return
        try:
            tong = int(value)
        except ValueError:
            tong = 0
        if not 1 <= tong <= 99:
            self.query_one("#tong-message", Static).update(text(t("tong_prompt_bad", self.lang)))
            return
        self.dismiss(tong)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SearchBox(Input):
    """The search field. Textual's `Input` makes its scrollable width follow its text and asks for a
    layout of the whole screen when it changes, on every keystroke. Here no widget moves when it does
    (the box has a fixed size; scrolling the text reads the new width directly), so the box is only
    repainted: a keystroke costs the list's repaint, not a layout of the screen too.

    `on_value` is called as soon as the text changes, so the list narrows in the same screen update
    as the box is repainted (`Input.Changed` arrives after the screen was updated for the box alone:
    a second update of the screen per keystroke)."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, on_value: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_value = on_value

    def watch_value(self, value: str) -> None:
        self._on_value(value)


class HouseholdsScreen(ChandongScreen[None]):
    """Every household of the dong, filtered as the user types and by the filter keys."""

    HELP_TITLE = "households"
    BINDING_GROUP = "households"

    BINDINGS = [
        Binding("ctrl+q", "app.quit", "key_quit", id="households.quit", show=True, tooltip="tip_quit"),
        Binding(
            "slash,ctrl+f",
            "focus_search",
            "key_search",
            id="households.search",
            show=True,
            tooltip="tip_search",
        ),
        Binding("escape", "leave_search", "key_list", id="households.list", show=True, tooltip="tip_list"),
        Binding(
            "ctrl+n", "register", "key_register", id="households.register", show=True, tooltip="tip_register"
        ),
        Binding(
            "n", "register", "key_register", id="households.register_n", show=False, tooltip="tip_register"
        ),
        Binding("m", "toggle_mine", "key_mine", id="households.mine", show=True, tooltip="tip_mine"),
        Binding("t", "next_tag", "key_tag_filter", id="households.tag", show=False, tooltip="tip_tag_filter"),
        Binding(
            "g", "ask_tong", "key_tong_filter", id="households.tong", show=False, tooltip="tip_tong_filter"
        ),
        Binding(
            "o",
            "toggle_open_flag",
            "key_open_flag",
            id="households.open_flag",
            show=True,
            tooltip="tip_open_flag",
        ),
        Binding(
            "x",
            "clear_filters",
            "key_clear_filters",
            id="households.clear_filters",
            show=False,
            tooltip="tip_clear_filters",
        ),
        Binding(
            "ctrl+r,r",
            "app.open_report",
            "key_report",
            id="households.report",
            show=False,
            tooltip="tip_report",
        ),
        # While typing in the search box, arrows and Enter still drive the list.
        Binding("down", "list('cursor_down')", "key_down", id="households.down", show=False),
        Binding("up", "list('cursor_up')", "key_up", id="households.up", show=False),
        Binding("pagedown", "list('page_down')", "key_page_down", id="households.page_down", show=False),
        Binding("pageup", "list('page_up')", "key_page_up", id="households.page_up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._count_line: str | None = None
        """What the count line shows (it is only repainted when that changes)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="title")
        yield SearchBox(self._narrow, placeholder=t("search_hint", self.lang), id="search")
        yield Static("", id="count")
        yield HouseholdList(self.lang, id="households")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#title", Static).update(text(signed_in_line(self.repo, self.lang)))
        self.reload()
        self.search_box.focus()

    @property
    def household_list(self) -> HouseholdList:
        return self.query_one("#households", HouseholdList)

    @property
    def search_box(self) -> Input:
        return self.query_one("#search", Input)

    @property
    def filters(self) -> ListFilters:
        """The filters applied now."""
        return self.household_list.filters

    def reload(self) -> None:
        """Read the households again from the repository, the cursor staying on the household it
        was on (a visit recorded, a flag raised, other PCs' changes merged)."""
        current = self.household_list.current
        owners = {worker.id: worker.name for worker in self.repo.workers()}
        self.household_list.load(self.repo.household_summaries(), owners)
        self._show_count()
        if current is not None:
            self.household_list.select_id(current.id)

    def _show_count(self) -> None:
        shown, total = len(self.household_list.rows), self.household_list.total
        count = (
            t("count_households", self.lang, n=total)
            if shown == total
            else t("count_filtered", self.lang, n=shown, total=total)
        )
        names = self.filter_names()
        line = t("filter_line", self.lang, filters=" · ".join(names), count=count) if names else count
        if line != self._count_line:
            self._count_line = line
            # One fixed line: no relayout of the screen on every keystroke.
            self.query_one("#count", Static).update(text(line), layout=False)

    def filter_names(self) -> list[str]:
        """The active filters, as the count line names them."""
        filters, names = self.filters, []
        if filters.owner_id is not None:
            names.append(t("filter_mine", self.lang))
        if filters.tag is not None:
            try:
                names.append(HouseholdTag(filters.tag).label(self.lang))
            except ValueError:
                names.append(filters.tag)
        if filters.tong is not None:
            names.append(t("filter_tong", self.lang, tong=filters.tong))
        if filters.open_flag:
            names.append(t("filter_open_flag", self.lang))
        return names

    def set_filters(self, filters: ListFilters) -> None:
        self.household_list.set_filters(filters)
        self._show_count()

    # -- keys ------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Letters filter only in the list (in the search box they are typed); Esc only leaves the box,
        `/` only goes back to it."""
        searching = self.focused is self.search_box if self.is_mounted else True
        if action in LIST_ONLY or action == "focus_search":
            return not searching
        if action == "leave_search":
            return searching
        return True

    @on(Input.Changed, "#search")
    def narrow_list(self, event: Input.Changed) -> None:
        self._narrow(event.value)  # (already done by the box itself: see `SearchBox`)

    def _narrow(self, query: str) -> None:
        if self.is_mounted and query != self.household_list.search_text:
            self.household_list.filter(query)
            self._show_count()

    @on(Input.Submitted, "#search")
    def open_current(self) -> None:
        self.household_list.action_select()

    @on(HouseholdList.Opened)
    def open_household(self, event: HouseholdList.Opened) -> None:
        self.ctx.nav.household(event.summary.id)

    def action_focus_search(self) -> None:
        self.search_box.focus()

    def action_leave_search(self) -> None:
        self.household_list.focus()

    def action_list(self, action: str) -> None:
        getattr(self.household_list, f"action_{action}")()

    # -- filters ---------------------------------------------------------------------------
    def action_toggle_mine(self) -> None:
        """Only the signed-in worker's households, or all again."""
        mine = None if self.filters.owner_id is not None else self.repo.user_id
        self.set_filters(replace(self.filters, owner_id=mine))

    def action_next_tag(self) -> None:
        """No tag → each tag in turn → no tag."""
        values = [tag.value for tag in TAGS]
        current = self.filters.tag
        index = values.index(current) + 1 if current in values else 0
        self.set_filters(replace(self.filters, tag=values[index] if index < len(values) else None))

    def action_toggle_open_flag(self) -> None:
        self.set_filters(replace(self.filters, open_flag=not self.filters.open_flag))

    def action_ask_tong(self) -> None:
        """Ask for a 통 number (empty clears the 통 filter)."""

        def answered(tong: int | None) -> None:
            if tong is not None:
                self.set_filters(replace(self.filters, tong=tong or None))

        self.app.push_screen(TongPrompt(self.filters.tong), answered)

    def action_clear_filters(self) -> None:
        """No search text, no filters: every household."""
        self.household_list.filters = ListFilters()
        self.household_list.filter("")
        self.search_box.value = ""
        self._show_count()

    # -- registering -----------------------------------------------------------------------
    def action_register(self) -> None:
        """Register a household; afterwards the list is read again with the cursor on it."""
        self.app.push_screen(HouseholdModal(), self._registered)

    def _registered(self, result: tuple[Household, list[Member]] | None) -> None:
        if result is None:
            return
        household, _members = result
        self.refresh_records()
        if not self.household_list.select_id(household.id):  # hidden by the search or a filter
            self.action_clear_filters()
            self.household_list.select_id(household.id)
        self.household_list.focus()
