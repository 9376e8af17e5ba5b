"""접속기록: the tamper-evident access log, one hash chain per device.

Every event is an op in the `audit_log` table (row id `<device>.<seq>`), published in chunks and
synced like any other change, never overwritten and never compacted. An event carries:

```
v, dev, seq, at, actor, by, action, target, detail, epoch, prev, mac, sig
```
- `seq` counts the device's events from 1; `prev` is the previous event's `mac` ("" for the first).
- `mac` = HMAC-SHA256(K, "chandong-audit|" ‖ prev ‖ canonical(event without mac and sig)), with
  K = HKDF(vault key of `epoch`, "chandong-audit|<vault>|<device>").
- `sig` = Ed25519 signature of canonical(event with mac) by `by`, the user whose session wrote it
  (`actor` is who did it: the same, except for failed unlocks recorded at the next unlock on the PC).

`verify_events` checks each device's chain: numbering without gaps (a deleted event), each `prev`
equal to the previous `mac` and the ops' clocks in chain order (reordered), each MAC and signature
(altered or forged), one version per event, and — against heads other devices have witnessed
(every login records the heads it has seen) and heads this PC has seen — that no tail is missing
(truncated).

What it protects against and what not: someone without the vault key cannot read, forge or change an
event at all (chunks are AEAD). A team member holds the vault key and so the MAC key; the signatures
stop them from forging or altering others' events, and witnesses from truncating a chain others have
seen. A member can still rewrite the unseen tail of their own device's chain; the README says so.

Whose an event is: the file that carries it is signed by its writer's device key (`writers.py`), whose
user must be the event's `by`; an event belongs to the chain of the folder it was read from (`Found.folder`),
whatever its `dev` or op id say. A login's witnessed heads are claims of its signer: a claim beyond a
chain whose device has written since is named a false witness (`verify_events`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from chandong_tui.vault.atomic import write_atomic
from chandong_tui.vault.crypto import b64d, b64e, derive_key, verify_signature
from chandong_tui.vault.keyring import Identity

AUDIT_LOG = "audit_log"
"""The table of chained access-log events."""
FORMAT = 1

LOGIN = "login"
LOGIN_FAILURE = "login_failure"
LOCKOUT = "lockout"
VIEW = "view"
EDIT = "edit"
EXPORT = "export"
REVEAL = "reveal"
USER_ADD = "user_add"
USER_REMOVE = "user_remove"
USER_RESET = "user_reset"
ROLE_CHANGE = "role_change"
PASSPHRASE_CHANGE = "passphrase_change"
ACTIONS = (
    LOGIN,
    LOGIN_FAILURE,
    LOCKOUT,
    VIEW,
    EDIT,
    EXPORT,
    REVEAL,
    USER_ADD,
    USER_REMOVE,
    USER_RESET,
    ROLE_CHANGE,
    PASSPHRASE_CHANGE,
)

_NOT_SIGNED = ("mac", "sig")


def canonical(doc: Mapping[str, Any], without: Iterable[str] = ()) -> bytes:
    skip = set(without)
    return orjson.dumps({k: v for k, v in doc.items() if k not in skip}, option=orjson.OPT_SORT_KEYS)


def chain_key(vault_key: bytes, vault_id: str, device: str) -> bytes:
    return derive_key(vault_key, f"chandong-audit|{vault_id}|{device}".encode())


def event_mac(key: bytes, event: Mapping[str, Any]) -> str:
    message = b"chandong-audit|" + str(event.get("prev", "")).encode() + canonical(event, _NOT_SIGNED)
    return b64e(hmac.new(key, message, hashlib.sha256).digest())


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def seal_event(
    *,
    key: bytes,
    signer: Identity,
    device: str,
    seq: int,
    prev: str,
    epoch: int,
    action: str,
    actor: str,
    target: str = "",
    detail: Mapping[str, Any] | None = None,
    at: str | None = None,
) -> dict[str, Any]:
    """The next event of a device's chain, with its MAC and the signer's signature."""
    event: dict[str, Any] = {
        "v": FORMAT,
        "dev": device,
        "seq": seq,
        "at": at or now_iso(),
        "actor": actor,
        "by": signer.user_id,
        "action": action,
        "target": target,
        "detail": dict(detail or {}),
        "epoch": epoch,
        "prev": prev,
    }
    event["mac"] = event_mac(key, event)
    event["sig"] = b64e(signer.sign.sign(canonical(event, ("sig",))))
    return event


def row_id(device: str, seq: int) -> str:
    return f"{device}.{seq}"


# -- events waiting for a key ----------------------------------------------------------------
def pending_folder(local: Path) -> Path:
    """Events that happened without an open vault (failed unlocks, lockouts) wait here, on this PC,
    until the next unlock on it puts them into its chain."""
    return local / "pending_audit"


MAX_PENDING = 1000
"""Events kept waiting on one PC at most (someone hammering a locked login must not fill the disk;
the lockout counts every failure anyway)."""


def add_pending(local: Path, action: str, actor: str, detail: Mapping[str, Any]) -> None:
    folder = pending_folder(local)
    if folder.is_dir() and sum(1 for _ in folder.glob("*.json")) >= MAX_PENDING:
        return
    body = {"at": now_iso(), "action": action, "actor": actor, "detail": dict(detail)}
    name = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}-{os.urandom(4).hex()}.json"
    with contextlib.suppress(OSError):  # the failure itself is still counted for the lockout
        write_atomic(pending_folder(local) / name, orjson.dumps(body), exclusive=True)


def claim_pending(local: Path) -> list[dict[str, Any]]:
    """Take the waiting events (a rename claims each one, so two windows never log it twice)."""
    folder = pending_folder(local)
    claimed = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        mine = path.with_suffix(f".claimed-{os.getpid()}")
        try:
            path.rename(mine)
            claimed.append(orjson.loads(mine.read_bytes()))
        except (OSError, orjson.JSONDecodeError):
            continue
        finally:
            mine.unlink(missing_ok=True)
    return claimed


# -- heads -------------------------------------------------------------------------------------
def heads_of(rows: Mapping[str, Mapping[str, Any]]) -> dict[str, tuple[int, str]]:
    """The last event (seq, mac) of each device's chain among `rows`."""
    heads: dict[str, tuple[int, str]] = {}
    for doc in rows.values():
        dev, seq = doc.get("dev"), doc.get("seq")
        if isinstance(dev, str) and isinstance(seq, int) and seq > heads.get(dev, (0, ""))[0]:
            heads[dev] = (seq, str(doc.get("mac", "")))
    return heads


