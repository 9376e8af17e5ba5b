"""The idle lock's passphrase check: the signed-in user proves again who they are.

The same derivation (Argon2id through `keyring.unlock_identity`) and the same lockout as `unlock`:
a wrong passphrase is a failure file in the shared folder and in this PC's copy, five in a row lock
the login everywhere. The session is still open, so every attempt goes straight into this device's
access-log chain, signed (no waiting for the next unlock as failures before a login must):
`login_failure` (detail `idle_lock`), `lockout`, and `login` (detail `after_idle_lock`, with the heads
of the other devices' chains like any login) when the passphrase is right.

A passphrase that opens another identity of the same login (a supervisor reset it meanwhile) does not
resume the session: `IdentityChanged`, and the user signs in afresh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chandong_tui.vault import audit as chain
from chandong_tui.vault.errors import AuthError
from chandong_tui.vault.keyring import (
    LOCK_MINUTES,
    load_keyring,
    lock_state,
    record_clear,
    record_failure,
    unlock_identity,
    user_hash,
)

if TYPE_CHECKING:
    from chandong_tui.vault.session import VaultSession


class IdentityChanged(AuthError):
    """The passphrase is right for the login, but no longer for this session's identity (reset, or
    removed): the session cannot resume; sign in again."""


def confirm_passphrase(session: VaultSession, passphrase: str, *, locked_at: str = "") -> None:
    """Check `passphrase` for the session's user; returns when it is right (and logs a `login`).

    `AuthError` when wrong, `LockedOut` when the login is (or now becomes) locked, `IdentityChanged`
    when the login's identity is not this session's any more. `locked_at` (ISO time the idle lock
    started) goes into the `login` event.
    """
    from chandong_tui.vault.accounts import WRONG_MESSAGE, LoginLocked, lockout_of, now_ms

    info = session.info
    user_id = session.user_id
    keyring = load_keyring(info.root, info.vault_id, info.root_sign_pub)
    uhash = user_hash(info.vault_id, user_id)
    folders, trusted = lockout_of(info, keyring, uhash)
    now = now_ms()
    state = lock_state(folders, uhash, trusted, now)
    if state.locked(now):
        session.audit(chain.LOGIN_FAILURE, detail={"idle_lock": True, "locked": True})
        raise LoginLocked(state.locked_until_ms)
    try:
        identity = unlock_identity(info.root, info.vault_id, user_id, passphrase)
    except AuthError:
        record_failure(folders, now)
        session.audit(chain.LOGIN_FAILURE, detail={"idle_lock": True})
        after = lock_state(folders, uhash, trusted, now)
        if after.locked(now):
            session.audit(chain.LOCKOUT, detail={"minutes": LOCK_MINUTES, "idle_lock": True})
            raise LoginLocked(after.locked_until_ms) from None
        raise AuthError(WRONG_MESSAGE) from None
    if identity.sign_public != session.identity.sign_public or not keyring.active(uhash):
        raise IdentityChanged("this login's passphrase was reset or the login removed: sign in again")
    if state.failures:
        record_clear(folders, uhash, identity, uhash, "unlock", now)
    heads = {dev: [seq, mac] for dev, (seq, mac) in session.audit_heads.items() if dev != session.device}
    detail: dict[str, object] = {"after_idle_lock": True, "heads": heads}
    if locked_at:
        detail["locked_at"] = locked_at
    session.audit(chain.LOGIN, detail=detail)
