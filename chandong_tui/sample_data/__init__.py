"""A small deterministic synthetic dong (`small_dong.json`) and the generator for benchmark sizes.

Everything in it is fictional; see README.md. `generate(size, seed, anchor)` returns the sample-file dict.
The generator is imported lazily so that `python -m chandong_tui.sample_data.generator` runs it only once.
"""

from __future__ import annotations

from typing import Any

__all__ = ["generate", "to_json"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from chandong_tui.sample_data import generator

        return getattr(generator, name)
    raise AttributeError(name)
