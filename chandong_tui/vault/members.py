"""The membership history: who is in the vault, with which role and keys, as a signed hash chain.

```
members/<seq>-<hash>.json    one entry each: seq, kind, body, the hash of the entry before it (prev),
                             the signer's public key and an Ed25519 signature over all of it
```

In the manner of a Keybase sigchain or an MLS commit log: the first entry (genesis) names the vault's
root key and first members, and every later entry is valid only when it names its predecessor's hash
and is signed by a member who is an admin *at that point* (a removed or demoted admin's later
signatures are refused). Roles, public keys, epochs and the sealed vault keys all come from replaying
it (`Membership`); nothing is read from file names, and no other file grants anything.

- **Self-certifying.** A new vault's id is derived from its root key (`derive_vault_id`); the
  fingerprint people compare is the genesis entry's hash (`Membership.fingerprint`). A vault upgraded
  from the first format keeps its id (its chunks are bound to it) and is certified by the fingerprint.
- **Pinned.** Each PC keeps the fingerprint and the newest (seq, hash) it accepted in its state folder
  (`read_pin`, `check_pin`, `advance_pin`) and only moves forward: a share whose history is shorter, or
  forked from what the PC saw, or of another genesis, is refused (`MembershipRefused`).
- **Kinds.** `genesis`, `add` (a member, their role, public keys and every epoch's key sealed to them),
  `role`, `remove` (a new epoch, its key sealed to everyone who stays), `keys` (a member's new key
  pairs: a reset, or a rotation of an admin's or the root's keys, with every epoch's key re-sealed),
  all signed by an admin.
- **Users own their keys.** An admin's `add` and reset (`keys`) name an *invitation*: key pairs the
  admin made, sealed under the one-time passphrase, that only authorise the user's enrolment. The
  user's first unlock makes their own key pairs and signs a *key change* with the invitation key; each
  passphrase change makes new pairs again, signed by the pair before. Key changes are kept in the
  user's own identity file (`users/`, one writer: the user), as a chain from the entry of the history
  that invited them (`after`), each naming the history's seq it saw (`base`, so an admin's change of
  key counts from there for their signatures); concurrent changes of different users never conflict.
  The new identity keeps the earlier box keys (vault keys sealed to them still open). An invitation
  key never counts as the user's signature (`Member.invited`), so the admin who made it cannot sign
  as the user. Each PC pins each member's newest key change too.

Two admins appending at once make two entries with the same seq and prev: a fork, refused loudly until
one of them is removed from the share (which one is not chosen silently).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from chandong_tui.vault.atomic import write_atomic
from chandong_tui.vault.crypto import b64d, b64e, seal_to, verify_signature
from chandong_tui.vault.errors import AuthError, BadInput

if TYPE_CHECKING:
    from chandong_tui.vault.keyring import Identity

MEMBERS_DIR = "members"
ADMIN_ROLE = "supervisor"
ENTRY_FORMAT = 1
_ENTRY_NAME = re.compile(r"^(\d{6})-([0-9a-f]{16})\.json$")
KINDS = ("genesis", "add", "role", "remove", "keys")
USERS_DIR = "users"
_USER_NAME = re.compile(r"^([0-9a-f]{32})-(\d{6})\.json$")


class MembershipRefused(AuthError):
    """The share's membership history cannot be trusted on this PC (older, forked, another vault,
    or not confirmed): nothing is read or written. `key` names the catalogue line for people."""

    def __init__(self, message: str, key: str, **params: object) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


class FirstOpen(MembershipRefused):
    """This PC has not opened the vault before: its fingerprint must be confirmed (`fingerprint=`)."""

    def __init__(self, fingerprint: str) -> None:
        super().__init__(
            f"this PC has not opened this vault before: compare its fingerprint {fingerprint} with the one "
            f"your supervisor has and confirm it (--fingerprint {fingerprint})",
            "members_first_open",
            fingerprint=fingerprint,
        )
        self.fingerprint = fingerprint


class NotUpgraded(AuthError):
    """A vault of the first format: a supervisor upgrades it once (`upgrade.upgrade_vault`)."""

    def __init__(self) -> None:
        super().__init__(
            "this vault is in the old format: a supervisor must upgrade it once ('chandong upgrade VAULT')"
        )
        self.key = "members_not_upgraded"
        self.params: dict[str, object] = {}


def canonical(doc: dict[str, Any]) -> bytes:
    """The signed bytes of a document: every field but `sig`, keys sorted."""
    return orjson.dumps({k: v for k, v in doc.items() if k != "sig"}, option=orjson.OPT_SORT_KEYS)


def entry_hash(doc: dict[str, Any]) -> str:
    """The hash that names an entry (over everything, signature included)."""
    return hashlib.sha256(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)).hexdigest()


def derive_vault_id(nonce: str, root_sign_pub: bytes) -> str:
    """A new vault's id: from its root public key (and a nonce), so the id certifies the key."""
    return hashlib.sha256(b"chandong-vault|" + nonce.encode() + b"|" + root_sign_pub).hexdigest()[:32]


