"""Check boxes and radio buttons whose state is in the glyph, not only in its colour.

Textual draws a toggle as `▐X▌` whether it is on or off; only the X's colour differs, which a
16-colour console (`TERM=linux`) can render the same — a household's consent was saved as 미동의
while its worker believed it ticked. Here the mark itself changes: `[v]`/`[ ]` for check boxes (and
the options of a `PickList`), `(•)`/`( )` for radio buttons. The widths stay three cells, so layouts
do not move.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox, RadioButton

CHECK_MARKS = ("[", "v", " ", "]")
"""Left, ticked, unticked, right."""
RADIO_MARKS = ("(", "•", " ", ")")


def mark(marks: tuple[str, str, str, str], on: bool) -> tuple[str, str, str]:
    """The three cells of a toggle in state `on`."""
    left, ticked, unticked, right = marks
    return left, ticked if on else unticked, right


def glyph_button(toggle: Checkbox | RadioButton, marks: tuple[str, str, str, str]) -> Content:
    """The drawn button of `toggle`: its marks, in the button's style."""
    style = toggle.get_visual_style("toggle--button")
    return Content.assemble(*((cell, style) for cell in mark(marks, toggle.value)))


class TickBox(Checkbox):
    """A check box showing `[v]` when ticked and `[ ]` when not."""

    @property
    def _button(self) -> Content:  # what Textual's `ToggleButton.render` draws as the button
        return glyph_button(self, CHECK_MARKS)


class TickRadio(RadioButton):
    """A radio button showing `(•)` when chosen and `( )` when not."""

    @property
    def _button(self) -> Content:
        return glyph_button(self, RADIO_MARKS)
