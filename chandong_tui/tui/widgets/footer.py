"""The key bar at the bottom of every screen: Textual's `Footer`, rebuilt only when its keys change.

Textual rebuilds the footer each time the focus moves, since the keys that work may have changed
with it: its key widgets are removed and mounted again, the screen is laid out three times and sent
to the terminal whole (about 21 KB at 120×40 for each Tab in the visit form, over SSH). Most focus
moves keep the same keys; `SteadyFooter` then leaves the footer as it is.

Textual's own key texts are shown in the user's language (`tui.textual_texts`). It never cuts a
key in half either: Textual lays the keys out in one row and clips what does not fit
(at 80 columns the household screen showed `p 기▏`). The keys that fit whole are kept in their declared
order, the rest are left out, and `f1` (help, which lists every key of the screen) moves to the end
as "f1 더보기".
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from chandong_tui.i18n import t
from chandong_tui.tui.textual_texts import localised

KeysShown = tuple[tuple[str, str, str, bool, str], ...]
HELP_ACTION = "help"
PALETTE_CLASS = "-command-palette"


def key_width(key: Widget) -> int:
    """Cells a footer key takes: ` key description ` (Textual's `FooterKey` paddings)."""
    shown, description = str(getattr(key, "key_display", "")), str(getattr(key, "description", ""))
    return cell_len(shown) + (cell_len(description) + 3 if description else 0)


def fitted(keys: Iterable[Widget], width: int, more: str) -> list[Widget]:
    """The footer's keys that fit in `width` cells, whole, in order: when some must go, the help key
    goes last, described as `more` (the palette key, docked right, is always kept)."""
    keys = list(keys)
    palette = [key for key in keys if key.has_class(PALETTE_CLASS)]
    row = [key for key in keys if not key.has_class(PALETTE_CLASS)]
    room = width - sum(key_width(key) + 1 for key in palette)  # + its `▏` edge
    if sum(map(key_width, row)) <= room:
        return keys
    helps = [key for key in row if getattr(key, "action", "") == HELP_ACTION]
    if helps:
        help_key = helps[0]
        help_key.description = more  # type: ignore[attr-defined]
        room -= key_width(help_key)
    kept: list[Widget] = []
    for key in row:
        if key in helps:
            continue
        if key_width(key) > room:
            break
        kept.append(key)
        room -= key_width(key)
    return [*kept, *helps[:1], *palette]


def keys_shown(screen: Screen) -> KeysShown:
    """What the footer shows for `screen` now: each shown key with its action, label, whether it is
    enabled, and its tooltip (the command palette's key among them)."""
    return tuple(
        (binding.key, binding.action, binding.description, enabled, tooltip)
        for _, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show or binding.key == screen.app.COMMAND_PALETTE_BINDING
    )


class SteadyFooter(Footer):
    """A `Footer` that is rebuilt only when the keys it shows differ from those it shows."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: KeysShown | None = None

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        for key in keys:  # Textual's own keys (an open dropdown's escape) in the user's language
            if hasattr(key, "description"):
                key.description = localised(key.description, self.app_lang)
        yield from fitted(keys, self.app.size.width, t("footer_more", self.app_lang))

    @property
    def app_lang(self) -> str:
        return str(getattr(self.app, "lang", "ko"))

    def bindings_changed(self, screen: Screen) -> None:
        shown = keys_shown(screen)
        if shown == self._shown:
            return
        super().bindings_changed(screen)
        if screen.app.app_focus and self.is_attached and screen is self.screen:  # rebuilt
            self._shown = shown
