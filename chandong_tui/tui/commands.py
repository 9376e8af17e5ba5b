"""Command-palette entries (ctrl+p), read from the keys of the screen the palette was opened over.

Every binding with an id and a tooltip that works there now (Textual's `active_bindings`: the focused
widget's, the screen's and the app's, each gated by its `check_action`) is an entry, and so are the
app's `PALETTE_ACTIONS` (actions without a key of their own). A key added to a screen's `BINDINGS`
is in the footer, the help (f1) and the palette with no further work.

An entry is titled "category: verb" from the catalogue: `cmd.<binding id>` when there is such a key,
else `cmd.<action>` (keys every screen shares: back, quit), else the screen's name (`HELP_TITLE`) and
the key's description. Its help line is the key's tooltip (the title key's `.help` text for the
app's palette-only actions). The palette does not list itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen

from chandong_tui.i18n import CATALOGUE, Lang, t
from chandong_tui.tui.jamo_keys import is_jamo_alias

if TYPE_CHECKING:
    from chandong_tui.tui.app import ChandongApp


@dataclass(frozen=True)
class PaletteEntry:
    title: str
    help: str
    run: Callable[[], object]


NOT_LISTED = frozenset({"command_palette"})
"""Actions the palette leaves out (itself)."""


def _action_name(action: str) -> str:
    """`app.open_queue` → `open_queue`, `move(-1)` → `move`."""
    return action.rpartition(".")[2].partition("(")[0]


def _title_key(binding: Binding) -> str | None:
    """The catalogue key naming `binding` in the palette, if the catalogue has one."""
    for key in (f"cmd.{binding.id}", f"cmd.{_action_name(binding.action)}"):
        if key in CATALOGUE:
            return key
    return None


def _category(screen: Screen[object], lang: Lang | str) -> str:
    """The screen's name, for entries without a title of their own."""
    key = getattr(screen, "HELP_TITLE", None)
    return t(key, lang) if isinstance(key, str) and key in CATALOGUE else t("app_title", lang)


def _runner(app: App[Any], action: str, node: DOMNode) -> Callable[[], object]:
    """Run `action` (as its key would, on `node`) once the caller has returned."""
    return partial(app.call_later, app.run_action, action, node)


def palette_entries(provider: Provider) -> Iterator[PaletteEntry]:
    """The entries of the screen the palette was opened over, one per title."""
    app, screen = cast("ChandongApp", provider.app), provider.screen
    lang = app.lang
    seen: set[str] = set()
    category = _category(screen, lang)
    for active in screen.active_bindings.values():
        binding = active.binding
        listed = binding.id is not None and bool(binding.tooltip) and active.enabled
        if is_jamo_alias(binding):  # a letter key's 한글-mode copy: the letter is listed
            continue
        name = _action_name(binding.action)
        if not listed or name in NOT_LISTED:
            continue
        if binding.action.startswith("app.") and not app.offers(name):
            continue
        key = _title_key(binding)
        title = t(key, lang) if key else f"{category}: {binding.description}"
        if title not in seen:
            seen.add(title)
            yield PaletteEntry(title, binding.tooltip, _runner(app, binding.action, active.node))
    for action in app.PALETTE_ACTIONS:
        title = t(f"cmd.{action}", lang)
        if title not in seen and app.offers(action):
            seen.add(title)
            yield PaletteEntry(title, t(f"cmd.{action}.help", lang), _runner(app, action, app))


class ScreenCommands(Provider):
    """The palette's entries: the keys of the screen it was opened over (see the module docstring)."""

    def commands(self) -> list[PaletteEntry]:
        return list(palette_entries(self))

    async def discover(self) -> Hits:
        for entry in self.commands():
            yield DiscoveryHit(entry.title, entry.run, text=entry.title, help=entry.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in self.commands():
            score = matcher.match(entry.title)
            if score > 0:
                yield Hit(score, matcher.highlight(entry.title), entry.run, text=entry.title, help=entry.help)
