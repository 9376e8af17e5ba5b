"""Textual's own English words, in the user's language.

Textual writes a few texts of its own where our users read them: the footer key of an open dropdown
("Dismiss menu"), the command palette's field ("Search for commands…") and its escape key. They are
mapped here, once, to catalogue keys; the footer and the palette ask `localised` before showing a
text Textual gave them, so the Korean UI shows Korean only.
"""

from __future__ import annotations

from chandong_tui.i18n import Lang, t

TEXTUAL_TEXTS = {
    "Dismiss menu": "textual_dismiss_menu",
    "Show menu": "textual_show_menu",
    "Exit the command palette": "textual_exit_palette",
    "Search for commands…": "textual_search_commands",
}
"""Textual's English text → our catalogue key."""


def localised(text: str, lang: Lang | str) -> str:
    """`text` in `lang` when it is one of Textual's texts we know, else as it is."""
    key = TEXTUAL_TEXTS.get(text)
    return t(key, lang) if key else text
