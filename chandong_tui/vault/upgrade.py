"""The one-time upgrade of a first-format vault to the membership history (`chandong upgrade VAULT`).

An admin of the old keyring signs in (the same lockout as any unlock, one Argon2id derivation); their
key becomes the root key of a genesis entry that carries today's members as the old rules read them:
roles, public keys, every epoch's vault key (the old sealed grants, copied byte for byte: they are
bound to the same vault id, epoch and user), the removed logins with their old signing keys (their
past access-log events still verify), and the names and hashes of the `keyring/` files it read. Then
`VAULT.json` is rewritten in the second format with the fingerprint, and this PC pins it. From then on
`keyring/` is never read again (restoring, renaming or adding grant files there changes nothing, and
`verify` names files that were not there at the upgrade).

The old rules are trusted once, here: the upgrading admin checks `chandong user list` afterwards.

**Hook for further steps.** `UPGRADE_STEPS` is a list of functions run in order after the history
is written, each given the `UpgradeContext` (the admin's identity and every epoch's key) and
returning one line for the upgrade's message (e.g. certifying the first format's chunks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from chandong_tui.vault import audit as chain
from chandong_tui.vault.crypto import b64e
from chandong_tui.vault.errors import AuthError, BadInput
from chandong_tui.vault.folder import VaultInfo, read_marker, write_marker
from chandong_tui.vault.keyring import ADMIN_ROLE, Identity, latest_user_doc, unwrap_grant
from chandong_tui.vault.legacy_keyring import LegacyKeyring, load_legacy_keyring
from chandong_tui.vault.local_state import check_pin as check_root_pin
from chandong_tui.vault.local_state import local_dir
from chandong_tui.vault.members import Membership, check_pin, write_genesis


@dataclass
class UpgradeContext:
    """What an upgrade step may use: the vault, the upgrading admin, every epoch's key."""

    info: VaultInfo
    identity: Identity
    keys: dict[int, bytes]
    history: Membership
    lines: list[str] = field(default_factory=list)

    @property
    def is_admin(self) -> bool:
        """Always: only an admin upgrades (so a step written for an admin's session takes this too)."""
        return True


UpgradeStep = Callable[[UpgradeContext], str]


def _certify_legacy_files(context: UpgradeContext) -> str:
    """The unsigned chunks, packs and snapshots of the first format, listed and signed (`LEGACY.json`):
    readers take an unsigned file only when it is listed, so one added later is refused."""
    from chandong_tui.vault.legacy import certify_legacy_files

    count = certify_legacy_files(context)
    return (
        f"{count} file(s) of the first format listed and signed (LEGACY.json): "
        "unsigned files added later are refused"
    )


UPGRADE_STEPS: list[UpgradeStep] = [_certify_legacy_files]
"""Steps run after the membership history is written (append to it; each returns a line or "")."""


@dataclass(frozen=True)
class Upgraded:
    """What an upgrade did, for its message."""

    fingerprint: str
    members: int
    removed: int
    epoch: int
    lines: tuple[str, ...]

    def message(self) -> list[str]:
        return [
            "vault upgraded: members, roles and keys now come only from a signed history (members/); "
            "keyring/ is no longer read",
            f"{self.members} member(s), {self.removed} removed login(s), key epoch {self.epoch}",
            f"fingerprint {self.fingerprint}: every other PC asks to confirm it once",
            *self.lines,
        ]


def upgrade_vault(root: Path, user_id: str, passphrase: str) -> Upgraded:
    """Upgrade the first-format vault at `root` as its admin `user_id`; `AuthError` for anyone else
    (with the same lockout as `unlock`), `BadInput` when it is upgraded already."""
    from chandong_tui.vault.accounts import authenticate, clear_failures

    info = read_marker(root)
    if not info.legacy:
        raise BadInput(f"{root} is upgraded already")
    check_root_pin(info)
    legacy = load_legacy_keyring(root, info.vault_id, info.root_sign_pub)
    identity, grants, failures = authenticate(info, legacy, user_id, passphrase)
    uhash = grants[0].user
    if legacy.current(uhash, identity.box_public) is None or (
        max(grants, key=lambda g: g.order).role != ADMIN_ROLE
    ):
        raise AuthError("only a supervisor can upgrade the vault")
    if failures:
        clear_failures(info, identity)
    keys = {g.epoch: unwrap_grant(g, identity, info.vault_id) for g in grants}
    if set(keys) != set(range(1, legacy.latest_epoch + 1)):
        raise AuthError("this supervisor does not hold every epoch's key; another supervisor must upgrade")
    members = _legacy_members(root, legacy, keep=grants[0].user)
    history = write_genesis(
        root,
        identity,
        info.dong_code,
        lambda _vault_id: members,
        epoch=legacy.latest_epoch,
        legacy_vault_id=info.vault_id,
        imported=legacy.files,
    )
    check_pin(history, local_dir(info.vault_id), confirmed=history.genesis_hash)
    new_info = write_marker(root, info.vault_id, info.dong_code, history.fingerprint)
    context = UpgradeContext(new_info, identity, keys, history)
    lines = [line for step in UPGRADE_STEPS if (line := step(context))]
    chain.add_pending(
        local_dir(info.vault_id), "vault_upgrade", user_id, {"fingerprint": history.fingerprint}
    )
    active = [m for m in members if m.get("active", True)]
    return Upgraded(
        history.fingerprint, len(active), len(members) - len(active), legacy.latest_epoch, tuple(lines)
    )


def _legacy_members(root: Path, legacy: LegacyKeyring, keep: str) -> list[dict[str, object]]:
    """Every login of the old keyring as a genesis member: the identity of their newest user file
    (else of their newest grant), its sealed keys as they are, their other signing keys as past.
    An admin made those key pairs: each user but the upgrading admin (`keep`) replaces them at their
    next unlock (`rekey`)."""
    from chandong_tui.vault.crypto import b64d

    members: list[dict[str, object]] = []
    for uhash in sorted({g.user for g in legacy.grants}):
        doc = latest_user_doc(root, uhash) or {}
        box = b64d(doc["box_pub"]) if "box_pub" in doc else None
        current = legacy.current(uhash, box) or legacy.current(uhash)
        assert current is not None
        mine = [g for g in legacy.for_user(uhash) if g.box_pub == current.box_pub]
        keys = {str(g.epoch): g.sealed_key for g in sorted(mine, key=lambda g: g.order)}
        past = sorted({g.sign_pub for g in legacy.for_user(uhash)} - {current.sign_pub})
        members.append(
            {
                "user": uhash,
                "role": current.role,
                "box_pub": b64e(current.box_pub),
                "sign_pub": b64e(current.sign_pub),
                "keys": keys,
                "active": legacy.active(uhash),
                "past_sign": [b64e(p) for p in past],
                "rekey": uhash != keep,
            }
        )
    return members
