"""Errors of the storage layer; the CLI maps each family to an exit code (3 auth, 4 integrity, 2 input)."""

from __future__ import annotations


class VaultError(Exception):
    """Base of every storage error; the message is one line meant for people."""


class BadInput(VaultError):
    """The caller asked for something malformed or impossible (exit 2)."""


class AuthError(VaultError):
    """Wrong user or passphrase, or a user without access (exit 3). Never says which."""


class IntegrityError(VaultError):
    """Something on disk failed verification (exit 4)."""


class NotAVault(BadInput):
    """A folder without `VAULT.json`: never silently initialised."""


class VaultBusy(VaultError):
    """Another process holds what this one needs."""
