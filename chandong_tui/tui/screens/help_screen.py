"""`HelpScreen`: every key of the screen it was opened from, and the keys that work everywhere.

The rows are read from the live bindings (the screen's, its widgets', the app's) with their localised
descriptions and tooltips, so the help cannot drift from the real keys: a key added to a screen's
`BINDINGS` appears here with no further work. Only bindings with an `id` are ours to explain (Textual's
own editing keys inside an input are not listed). Keys hidden from the footer (`show=False`) are listed
too. Over a modal (a form), only priority keys of the app still work, so only those are listed.

Open it with `HelpScreen(app.screen)`, or `toggle_help(app)` from a global key (which closes it when
it is already open); Esc (or `q`, `f1`) closes it; arrows and Page Up/Down scroll.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.console import Group
from rich.table import Table
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Static

from chandong_tui.i18n import CATALOGUE, Lang, t
from chandong_tui.tui.base import ChandongModal
from chandong_tui.tui.jamo_keys import is_jamo_alias
from chandong_tui.tui.text import text
from chandong_tui.tui.widgets.footer import SteadyFooter


@dataclass
class KeyRow:
    """One thing the user can do: its keys (as the footer shows them), what it does, and details."""

    keys: list[str]
    description: str
    tooltip: str


@dataclass
class KeySection:
    title: str
    rows: list[KeyRow] = field(default_factory=list)

    def descriptions(self) -> list[str]:
        return [row.description for row in self.rows]


def _our_bindings(node: DOMNode, *, priority_only: bool = False) -> list[Binding]:
    """`node`'s own bindings (its localised copy) that carry an id and that the signed-in user can use
    there, in their declared order (a letter key's 한글-mode jamo is not listed: it is the letter's key)."""
    return [
        binding
        for _key, binding in node._bindings
        if binding.id is not None
        and (binding.priority or not priority_only)
        and not is_jamo_alias(binding)
        and _usable(node, binding.action)
    ]


def _usable(node: DOMNode, action: str) -> bool:
    """Whether `action` is for this user: the app's actions (bound by the app, or `app.…` on a screen)
    are those it offers (a supervisor's screens to supervisors only). A screen's own keys are all
    listed, even those its state disables for now (a filter to clear): the help says what it can do."""
    offers = getattr(node.app, "offers", None)
    if not callable(offers) or (node is not node.app and not action.startswith("app.")):
        return True
    return bool(offers(action.removeprefix("app.")))


def _rows(app: App[object], bindings: list[Binding], skip: set[tuple[str, str]]) -> list[KeyRow]:
    """Bindings grouped by what they do (one row per description), keys in the order declared."""
    rows: dict[str, KeyRow] = {}
    for binding in bindings:
        display = app.get_key_display(binding)
        if (display, binding.description) in skip:
            continue
        row = rows.setdefault(binding.description, KeyRow([], binding.description, binding.tooltip))
        if display not in row.keys:
            row.keys.append(display)
        if not row.tooltip and binding.tooltip:
            row.tooltip = binding.tooltip
    return list(rows.values())


def key_sections(app: App[object], source: Screen[object], lang: Lang | str = Lang.KO) -> list[KeySection]:
    """The keys of `source` (itself and the widgets in it), then the app's that still work there."""
    mine: list[Binding] = _our_bindings(source)
    for widget in source.query("*"):
        mine += _our_bindings(widget)
    here = KeySection(t("help_this_screen", lang), _rows(app, mine, set()))
    shown = {(key, row.description) for row in here.rows for key in row.keys}
    # A modal screen cuts the app's bindings off, except those with priority.
    everywhere = KeySection(
        t("help_everywhere", lang),
        _rows(app, _our_bindings(app, priority_only=source.is_modal), shown),
    )
    return [section for section in (here, everywhere) if section.rows]


def screen_name(source: Screen[object], lang: Lang | str) -> str | None:
    """The name a screen gives itself for the help's title (`HELP_TITLE`, a catalogue key)."""
    key = getattr(source, "HELP_TITLE", None)
    return t(key, lang) if isinstance(key, str) and key in CATALOGUE else None


class HelpScreen(ChandongModal[None]):
    """The keys of `source` (the screen the user was on) and the global ones, in a scrollable table."""

    HELP_TITLE = "key_help"

    BINDINGS = [
        Binding("escape,q,f1", "close", "key_close", id="help.close", show=True, tooltip="tip_close_help"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > #help-box { width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; padding: 0 1; }
    HelpScreen #help-title { text-style: bold; height: 1; }
    HelpScreen #help-body { height: auto; max-height: 1fr; }
    HelpScreen .help-section { height: auto; margin-top: 1; }
    """

    def __init__(self, source: Screen[object]) -> None:
        super().__init__()
        self.source = source
        self.sections: list[KeySection] = []
        name = screen_name(source, self.lang)
        self.help_title = t("help_title", self.lang, screen=name) if name else t("key_help", self.lang)

    def compose(self) -> ComposeResult:
        self.sections = key_sections(self.app, self.source, self.lang)
        with Vertical(id="help-box"):
            yield Static(text(self.help_title), id="help-title")
            with VerticalScroll(id="help-body"):
                for index, section in enumerate(self.sections):
                    yield Static(
                        self._render_section(section), id=f"help-section-{index}", classes="help-section"
                    )
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#help-body", VerticalScroll).focus()

    def _render_section(self, section: KeySection) -> Group:
        table = Table(box=None, expand=True, pad_edge=False, show_edge=False, header_style="bold")
        table.add_column(text(t("help_col_key", self.lang)), no_wrap=True, min_width=8)
        table.add_column(text(t("help_col_action", self.lang)), no_wrap=True)
        table.add_column(text(t("help_col_detail", self.lang)), ratio=1)
        for row in section.rows:
            table.add_row(text(" ".join(row.keys), "bold"), text(row.description), text(row.tooltip, "dim"))
        title = text(section.title, "bold underline")
        title.end = "\n"
        return Group(title, table)

    def action_close(self) -> None:
        self.dismiss(None)


def toggle_help(app: App[Any]) -> None:
    """Open the help for the screen the user is on, or close it if that screen is the help."""
    if isinstance(app.screen, HelpScreen):
        app.screen.dismiss(None)
    else:
        app.push_screen(HelpScreen(app.screen))
