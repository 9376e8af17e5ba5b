"""Single-letter keys also work in 한글 mode.

With the keyboard in 한글 mode a letter key arrives as the 두벌식 jamo on it (`v` as `ㅍ`, `f` as `ㄹ`),
which Textual names by the character itself (`events.Key.key == "ㅍ"`). `add_jamo_aliases(node)` binds
each single-letter key of `node` a second time to its jamo, as a copy of the binding (same action, id and
description) that is never shown: the footer, the help (f1) and the palette list the Latin key only.

Where a key is text the jamo stays text: Textual drops the bindings of a focused `Input`'s or
`TextArea`'s ancestors for every printable key (`Screen._binding_chain` asks `check_consume_key`), and
a jamo is printable like a letter. `localise_bindings` calls this for every screen, modal and widget
that localises its keys, so a new screen needs nothing more.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.dom import DOMNode

_LOWER = "qwertyuiopasdfghjklzxcvbnm"
_LOWER_JAMO = "ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔㅁㄴㅇㄹㅎㅗㅓㅏㅣㅋㅌㅊㅍㅠㅜㅡ"
_SHIFTED = {"Q": "ㅃ", "W": "ㅉ", "E": "ㄸ", "R": "ㄲ", "T": "ㅆ", "O": "ㅒ", "P": "ㅖ"}

DUBEOLSIK: dict[str, str] = {
    **dict(zip(_LOWER, _LOWER_JAMO, strict=True)),
    **{upper: _SHIFTED.get(upper, jamo) for upper, jamo in zip(_LOWER.upper(), _LOWER_JAMO, strict=True)},
}
"""The jamo a letter key types in 한글 mode on the standard 두벌식 layout (shifted letters that have no
jamo of their own type the unshifted one)."""

_ALIAS_KEYS = frozenset(DUBEOLSIK.values())


def is_jamo_alias(binding: Binding) -> bool:
    """Whether `binding` is the 한글-mode copy of a letter key (not to be listed anywhere)."""
    return binding.key in _ALIAS_KEYS


def add_jamo_aliases(node: DOMNode) -> None:
    """Bind the 두벌식 jamo of each single-letter key of `node` (its own copy of the bindings) to what
    the letter does, after all its keys; a lower-case letter's jamo wins over a shifted one's, and a
    jamo `node` binds itself is left alone."""
    table = node._bindings.key_to_bindings
    aliases: dict[str, list[Binding]] = {}
    letters = sorted((key for key in table if key in DUBEOLSIK), key=str.isupper)
    for letter in letters:
        jamo = DUBEOLSIK[letter]
        if jamo in table or jamo in aliases:
            continue
        aliases[jamo] = [replace(found, key=jamo, key_display=None, show=False) for found in table[letter]]
    table.update(aliases)
