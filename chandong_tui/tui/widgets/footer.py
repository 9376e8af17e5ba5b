"""The key bar at the bottom of every screen: Textual's `Footer`, rebuilt only when its keys change.

Textual rebuilds the footer each time the focus moves, since the keys that work may have changed
with it: its key widgets are removed and mounted again, the screen is laid out three times and sent
to the terminal whole (about 21 KB at 120×40 for each Tab in the visit form, over SSH). Most focus
moves keep the same keys; `SteadyFooter` then leaves the footer as it is.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

KeysShown = tuple[tuple[str, str, str, bool, str], ...]


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

    def bindings_changed(self, screen: Screen) -> None:
        shown = keys_shown(screen)
        if shown == self._shown:
            return
        super().bindings_changed(screen)
        if screen.app.app_focus and self.is_attached and screen is self.screen:  # rebuilt
            self._shown = shown