def anchor_path(local: Path) -> Path:
    return local / "audit_heads.json"


def read_anchor(local: Path) -> dict[str, tuple[int, str]]:
    try:
        raw = orjson.loads(anchor_path(local).read_bytes())
        return {dev: (int(seq), str(mac)) for dev, (seq, mac) in raw.items()}
    except (OSError, orjson.JSONDecodeError, ValueError, TypeError, AttributeError):
        return {}


def write_anchor(local: Path, heads: Mapping[str, tuple[int, str]]) -> None:
    """Remember the furthest head of every chain this PC has seen (never moves back)."""
    merged = read_anchor(local)
    for dev, head in heads.items():
        if head[0] > merged.get(dev, (0, ""))[0]:
            merged[dev] = head
    write_atomic(anchor_path(local), orjson.dumps({d: list(h) for d, h in merged.items()}))


# -- verification ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Found:
    """One stored version of an event: the op that carried it and where it was read."""

    event: dict[str, Any]
    op_id: str
    hlc: tuple[int, int, str]
    where: str
    folder: str = ""
    """The device folder it was read from (this PC's device for its outbox): the chain it belongs to,
    whatever the event or the op id inside the ciphertext say."""


@dataclass
class ChainReport:
    """What `verify_events` found: events checked per device, and each problem in words."""

    events: int = 0
    devices: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_events(
    found: Iterable[Found],
    key_for: Callable[[int, str], bytes | None],
    sign_keys_of: Callable[[str], set[bytes]],
    witnessed: Mapping[str, Mapping[str, tuple[int, str]]],
    witnessed_at: Mapping[str, tuple[int, int, str]] | None = None,
) -> ChainReport:
    """Check every device's chain.

    `key_for(epoch, device)` gives the MAC key; `sign_keys_of(user)` the keys a user has signed with;
    `witnessed[source]` the heads `source` (another device, or this PC) has seen of each chain, and
    `witnessed_at[source]` the clock of the event that says so (a login). A claimed head beyond a
    chain whose device has written since that clock was never seen: the claim is false, and said to
    be the witness's (a member cannot raise a lasting false "truncated" alarm about someone else).
    """
    report = ChainReport()
    versions: dict[str, dict[int, list[Found]]] = defaultdict(lambda: defaultdict(list))
    for item in found:
        event = item.event
        dev, seq = event.get("dev"), event.get("seq")
        if not isinstance(dev, str) or not isinstance(seq, int) or seq < 1:
            report.problems.append(f"{item.where}: malformed access-log event {item.op_id}")
            continue
        folder = item.folder or item.op_id.split(".")[0]
        if folder != dev or not item.op_id.startswith(f"{dev}."):
            report.problems.append(f"device {dev} event {seq}: written by another device ({folder}): forged")
            continue
        versions[dev][seq].append(item)
    for dev in sorted(versions):
        report.devices += 1
        _verify_chain(dev, versions[dev], key_for, sign_keys_of, report)
    for source, heads in witnessed.items():
        for dev, (seq, mac) in heads.items():
            chain = versions.get(dev, {})
            last = max(chain, default=0)
            when = (witnessed_at or {}).get(source)
            if seq > last and when is not None and any(v.hlc > when for v in chain.get(last, [])):
                report.problems.append(
                    f"{source}: claims event {seq} of device {dev}, which that device never wrote "
                    f"(it wrote event {last} later): a false witness"
                )
            elif seq > last:
                doubt = "" if when is None else ", unless that is a false witness"  # judged once it writes
                report.problems.append(
                    f"device {dev}: events {last + 1}–{seq} missing "
                    f"(truncated; {source} saw event {seq}{doubt})"
                )
            elif seq in chain and mac and all(v.event.get("mac") != mac for v in chain[seq]):
                doubt = "" if when is None else " or a false witness"
                report.problems.append(
                    f"device {dev} event {seq}: differs from what {source} saw (altered{doubt})"
                )
    return report


