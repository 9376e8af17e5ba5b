"""Account administration: create a vault, unlock it, and manage its logins (add, remove, reset, role, list).

Everything here works on the keyring and the user files in the shared folder (`keyring.py`) and on
the lockout files; what it records goes into the access log through the session's public methods
(`VaultSession.audit`), and a new key epoch reaches the admin's session through `adopt_epoch`. The
session itself (`session.py`) knows nothing of passphrases or lockouts: it is handed the identity, keys
and role that `unlock` found, and reads the keyring again only to take up epochs started meanwhile.

`unlock` counts failures per login in the shared folder and in this PC's copy, so that a lockout holds
on every PC; failures seen before a login are kept in this PC's state folder and written into the
access-log chain by the next successful unlock (there is no key to sign them before).
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chandong_tui.vault import audit as chain
from chandong_tui.vault.crypto import random_key
from chandong_tui.vault.errors import AuthError, BadInput
from chandong_tui.vault.folder import VaultInfo, check_empty, read_marker, write_marker
from chandong_tui.vault.keyring import (
    ADMIN_ROLE,
    LOCK_MINUTES,
    Grant,
    Identity,
    Keyring,
    LockedOut,
    PassphraseChangeRequired,
    keyring_of,
    latest_user_doc,
    latest_user_file,
    load_keyring,
    lock_state,
    lockout_folders,
    passphrase_problem,
    record_clear,
    record_failure,
    remove_old_identities,
    unlock_identity,
    unwrap_grant,
    user_hash,
    write_user_file,
)
from chandong_tui.vault.legacy import certify_departure, write_manifest
from chandong_tui.vault.legacy_keyring import LegacyKeyring
from chandong_tui.vault.local_state import local_dir, remember_vault, take_slot
from chandong_tui.vault.members import (
    NotUpgraded,
    append,
    check_pin,
    key_change,
    keys_doc,
    member_doc,
    pinned_history,
    seal_keys,
    write_genesis,
)
from chandong_tui.vault.session import VaultSession
from chandong_tui.vault.sync import Problem


def create_vault(root: Path, dong_code: str, user_id: str, passphrase: str) -> VaultSession:
    """A new vault whose first user (`user_id`) is its admin and whose root key is theirs; returns
    that user's session. This PC pins the new vault at once (its creator needs no confirmation)."""
    check_empty(root)
    identity = Identity.generate(user_id)
    state = write_genesis(
        root,
        identity,
        dong_code,
        lambda vault_id: [
            member_doc(
                user_hash(vault_id, user_id),
                ADMIN_ROLE,
                identity.box_public,
                identity.sign_public,
                {1: random_key()},
                vault_id,
            )
        ],
    )
    write_marker(root, state.vault_id, dong_code, state.fingerprint)
    write_user_file(root, state.vault_id, identity, passphrase, rev=1)
    check_pin(state, local_dir(state.vault_id), confirmed=state.genesis_hash)
    write_manifest(
        read_marker(root), identity, {}
    )  # nothing of before the trust upgrade: unsigned files are refused
    return unlock(root, user_id, passphrase)


def trusted_keyring(info: VaultInfo, fingerprint: str | None = None) -> Keyring:
    """The vault's membership as this PC may trust it, before any passphrase is tried.

    `NotUpgraded` for a first-format vault; `MembershipRefused` for a history this PC must not accept
    (older or forked than its pin, or not the marker's); `FirstOpen` on a PC that has not opened the
    vault before, unless `fingerprint` is the vault's (then it is pinned)."""
    if info.legacy:
        raise NotUpgraded()
    return keyring_of(pinned_history(info.root, local_dir(info.vault_id), fingerprint), info.vault_id)


LOCKED_MESSAGE = (
    f"too many failed unlocks: this login is locked for {LOCK_MINUTES} minutes after the last attempt "
    "(a supervisor can lift it with 'chandong user reset')"
)
WRONG_MESSAGE = "wrong user or passphrase"


class LoginLocked(LockedOut):
    """`LockedOut` as `unlock` raises it: with the lock's end, for a screen to say until when."""

    def __init__(self, until_ms: int | None) -> None:
        super().__init__(LOCKED_MESSAGE)
        self.until_ms = until_ms
        """Wall-clock milliseconds (as `now_ms`) when the lock ends; None if only a supervisor lifts it."""


def now_ms() -> int:
    """Wall-clock milliseconds, as lockout files count them."""
    return time.time_ns() // 1_000_000


