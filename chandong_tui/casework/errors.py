"""The error case-work steps raise when a step does not fit the record's current state."""

from __future__ import annotations


class IllegalTransition(ValueError):
    """This step is not possible now (e.g. accepting a hand-off already declined); the message is one
    line for people, naming the record and its state."""


def required_text(text: str | None, message: str) -> str:
    """`text` stripped; `ValueError(message)` when it is empty (a reason, a question, a comment)."""
    stripped = str(text or "").strip()
    if not stripped:
        raise ValueError(message)
    return stripped
