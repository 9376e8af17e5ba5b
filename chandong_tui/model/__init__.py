"""Records of the domain: pydantic models, enums with Korean/English labels, validation. No I/O.

The models load on first use (`chandong_tui.model.Record` or `chandong_tui.model.records`): importing
the enums alone, as the unlock screen does, does not pay for pydantic.
"""

from __future__ import annotations

from typing import Any

__all__ = ["RECORD_BY_KIND", "RECORD_TYPES", "Record"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from chandong_tui.model import records

        return getattr(records, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