def lockout_of(
    info: VaultInfo, keyring: Keyring | LegacyKeyring, uhash: str
) -> tuple[tuple[Path, Path], set[bytes]]:
    """Where a login's failures are counted (the shared folder, this PC's copy) and whose signed clears
    count: the user's own keys and the admins' (as the membership history says now)."""
    folders = lockout_folders(info.root, local_dir(info.vault_id), uhash)
    return folders, keyring.sign_keys(uhash) | keyring.admin_keys()


def unlock(
    root: Path,
    user_id: str,
    passphrase: str,
    *,
    new_passphrase: str | None = None,
    fingerprint: str | None = None,
) -> VaultSession:
    """Open the vault at `root` as `user_id`; `AuthError` without saying what was wrong.

    One Argon2id derivation. Failed unlocks are counted per login (`keyring.lock_state`): after
    `LOCK_AFTER` of them the login is locked (`LoginLocked`, with the lock's end), whether it exists
    or not. A one-time passphrase raises `PassphraseChangeRequired` unless `new_passphrase` is given;
    `new_passphrase` also changes an ordinary passphrase (checked by `passphrase_problem`).
    Before any of that, the membership history is checked against this PC's pin (`trusted_keyring`;
    `fingerprint` confirms a vault this PC opens for the first time).
    """
    info = read_marker(root)
    keyring = trusted_keyring(info, fingerprint)
    identity, grants, failures = authenticate(info, keyring, user_id, passphrase)
    local = local_dir(info.vault_id)
    changed = False
    seal_under = None
    if identity.must_change or new_passphrase is not None:
        if new_passphrase is None:
            raise PassphraseChangeRequired(
                "this is a one-time passphrase: choose your own ('chandong user passwd')"
            )
        problem = passphrase_problem(new_passphrase, user_id, current=passphrase)
        if problem:
            raise BadInput(problem)
        seal_under, changed = new_passphrase, True
    elif (member := keyring.member(identity_hash(info, identity))) and member.rekey:
        seal_under = passphrase  # keys an admin made before the upgrade: the user's own key pairs now
    if seal_under is not None:
        identity, grants, keyring = enrol(info, keyring, identity, grants, seal_under)
    if failures:
        clear_failures(info, identity)
    keys = {g.epoch: unwrap_grant(g, identity, info.vault_id) for g in grants}
    role = max(grants, key=lambda g: g.order).role
    session = VaultSession(info, identity, role, keys, take_slot(info.vault_id))
    session.note_problems(Problem(path, reason) for path, reason in keyring.problems)
    session.ingest()
    remember_vault(root)
    try:
        _log_login(session, local, changed)
    except BaseException:
        session.close(publish=False)
        raise
    return session


def identity_hash(info: VaultInfo, identity: Identity) -> str:
    return user_hash(info.vault_id, identity.user_id)


def enrol(
    info: VaultInfo, keyring: Keyring, identity: Identity, grants: list[Grant], passphrase: str
) -> tuple[Identity, list[Grant], Keyring]:
    """Replace the user's key pairs with new ones made here (their first unlock after an admin's
    invitation, or a passphrase change): a key change signed by the current key (`members.key_change`)
    in a new identity file sealed under `passphrase`, which keeps the earlier box keys; the user's older
    identity files are removed from the share (backups keep them; they open nothing now). No entry of
    the history is written: users' key changes never conflict with each other."""
    uhash = identity_hash(info, identity)
    member = keyring.member(uhash)
    assert keyring.history is not None and member is not None
    new = Identity.generate(identity.user_id)
    new.rev = identity.rev + 1
    new.old_boxes = [identity.box, *identity.old_boxes]
    after = member.chain[-1] if member.chain else member.key_event
    cert = key_change(
        info.vault_id, uhash, after, keyring.history.seq, identity, new.box_public, new.sign_public
    )
    new.certs = [*identity.certs[: len(member.chain)], cert]
    path = write_user_file(info.root, info.vault_id, new, passphrase, rev=new.rev)
    keyring = load_keyring(info.root, info.vault_id)
    if not keyring.holds(uhash, new.box_public):
        path.unlink(missing_ok=True)
        raise AuthError("the new keys were not taken (another unlock changed them at the same time?)")
    remove_old_identities(info.root, uhash, new.rev)
    return new, [g for g in keyring.for_user(uhash) if new.box_for(g.box_pub)], keyring


