"""Key bindings speak the user's language.

`BINDINGS` are class-level, so their `description` and `tooltip` hold catalogue keys; each screen or
widget calls `localise_bindings(self, lang)` in `__init__`, which swaps in the texts on its own copy
of the bindings (Textual copies the class bindings per instance; keymaps by binding id still work).
"""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from chandong_tui.i18n import CATALOGUE, Lang


def localise_bindings(node: DOMNode, lang: Lang | str) -> None:
    """Replace catalogue keys in `node`'s binding descriptions and tooltips by their text in `lang`."""
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [
            replace(
                binding,
                description=_text(binding.description, lang),
                tooltip=_text(binding.tooltip, lang),
            )
            for binding in bindings
        ]


def hide_binding(node: DOMNode, action: str) -> None:
    """Keep `action`'s keys working on `node` but out of the footer (its own copy of the bindings)."""
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [replace(b, show=False) if b.action == action else b for b in bindings]


def _text(key: str, lang: Lang | str) -> str:
    label = CATALOGUE.get(key)
    return label(lang) if label is not None else key