def _verify_chain(
    dev: str,
    chain: dict[int, list[Found]],
    key_for: Callable[[int, str], bytes | None],
    sign_keys_of: Callable[[str], set[bytes]],
    report: ChainReport,
) -> None:
    expected = 1
    previous: Found | None = None
    for seq in sorted(chain):
        items = chain[seq]
        report.events += 1
        distinct = {canonical(v.event) for v in items}
        if len(distinct) > 1:
            report.problems.append(f"device {dev} event {seq}: {len(distinct)} different versions (altered)")
        item = items[0]
        event = item.event
        name = f"device {dev} event {seq} ({event.get('action', '?')} by {event.get('actor', '?')})"
        if seq > expected:
            gap = f"event {expected}" if seq == expected + 1 else f"events {expected}–{seq - 1}"
            report.problems.append(f"device {dev}: {gap} missing (deleted)")
        key = key_for(int(event.get("epoch", 0) or 0), dev)
        if key is None:
            report.problems.append(f"{name}: no key for epoch {event.get('epoch')} (cannot check)")
        elif not hmac.compare_digest(event_mac(key, event), str(event.get("mac", ""))):
            report.problems.append(f"{name}: altered (MAC does not match)")
        if not _signed(event, sign_keys_of):
            report.problems.append(
                f"{name}: signature of {event.get('by')!r} does not verify (altered or forged)"
            )
        if seq == 1 and event.get("prev"):
            report.problems.append(f"{name}: first event of the chain points to an earlier one")
        if previous is not None and seq == expected:
            if event.get("prev") != previous.event.get("mac"):
                report.problems.append(f"{name}: does not follow event {seq - 1} (reordered or replaced)")
            elif item.hlc < previous.hlc:
                report.problems.append(f"{name}: written before event {seq - 1} (reordered)")
        previous = item
        expected = seq + 1


def _signed(event: Mapping[str, Any], sign_keys_of: Callable[[str], set[bytes]]) -> bool:
    try:
        signature = b64d(str(event.get("sig", "")))
    except ValueError:
        return False
    message = canonical(event, ("sig",))
    return any(verify_signature(pub, signature, message) for pub in sign_keys_of(str(event.get("by", ""))))