def short_fingerprint(genesis_hash: str) -> str:
    """What people compare: 80 bits of the genesis hash in five groups (`1a2b-3c4d-…`)."""
    head = genesis_hash[:20]
    return "-".join(head[i : i + 4] for i in range(0, 20, 4))


def grant_aad(vault_id: str, epoch: int, uhash: str) -> bytes:
    """What a sealed vault key is bound to (the same binding as the first format's grants)."""
    return f"chandong-grant|{vault_id}|{epoch}|{uhash}".encode()


@dataclass(frozen=True)
class Grant:
    """The vault key of one epoch sealed to one of a member's box keys, from one entry."""

    epoch: int
    user: str
    role: str
    box_pub: bytes
    sign_pub: bytes
    granted_by: str
    sealed_key: dict[str, str]
    n: int = 0
    """The seq of the history entry that sealed it."""

    @property
    def order(self) -> tuple[int, int]:
        return (self.epoch, self.n)


@dataclass
class Member:
    """One login as the history says now."""

    uhash: str
    role: str
    box_pub: bytes
    sign_pub: bytes
    active: bool = True
    past_sign: list[bytes] = field(default_factory=list)
    """Signing keys the member held before (a reset or rotation; their old events keep them)."""
    since: int = 0
    """The seq of the entry that added the member."""
    invited: bool = False
    """The current keys are an admin's invitation (not enrolled yet): they sign nothing as the user."""
    rekey: bool = False
    """The current keys were made by an admin before the upgrade (first format): they count, and the
    user's next unlock replaces them with their own."""
    key_event: str = ""
    """The hash of the history entry that set the member's keys last (genesis, `add` or `keys`)."""
    chain: list[str] = field(default_factory=list)
    """The hashes of the member's own key changes since `key_event` (see `key_change`)."""

    @property
    def sign_keys(self) -> set[bytes]:
        """The keys whose signatures are the member's: every key they made (not an invitation)."""
        return {*self.past_sign, *(() if self.invited else (self.sign_pub,))}


@dataclass
class Membership:
    """The state after replaying a verified history."""

    vault_id: str
    dong_code: str
    genesis_hash: str
    legacy: bool
    epoch: int = 1
    seq: int = 0
    head: str = ""
    hashes: list[str] = field(default_factory=list)
    """The hash of each entry, in order (`hashes[seq - 1]`)."""
    members: dict[str, Member] = field(default_factory=dict)
    grants: list[Grant] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    """Files of `members/` that were not taken, and why (for `verify`)."""
    imported: dict[str, str] = field(default_factory=dict)
    """First-format keyring files the upgrade read (name → sha256), so later ones are named."""

    @property
    def fingerprint(self) -> str:
        return short_fingerprint(self.genesis_hash)

    def is_admin(self, sign_pub: bytes) -> Member | None:
        """The active, enrolled admin whose current signing key this is, if any."""
        for member in self.members.values():
            if (
                member.active
                and member.role == ADMIN_ROLE
                and member.sign_pub == sign_pub
                and not member.invited
            ):
                return member
        return None

    def active_admins(self) -> list[Member]:
        return [m for m in self.members.values() if m.active and m.role == ADMIN_ROLE]


