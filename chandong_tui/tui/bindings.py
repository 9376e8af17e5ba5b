"""Key bindings speak the user's language.

`BINDINGS` are class-level, so their `description` and `tooltip` hold catalogue keys; each screen or
widget calls `localise_bindings(self, lang)` in `__init__`, which swaps in the texts on its own copy
of the bindings (Textual copies the class bindings per instance; keymaps by binding id still work).
It also binds each single-letter key's 두벌식 jamo (`v` → `ㅍ`), so keys work in 한글 mode
(`tui/jamo_keys.py`).
"""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from chandong_tui.i18n import CATALOGUE, Lang
from chandong_tui.tui.jamo_keys import add_jamo_aliases


def localise_bindings(node: DOMNode, lang: Lang | str) -> None:
    """Replace catalogue keys in `node`'s binding descriptions and tooltips by their text in `lang`,
    and bind its single-letter keys' jamo too (`add_jamo_aliases`)."""
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
    add_jamo_aliases(node)


def hide_binding(node: DOMNode, action: str) -> None:
    """Keep `action`'s keys working on `node` but out of the footer (its own copy of the bindings)."""
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [replace(b, show=False) if b.action == action else b for b in bindings]


def _text(key: str, lang: Lang | str) -> str:
    label = CATALOGUE.get(key)
    return label(lang) if label is not None else key