def authenticate(
    info: VaultInfo, keyring: Keyring | LegacyKeyring, user_id: str, passphrase: str
) -> tuple[Identity, list[Grant], int]:
    """The user's identity, the grants of the membership made to it and the failures counted before
    (for `clear_failures`), counting a failure (and perhaps locking the login) when the passphrase is
    wrong or the login is not a member now."""
    uhash = user_hash(info.vault_id, user_id)
    local = local_dir(info.vault_id)
    folders, trusted = lockout_of(info, keyring, uhash)
    now = now_ms()
    state = lock_state(folders, uhash, trusted, now)
    if state.locked(now):
        chain.add_pending(local, chain.LOGIN_FAILURE, user_id, {"locked": True})
        raise LoginLocked(state.locked_until_ms)
    try:
        identity = unlock_identity(info.root, info.vault_id, user_id, passphrase)
        grants = [g for g in keyring.for_user(uhash) if identity.box_for(g.box_pub)]
        if not grants or not keyring.active(uhash) or not keyring.holds(uhash, identity.box_public):
            # never granted, removed, or an identity the user has replaced (reset, new passphrase)
            raise AuthError(WRONG_MESSAGE)
    except AuthError:
        record_failure(folders, now)
        chain.add_pending(local, chain.LOGIN_FAILURE, user_id, {})
        after = lock_state(folders, uhash, trusted, now)
        if after.locked(now):
            chain.add_pending(local, chain.LOCKOUT, user_id, {"minutes": LOCK_MINUTES})
            raise LoginLocked(after.locked_until_ms) from None
        raise AuthError(WRONG_MESSAGE) from None
    return identity, grants, state.failures


def clear_failures(info: VaultInfo, identity: Identity) -> None:
    """After a successful unlock: the failures before it no longer count (signed by the user's key,
    their own one: after an enrolment)."""
    uhash = identity_hash(info, identity)
    folders = lockout_folders(info.root, local_dir(info.vault_id), uhash)
    record_clear(folders, uhash, identity, uhash, "unlock", now_ms())


def _log_login(session: VaultSession, local: Path, changed: bool) -> None:
    """Put the failures this PC saw into the chain, then the login with the heads of the other
    devices' chains it has seen (witnesses against truncation)."""
    for event in chain.claim_pending(local):
        session.audit(
            str(event.get("action", chain.LOGIN_FAILURE)),
            detail=dict(event.get("detail") or {}),
            actor=str(event.get("actor", "")),
            at=str(event.get("at") or "") or None,
        )
    heads = session.audit_heads
    seen = {dev: [seq, mac] for dev, (seq, mac) in heads.items() if dev != session.device}
    session.audit(chain.LOGIN, detail={"heads": seen})
    if changed:
        session.audit(chain.PASSPHRASE_CHANGE, target=session.user_id)
    with contextlib.suppress(OSError):
        chain.write_anchor(local, heads)


def add_user(
    admin: VaultSession, user_id: str, role: str, passphrase: str, *, one_time: bool = False
) -> None:
    """Invite a user: one `add` entry, signed by the admin, naming key pairs that hold every epoch's
    key the admin holds (history stays readable), sealed under `passphrase`. With a `one_time`
    passphrase (what people are given) they are an invitation: the user's first unlock replaces them
    with key pairs of their own (`enrol`), which no admin holds. Otherwise (scripts, the demo) they are
    the user's keys, and whoever chose the passphrase can open them."""
    keyring = _require_admin(admin)
    root, vault_id = admin.info.root, admin.info.vault_id
    uhash = user_hash(vault_id, user_id)
    if keyring.active(uhash) or latest_user_file(root, vault_id, user_id) is not None:
        raise BadInput(f"user {user_id!r} already exists")
    invitation = Identity.generate(user_id)
    keys = dict(admin.keys)
    doc = member_doc(
        uhash, role, invitation.box_public, invitation.sign_public, keys, vault_id, invited=one_time
    )
    _append(admin, keyring, "add", doc)
    write_user_file(root, vault_id, invitation, passphrase, rev=1, one_time=one_time)
    admin.audit(chain.USER_ADD, target=user_id, detail={"role": role})


def _require_admin(admin: VaultSession) -> Keyring:
    """The membership now, when this session's user is an admin in it (not removed, not demoted)."""
    if not admin.is_admin:
        raise AuthError("only a supervisor manages users")
    info = admin.info
    keyring = load_keyring(info.root, info.vault_id)
    if keyring.history is None or keyring.history.is_admin(admin.identity.sign_public) is None:
        raise AuthError("this session's admin has been removed")
    return keyring


def _append(admin: VaultSession, keyring: Keyring, kind: str, body: dict[str, Any]) -> None:
    assert keyring.history is not None
    state = append(admin.info.root, keyring.history, admin.identity, kind, body)
    check_pin(state, local_dir(state.vault_id))