# -- replay ------------------------------------------------------------------------------------
class _Invalid(Exception):
    """An entry that does not apply (its reason is reported; the chain ends before it)."""


def _read_entries(root: Path) -> tuple[dict[int, list[tuple[str, dict[str, Any]]]], list[tuple[str, str]]]:
    folder = root / MEMBERS_DIR
    by_seq: dict[int, list[tuple[str, dict[str, Any]]]] = {}
    problems: list[tuple[str, str]] = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        name = f"{MEMBERS_DIR}/{path.name}"
        match = _ENTRY_NAME.match(path.name)
        if not match:
            continue  # conflict copies, temp files: `verify` names them as foreign files
        try:
            doc = orjson.loads(path.read_bytes())
            if not isinstance(doc, dict) or doc.get("seq") != int(match.group(1)):
                raise ValueError("seq does not match the name")
            if entry_hash(doc)[:16] != match.group(2):
                raise ValueError("hash does not match the name")
        except (OSError, ValueError) as exc:
            problems.append((name, f"unreadable or altered membership entry ({exc})"))
            continue
        by_seq.setdefault(int(match.group(1)), []).append((name, doc))
    return by_seq, problems


def load_history(root: Path, genesis: str = "") -> Membership | None:
    """Replay `members/` from its genesis; None when the vault has none (first format).

    `genesis`: the first entry's hash this PC pinned; another first entry put beside it (anyone can
    sign one) is then reported, not a fork.
    The chain follows, seq by seq, the one entry that names the head so far and verifies; it ends at
    the first seq without one (what lies beyond is reported). Two valid entries for one seq are a
    fork: `MembershipRefused`.
    """
    by_seq, problems = _read_entries(root)
    if not by_seq:
        return None
    users = _newest_user_docs(root)
    state: Membership | None = None
    seq = 1
    while True:
        if state is not None:
            _advance_keys(state, users, before=seq)
        valid: list[tuple[str, dict[str, Any]]] = []
        for name, doc in by_seq.get(seq, []):
            try:
                if state is None:
                    _check_genesis(doc)
                else:
                    _check_entry(state, doc)
                valid.append((name, doc))
            except _Invalid as exc:
                problems.append((name, str(exc)))
            except (KeyError, TypeError, ValueError):
                problems.append((name, "malformed membership entry"))
        if len(valid) > 1 and state is None and genesis:
            problems.extend(
                (n, "another first entry (not this vault's)") for n, d in valid if entry_hash(d) != genesis
            )
            valid = [(n, d) for n, d in valid if entry_hash(d) == genesis]
        if len(valid) > 1:
            raise MembershipRefused(
                f"the membership history is forked at entry {seq} (two admins changed it at once?); "
                f"remove one of {', '.join(n for n, _ in valid)} from the shared folder",
                "members_forked",
                seq=seq,
            )
        if not valid:
            break
        name, doc = valid[0]
        if state is None:
            state = _genesis_state(doc)
        else:
            _apply(state, doc)
        state.seq = seq
        state.head = entry_hash(doc)
        state.hashes.append(state.head)
        seq += 1
    if state is None:
        raise MembershipRefused(
            "the membership history has no valid first entry", "members_no_genesis", seq=1
        )
    _advance_keys(state, users, before=state.seq + 1)
    for later in sorted(s for s in by_seq if s > seq):
        problems.extend((name, "does not follow the verified history") for name, _ in by_seq[later])
    state.problems = problems + state.problems
    return state


