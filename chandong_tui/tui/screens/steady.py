"""Screens that are not repainted whole when the focus moves.

Textual's `Screen.focused` repaints the whole screen each time it changes, yet what looks different
with the focus (the `:focus` and `:focus-within` styles) repaints itself. Over SSH that whole screen
is about 19 KB at 120×40 for each Tab between two fields of a form. These bases keep `focused`
(its watcher still refreshes the keys) without the repaint; every screen and modal of the app uses one.
"""

from __future__ import annotations

from typing import TypeVar

from textual.reactive import Reactive
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

ResultType = TypeVar("ResultType")


class SteadyScreen(Screen[ResultType]):
    """A `Screen` that repaints only what a focus move changes."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)


class SteadyModalScreen(ModalScreen[ResultType]):
    """A `ModalScreen` that repaints only what a focus move changes."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