def remove_user(admin: VaultSession, user_id: str) -> int:
    """Take a user's access away: a new key epoch sealed to everyone else, by this admin alone.

    Nobody else's passphrase is needed (keys are sealed to members' public keys). The removed user
    keeps the keys of older epochs — and any copy already taken — but cannot read anything written
    after; this session writes in the new epoch at once. Returns the new epoch.
    """
    keyring = _require_admin(admin)
    info = admin.info
    gone = user_hash(info.vault_id, user_id)
    if user_id == admin.user_id:
        raise BadInput("an admin cannot remove themselves")
    if not keyring.active(gone):
        raise BadInput(f"no active user {user_id!r}")
    assert keyring.history is not None
    epoch, key = keyring.latest_epoch + 1, random_key()
    sealed = {
        uhash: seal_keys({epoch: key}, member.box_pub, info.vault_id, uhash)[str(epoch)]
        for uhash, member in sorted(keyring.history.members.items())
        if member.active and uhash != gone
    }
    certify_departure(admin, user_id)  # their files so far: the only ones of theirs read from now on
    _append(admin, keyring, "remove", {"user": gone, "epoch": epoch, "keys": sealed})
    admin.adopt_epoch(epoch, key)
    admin.audit(chain.USER_REMOVE, target=user_id, detail={"epoch": epoch})
    return epoch


def reset_user(admin: VaultSession, user_id: str, one_time: str) -> None:
    """A new enrolment for a user who forgot their passphrase, and their lockout lifted: a `keys` entry
    naming invitation key pairs (every epoch's key sealed to them) under a one-time passphrase; the
    user's next unlock makes their own. Their old identity opens nothing more."""
    keyring = _require_admin(admin)
    info = admin.info
    uhash = user_hash(info.vault_id, user_id)
    doc = latest_user_doc(info.root, uhash)
    if doc is None or not keyring.active(uhash):
        raise BadInput(f"no active user {user_id!r}")
    invitation = Identity.generate(user_id)
    body = keys_doc(uhash, invitation.box_public, invitation.sign_public, dict(admin.keys), info.vault_id)
    _append(admin, keyring, "keys", {**body, "invited": True})
    rev = int(doc["rev"]) + 1
    write_user_file(info.root, info.vault_id, invitation, one_time, rev=rev, one_time=True)
    remove_old_identities(info.root, uhash, rev)
    clear_lockout(admin, user_id, audit=False)
    admin.audit(chain.USER_RESET, target=user_id)


def clear_lockout(admin: VaultSession, user_id: str, *, audit: bool = True) -> None:
    """Lift a login's lockout (signed by the admin; counted on every PC)."""
    _require_admin(admin)
    info = admin.info
    uhash = user_hash(info.vault_id, user_id)
    folders = lockout_folders(info.root, local_dir(info.vault_id), uhash)
    record_clear(folders, uhash, admin.identity, user_hash(info.vault_id, admin.user_id), "reset", now_ms())
    if audit:
        admin.audit(chain.USER_RESET, target=user_id, detail={"lockout_only": True})


@dataclass(frozen=True)
class Login:
    """One login of the vault as its admin sees it (users appear as hashes in the shared folder)."""

    uhash: str
    role: str
    status: str
    """`active`, `must change passphrase`, `locked` or `removed`."""


def logins(info: VaultInfo) -> list[Login]:
    """Every login the membership history names, with its role and its status now (in hash order)."""
    keyring = load_keyring(info.root, info.vault_id)
    now = now_ms()
    found = []
    members = keyring.history.members if keyring.history else {}
    for uhash, member in sorted(members.items()):
        doc = latest_user_doc(info.root, uhash) or {}
        folders, trusted = lockout_of(info, keyring, uhash)
        if not member.active:
            status = "removed"
        elif lock_state(folders, uhash, trusted, now).locked(now):
            status = "locked"
        elif doc.get("one_time"):
            status = "must change passphrase"
        else:
            status = "active"
        found.append(Login(uhash, member.role, status))
    return found


def change_role(admin: VaultSession, user_id: str, role: str) -> str:
    """Give a user another role (a `role` entry signed by this admin); returns the old role. A
    supervisor may be demoted: their signatures count only while the history says they are an admin
    (the last admin cannot be)."""
    keyring = _require_admin(admin)
    info = admin.info
    uhash = user_hash(info.vault_id, user_id)
    member = keyring.member(uhash)
    if member is None or not member.active:
        raise BadInput(f"no active user {user_id!r}")
    if member.role == role:
        raise BadInput(f"{user_id} already has the role {role}")
    old = member.role
    _append(admin, keyring, "role", {"user": uhash, "role": role})
    admin.audit(chain.ROLE_CHANGE, target=user_id, detail={"from": old, "to": role})
    return old