def _newest_user_docs(root: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each user's newest readable identity file: (its name, its document)."""
    folder = root / USERS_DIR
    newest: dict[str, tuple[int, Path]] = {}
    for path in folder.iterdir() if folder.is_dir() else ():
        if (m := _USER_NAME.match(path.name)) and int(m.group(2)) > newest.get(m.group(1), (-1, path))[0]:
            newest[m.group(1)] = (int(m.group(2)), path)
    docs: dict[str, tuple[str, dict[str, Any]]] = {}
    for uhash, (_rev, path) in newest.items():
        try:
            doc = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            continue
        if isinstance(doc, dict) and doc.get("user") == uhash:
            docs[uhash] = (f"{USERS_DIR}/{path.name}", doc)
    return docs


def key_change_message(vault_id: str, uhash: str, cert: dict[str, Any]) -> bytes:
    """What a key change's signature covers: the vault, the user and the change."""
    return b"chandong-key-change|" + canonical({**cert, "vault": vault_id, "user": uhash})


def key_change(
    vault_id: str, uhash: str, after: str, base: int, signer: Identity, box_pub: bytes, sign_pub: bytes
) -> dict[str, Any]:
    """A member's change to new key pairs (`box_pub`, `sign_pub`), signed by their current key
    (`signer`): `after` names the change or history entry that set the current keys, `base` the seq
    of the history it saw."""
    cert: dict[str, Any] = {
        "after": after,
        "base": base,
        "box_pub": b64e(box_pub),
        "sign_pub": b64e(sign_pub),
    }
    cert["sig"] = b64e(signer.sign.sign(key_change_message(vault_id, uhash, cert)))
    return cert


def _advance_keys(state: Membership, users: dict[str, tuple[str, dict[str, Any]]], before: int) -> None:
    """Take up each member's key changes that saw the history before seq `before` (see the module's
    "Users own their keys"); one that does not verify stops that member's chain and is reported."""
    for uhash, member in state.members.items():
        name, doc = users.get(uhash, ("", {}))
        certs = doc.get("certs") or []
        while member.active and len(member.chain) < len(certs):
            cert = certs[len(member.chain)]
            try:
                if cert["after"] != (member.chain[-1] if member.chain else member.key_event):
                    break  # an identity file from before a reset, or not synced yet
                if int(cert["base"]) >= before:
                    break
                if not verify_signature(
                    member.sign_pub, b64d(cert["sig"]), key_change_message(state.vault_id, uhash, cert)
                ):
                    state.problems.append((name, "key change not signed by the member's previous key"))
                    break
                member.past_sign = sorted(member.sign_keys)
                member.box_pub, member.sign_pub = b64d(cert["box_pub"]), b64d(cert["sign_pub"])
            except (KeyError, TypeError, ValueError):
                state.problems.append((name, "malformed key change"))
                break
            member.invited = member.rekey = False
            member.chain.append(entry_hash(cert))


def _signed_by(doc: dict[str, Any], vault_id: str) -> bytes:
    pub = b64d(doc["pub"])
    if doc.get("vault") != vault_id:
        raise _Invalid("entry of another vault")
    if not verify_signature(pub, b64d(doc["sig"]), canonical(doc)):
        raise _Invalid("signature does not verify")
    return pub


def _check_genesis(doc: dict[str, Any]) -> None:
    body = doc["body"]
    if doc.get("kind") != "genesis" or doc.get("prev") != "" or doc.get("format") != ENTRY_FORMAT:
        raise _Invalid("not a first entry")
    root_pub = b64d(body["root"]["sign_pub"])
    if not body.get("legacy") and body["vault_id"] != derive_vault_id(body["root"]["nonce"], root_pub):
        raise _Invalid("the vault id does not derive from the root key")
    if _signed_by(doc, body["vault_id"]) != root_pub:
        raise _Invalid("not signed by the root key")
    if not any(m["role"] == ADMIN_ROLE and b64d(m["sign_pub"]) == root_pub for m in body["members"]):
        raise _Invalid("the root key is not an admin's")


def _genesis_state(doc: dict[str, Any]) -> Membership:
    body = doc["body"]
    state = Membership(
        vault_id=body["vault_id"],
        dong_code=body["dong_code"],
        genesis_hash=entry_hash(doc),
        legacy=bool(body.get("legacy")),
        epoch=int(body["epoch"]),
        imported=dict(body.get("imported") or {}),
    )
    signer = b64d(doc["pub"])
    for item in body["members"]:
        _add_member(state, item, 1, signer)
        state.members[item["user"]].key_event = state.genesis_hash
        state.members[item["user"]].active = bool(item.get("active", True))
        state.members[item["user"]].past_sign = [b64d(p) for p in item.get("past_sign", [])]
    return state


def _check_entry(state: Membership, doc: dict[str, Any]) -> None:
    if doc.get("format") != ENTRY_FORMAT or doc.get("kind") not in KINDS[1:]:
        raise _Invalid("unknown kind of entry")
    if doc.get("prev") != state.head:
        raise _Invalid("does not name the entry before it")
    signer = _signed_by(doc, state.vault_id)
    body, kind = doc["body"], doc["kind"]
    member = state.members.get(body["user"])
    if state.is_admin(signer) is None:
        raise _Invalid("signed by a key that is not an admin's at that point (removed, demoted or never)")
    if kind == "add":
        if member is not None and member.active:
            raise _Invalid("adds a member who is already in")
        _check_keys(state, body["keys"], range(1, state.epoch + 1))
    elif member is None or not member.active:
        raise _Invalid("names a member who is not in")
    if kind == "role" and member is not None and member.role == ADMIN_ROLE and len(state.active_admins()) < 2:
        raise _Invalid("would leave the vault without an admin")
    if kind == "remove":
        stay = {u for u, m in state.members.items() if m.active and u != body["user"]}
        if int(body["epoch"]) != state.epoch + 1 or set(body["keys"]) != stay:
            raise _Invalid("a removal must start the next epoch for every member who stays")
        if member is not None and member.role == ADMIN_ROLE and len(state.active_admins()) < 2:
            raise _Invalid("would leave the vault without an admin")
    if kind == "keys":
        _check_keys(state, body["keys"], range(1, state.epoch + 1))


def _check_keys(state: Membership, keys: dict[str, Any], epochs: range) -> None:
    if not set(keys) <= {str(e) for e in epochs}:
        raise _Invalid("seals the key of an epoch that does not exist")


def _add_member(state: Membership, item: dict[str, Any], seq: int, signer: bytes) -> None:
    uhash = item["user"]
    member = Member(uhash, item["role"], b64d(item["box_pub"]), b64d(item["sign_pub"]), since=seq)
    member.invited = bool(item.get("invited", False))
    member.rekey = bool(item.get("rekey", False))
    old = state.members.get(uhash)
    if old is not None:
        member.past_sign = sorted(old.sign_keys)
    state.members[uhash] = member
    _grant_all(state, member, item.get("keys", {}), seq, signer)


def _grant_all(state: Membership, member: Member, keys: dict[str, Any], seq: int, signer: bytes) -> None:
    for epoch, sealed in keys.items():
        state.grants.append(
            Grant(
                int(epoch),
                member.uhash,
                member.role,
                member.box_pub,
                member.sign_pub,
                b64e(signer),
                sealed,
                seq,
            )
        )


def _apply(state: Membership, doc: dict[str, Any]) -> None:
    body, kind, seq = doc["body"], doc["kind"], int(doc["seq"])
    signer = b64d(doc["pub"])
    if kind == "add":
        _add_member(state, body, seq, signer)
        state.members[body["user"]].key_event = entry_hash(doc)
        return
    member = state.members[body["user"]]
    if kind == "role":
        member.role = body["role"]
    elif kind == "remove":
        member.active = False
        state.epoch = int(body["epoch"])
        for uhash, sealed in body["keys"].items():
            _grant_all(state, state.members[uhash], {str(state.epoch): sealed}, seq, signer)
    elif kind == "keys":
        member.past_sign = sorted(member.sign_keys)
        member.box_pub, member.sign_pub = b64d(body["box_pub"]), b64d(body["sign_pub"])
        member.invited = bool(body.get("invited", False))
        member.rekey = False
        member.key_event, member.chain = entry_hash(doc), []
        _grant_all(state, member, body["keys"], seq, signer)
    # roles of grants follow the member's role now
    state.grants = [replace(g, role=member.role) if g.user == member.uhash else g for g in state.grants]


def traces(root: Path, state: Membership) -> list[tuple[str, str]]:
    """What `verify` names about membership: entries not taken (forged, signed by a removed admin,
    renamed, out of chain) and first-format grant files that the upgrade did not read (written or
    changed since: they grant nothing, but someone put them there)."""
    found = list(state.problems)
    folder = root / "keyring"
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        if state.imported.get(path.name) != digest:
            found.append((f"keyring/{path.name}", "grant file not in the membership history (ignored)"))
    return found


# -- writing -----------------------------------------------------------------------------------
def _write_entry(root: Path, doc: dict[str, Any]) -> str:
    digest = entry_hash(doc)
    path = root / MEMBERS_DIR / f"{doc['seq']:06d}-{digest[:16]}.json"
    write_atomic(path, orjson.dumps(doc, option=orjson.OPT_INDENT_2), exclusive=True)
    return digest


def _signed(doc: dict[str, Any], signer: Identity) -> dict[str, Any]:
    doc["pub"] = b64e(signer.sign_public)
    doc["sig"] = b64e(signer.sign.sign(canonical(doc)))
    return doc


def member_doc(
    uhash: str,
    role: str,
    box_pub: bytes,
    sign_pub: bytes,
    keys: dict[int, bytes],
    vault_id: str,
    *,
    invited: bool = False,
) -> dict[str, Any]:
    """A member as an `add` entry (or the genesis) names them, with `keys` sealed to `box_pub`
    (`invited`: the keys are an admin's invitation, to be replaced by the user's own)."""
    doc: dict[str, Any] = {
        "user": uhash,
        "role": role,
        "box_pub": b64e(box_pub),
        "sign_pub": b64e(sign_pub),
        "keys": seal_keys(keys, box_pub, vault_id, uhash),
    }
    if invited:
        doc["invited"] = True
    return doc


def keys_doc(
    uhash: str, box_pub: bytes, sign_pub: bytes, keys: dict[int, bytes], vault_id: str
) -> dict[str, Any]:
    """A member's new public keys and `keys` sealed to them (a `keys` entry's body)."""
    return {
        "user": uhash,
        "box_pub": b64e(box_pub),
        "sign_pub": b64e(sign_pub),
        "keys": seal_keys(keys, box_pub, vault_id, uhash),
    }


def seal_keys(keys: dict[int, bytes], box_pub: bytes, vault_id: str, uhash: str) -> dict[str, Any]:
    recipient = X25519PublicKey.from_public_bytes(box_pub)
    return {str(e): seal_to(recipient, key, grant_aad(vault_id, e, uhash)) for e, key in sorted(keys.items())}


def write_genesis(
    root: Path,
    signer: Identity,
    dong_code: str,
    members: Callable[[str], list[dict[str, Any]]],
    *,
    epoch: int = 1,
    legacy_vault_id: str = "",
    imported: dict[str, str] | None = None,
) -> Membership:
    """The first entry, signed by `signer` (the root key, an admin among `members(vault_id)`)."""
    nonce = os.urandom(16).hex()
    vault_id = legacy_vault_id or derive_vault_id(nonce, signer.sign_public)
    body: dict[str, Any] = {
        "root": {"nonce": nonce, "sign_pub": b64e(signer.sign_public)},
        "vault_id": vault_id,
        "dong_code": dong_code,
        "legacy": bool(legacy_vault_id),
        "epoch": epoch,
        "members": members(vault_id),
    }
    if imported:
        body["imported"] = imported
    doc = {"format": ENTRY_FORMAT, "vault": vault_id, "seq": 1, "prev": "", "kind": "genesis", "body": body}
    _write_entry(root, _signed(doc, signer))
    state = load_history(root)
    assert state is not None
    return state


def append(root: Path, state: Membership, signer: Identity, kind: str, body: dict[str, Any]) -> Membership:
    """Append one entry after `state`'s head, signed by `signer`; the history as it is now.

    Refused (`BadInput`) when it would not verify (the signer is not an admin, a member is not in…),
    or when another admin appended meanwhile (the history is re-read first)."""
    doc = {
        "format": ENTRY_FORMAT,
        "vault": state.vault_id,
        "seq": state.seq + 1,
        "prev": state.head,
        "kind": kind,
        "body": body,
    }
    _signed(doc, signer)
    try:
        _check_entry(_copy(state), doc)
    except _Invalid as exc:
        raise BadInput(f"membership change refused: {exc}") from None
    now = load_history(root)
    if now is None or now.head != state.head:
        raise BadInput(
            "another supervisor changed the membership meanwhile; wait for the folder to sync and retry"
        )
    _write_entry(root, doc)
    after = load_history(root)
    assert after is not None
    return after


def _copy(state: Membership) -> Membership:
    import copy

    return copy.deepcopy(state)


# -- this PC's pin -----------------------------------------------------------------------------
def _pin_path(local: Path) -> Path:
    return local / "members-pin.json"


def read_pin(local: Path) -> dict[str, Any] | None:
    """What this PC accepted last: fingerprint (genesis hash), seq and head; None if never."""
    try:
        doc = orjson.loads(_pin_path(local).read_bytes())
    except (FileNotFoundError, orjson.JSONDecodeError):
        return None
    return doc if isinstance(doc, dict) else None


def check_pin(state: Membership, local: Path, confirmed: str | None = None) -> None:
    """Refuse a history this PC must not accept; pin or move the pin forward otherwise.

    First open: `FirstOpen` unless `confirmed` is the vault's fingerprint (short or whole). After:
    the same genesis, at least as long, through the entry this PC pinned, and through each member's
    newest key change it saw (unless a later entry reset the member's keys)."""
    pin = read_pin(local)
    if pin is None:
        if confirmed is None or _normal(confirmed) not in (_normal(state.fingerprint), state.genesis_hash):
            raise FirstOpen(state.fingerprint)
    elif pin.get("genesis") != state.genesis_hash:
        raise MembershipRefused(
            "this folder's membership history is not the one this PC knows for this vault (replaced?)",
            "members_replaced",
        )
    else:
        seq, head = int(pin.get("seq", 0)), str(pin.get("head", ""))
        if state.seq < seq:
            raise MembershipRefused(
                f"this folder holds an older membership than this PC has seen "
                f"(entry {state.seq} of {seq}: restored, rolled back or still syncing)",
                "members_older",
                have=state.seq,
                seen=seq,
            )
        if state.hashes[seq - 1] != head:
            raise MembershipRefused(
                f"this folder's membership history differs from what this PC has seen at entry {seq}",
                "members_forked_pin",
                seq=seq,
            )
        for uhash, (event, last) in (pin.get("keys") or {}).items():
            member = state.members.get(uhash)
            if member is not None and member.key_event == event and last and last not in member.chain:
                raise MembershipRefused(
                    "this folder holds an older key of a member than this PC has seen "
                    "(an identity file restored, or still syncing)",
                    "members_keys_older",
                )
    now = {
        "genesis": state.genesis_hash,
        "seq": state.seq,
        "head": state.head,
        "keys": {u: [m.key_event, m.chain[-1]] for u, m in sorted(state.members.items()) if m.chain},
    }
    if now != pin:
        write_atomic(_pin_path(local), orjson.dumps(now))


def pinned_history(root: Path, local: Path, confirmed: str | None = None) -> Membership:
    """The share's history as this PC (its state folder for the vault: `local`) may accept it:
    loaded, checked against the pin and the pin moved forward (`check_pin`); a share without one is
    refused too."""
    state = load_history(root, str((read_pin(local) or {}).get("genesis", "")))
    if state is None:
        raise MembershipRefused(
            "this vault's membership history is missing from the folder (deleted, or still syncing)",
            "members_missing",
        )
    check_pin(state, local, confirmed)
    return state


def _normal(text: str) -> str:
    return text.strip().lower().replace("-", "").replace(" ", "")
