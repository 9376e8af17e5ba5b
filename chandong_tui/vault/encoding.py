"""Base64 text for the keys and ids written in JSON files (no cryptography needed to read a folder)."""

from __future__ import annotations

import base64


def b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64d(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
