"""Sharing through the folder: read other PCs' chunks, and one sync round (publish + ingest).

A round is split so that a terminal UI can keep typing while a slow share is read:
`collect` does the file work (list the device folders, read and decrypt what is new) and changes
nothing; `apply_collected` merges what it found into the session, and is quick. `sync_round` does
both and publishes, for scripts (`chandong sync`) and tests. Both act on the session through its
methods (`merge_from_share`, `record_chunks`, `record_copy`, `record_ingest`), never its fields.

Faults, each reported and none losing anything (docs/ARCHITECTURE.md §4):
- the share is offline: publishing fails, the outbox keeps every save for the next round;
- `VAULT.json` is missing, or most chunks this PC has applied are gone (a wrong or unmounted folder):
  the round refuses to read or write, never treating absence as deletion;
- a chunk shorter than its header says: *pending* while it is young (a sync tool may still be copying
  it), then reported; one that does not verify: reported as damaged. Both are retried every round,
  never applied in part, never moved or deleted;
- a sync tool's conflict copy of a chunk: verified against the folder's device and the number in its
  name, its ops ingested once (merge is idempotent), reported, left in place;
- foreign files (`desktop.ini`, `Thumbs.db`, Office locks) and temp files: left alone;
- a file that vanishes while being read: skipped, looked at again next round;
- ops stamped far in the future (a PC's clock set wrong): stored and merged, the local clock is not
  moved, the round counts them;
- another PC writing into this PC's device folder (a cloned PC): publishing stops (`CloneDetected`);
- a file whose writer may not have written it (`writers.py`: unsigned after the upgrade, signed by
  someone not a member of its epoch, ops or events claimed for someone else): reported, never applied;
- a device's chain broken (`continuity.py`: a chunk in the middle or the newest deleted, a file
  replaced): one line naming the device, each round; what verifies is still merged.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from chandong_tui.vault import continuity
from chandong_tui.vault.chunks import Incomplete
from chandong_tui.vault.errors import IntegrityError
from chandong_tui.vault.folder import DEVICE_NAME, DEVICES_DIR, MARKER
from chandong_tui.vault.ops import Op
from chandong_tui.vault.share_files import Entry, classify
from chandong_tui.vault.stored import open_ops
from chandong_tui.vault.writers import Writers

if TYPE_CHECKING:
    from chandong_tui.vault.session import VaultSession

PENDING_SECONDS = 600
"""An incomplete chunk is taken for one still being copied while younger than this."""

MISSING_SHARE_FRACTION = 0.5
"""Refuse a round when fewer than this share of the chunks already applied here are still there."""

MISSING_SHARE_MINIMUM = 10
"""… and this PC has applied at least this many (a new vault has too few to judge)."""


@dataclass(frozen=True)
class Problem:
    """A file that could not be used, and why (paths are relative to the vault)."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class IngestReport:
    """What one ingest round did, and what it left alone."""

    chunks: int = 0
    ops: int = 0
    changed: int = 0
    problems: list[Problem] = field(default_factory=list)
    far_future: int = 0
    pending: list[str] = field(default_factory=list)
    """Chunks that do not verify yet and are young: probably still being copied; retried."""
    copies: list[Problem] = field(default_factory=list)
    """Conflict copies made by sync tools, and what was done with each."""
    foreign: list[str] = field(default_factory=list)
    """Files that are not the vault's (left alone)."""
    vanished: int = 0
    present: int = 0
    """Chunk files seen in the share (the missing-files guard compares it with what was applied)."""
    clone: str = ""
    """Set when a chunk in this PC's own folder was not written by this PC."""


@dataclass
class Found:
    """One verified chunk (or conflict copy) read by `collect`."""

    device: str
    seq: int
    ops: list[Op]
    path: str
    copy_digest: str = ""
    """For a conflict copy: the hash of its bytes (each copy is ingested once)."""
    first: int = 0
    """For a pack: the first chunk number it holds (`seq` is the last)."""
    link: str = ""
    """Its link in the device's chain (`continuity.py`)."""
    prev: str = ""
    """The link it names as its predecessor's (signed files; "" otherwise)."""
    signed: bool = False


@dataclass
class Collected:
    found: list[Found] = field(default_factory=list)
    report: IngestReport = field(default_factory=IngestReport)


class CloneDetected(IntegrityError):
    """Another PC writes into this PC's device folder: its state folder was copied (a cloned PC)."""


class ShareRefused(IntegrityError):
    """The folder does not look like the vault any more (marker or most files gone): nothing done."""


def check_share(session: VaultSession) -> None:
    """`ShareRefused` when `VAULT.json` is gone (a wrong or unmounted folder)."""
    root = session.info.root
    if not (root / MARKER).is_file():
        raise ShareRefused(
            f"{MARKER} is missing from the vault folder: a wrong or unmounted folder? nothing read or written"
        )


def collect(session: VaultSession) -> Collected:
    """Read every chunk or pack not applied yet (and conflict copies not seen yet); change nothing."""
    out = Collected()
    report = out.report
    devices = session.info.root / DEVICES_DIR
    try:
        folders = sorted(os.listdir(devices))
    except FileNotFoundError:
        folders = []
    now = time.time()
    writers = session.writers()
    report.problems += [Problem(path, reason) for path, reason in writers.problems]
    seen = continuity.seen_heads(session.local_dir)
    for name in folders:
        if not DEVICE_NAME.match(name):
            report.foreign.append(f"{DEVICES_DIR}/{name}")
            continue
        try:
            files = sorted(os.listdir(devices / name))
        except (FileNotFoundError, NotADirectoryError):
            continue
        before = len(out.found)
        for file in files:
            entry = classify(file)
            relative = f"{DEVICES_DIR}/{name}/{file}"
            if entry.kind in ("temp", "snapshot"):
                continue
            if entry.kind == "foreign":
                report.foreign.append(relative)
                continue
            if entry.kind in ("chunk", "pack"):
                report.present += entry.seq - entry.first + 1
                if all(session.chunk_applied(name, seq) for seq in range(entry.first, entry.seq + 1)):
                    continue
                if name == session.device and entry.seq > session.own_chunk_seq:
                    report.clone = relative
            digest = ""
            if entry.kind == "copy":
                copy_digest = _digest(devices / name / file, report)
                if copy_digest is None or session.copy_digest(relative) == copy_digest:
                    continue  # vanished, or this copy was taken in before, byte for byte
                digest = copy_digest
            _read(session, devices / name / file, name, entry, now, out, digest, writers)
        _check_chain(session, name, files, seen.get(name), out.found[before:], now, report)
    return out


def _check_chain(
    session: VaultSession,
    device: str,
    files: list[str],
    seen: tuple[int, str] | None,
    read: list[Found],
    now: float,
    report: IngestReport,
) -> None:
    """Report a device's broken chain (`continuity.py`): a gap (once the file after it is no longer
    young: sync tools deliver out of order), the newest this PC read gone or replaced, a file read
    now that does not follow the one before it."""
    entries = [classify(f) for f in files]
    folder = f"{DEVICES_DIR}/{device}"
    problems = report.problems
    for first, last in continuity.gaps(entries):
        after = next((f for f, e in zip(files, entries, strict=True) if e.first == last + 1), "")
        if after and not _young(session.info.devices / device / after, now):
            problems.append(Problem(folder, continuity.describe_gap(device, first, last)))
    links = {f.seq: f.link for f in read if not f.copy_digest}
    if seen is not None:
        present = continuity.top(entries)
        if present < seen[0]:
            problems.append(Problem(folder, continuity.describe_rollback(device, present, seen[0])))
        else:
            ending = next((f for f, e in zip(files, entries, strict=True) if e.seq == seen[0]), "")
            link = links.get(seen[0]) or (
                ending and continuity.link_of(session.info.devices / device / ending)
            )
            if link and link != seen[1]:
                problems.append(Problem(folder, continuity.describe_replaced(device, seen[0])))
        links.setdefault(seen[0], seen[1])
    for found in read:
        before = links.get(found.first - 1)
        if found.signed and found.first > 1 and before is not None and found.prev != before:
            problems.append(Problem(found.path, continuity.describe_broken(device, found.first)))


def _digest(path: Path, report: IngestReport) -> str | None:
    """The hash of a conflict copy's bytes (None when it vanished)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        report.vanished += 1
        return None


def _read(
    session: VaultSession,
    path: Path,
    device: str,
    entry: Entry,
    now: float,
    out: Collected,
    digest: str,
    writers: Writers,
) -> None:
    relative = str(path.relative_to(session.info.root))
    report = out.report
    is_copy = entry.kind == "copy"
    try:
        read = open_ops(path, entry, session.info.vault_id, device, session.keys.get, writers)
    except FileNotFoundError:
        report.vanished += 1
        return
    except Incomplete:
        if _young(path, now):
            report.pending.append(relative)
        else:
            report.problems.append(
                Problem(relative, "incomplete for a long time: a copy that never finished")
            )
        return
    except IntegrityError as exc:  # retried every round all the same: never applied in part
        if is_copy:
            report.copies.append(Problem(relative, f"conflict copy that does not verify, left alone ({exc})"))
        else:
            report.problems.append(Problem(relative, str(exc)))
        return
    except (OSError, ValueError, KeyError, TypeError) as exc:
        report.problems.append(Problem(relative, f"unreadable ({exc.__class__.__name__})"))
        return
    header = read.header
    first = header.first_seq or header.seq
    opened = read.opened
    found = Found(
        device, header.seq, read.ops, relative, digest, first, opened.link, header.prev, opened.signed
    )
    out.found.append(found)


def _young(path: Path, now: float) -> bool:
    try:
        return now - path.stat().st_mtime < PENDING_SECONDS
    except OSError:
        return True


def apply_collected(session: VaultSession, collected: Collected) -> IngestReport:
    """Merge what `collect` found (quick; on the thread that owns the session)."""
    report = collected.report
    heads: dict[str, tuple[int, str]] = {}
    for found in collected.found:
        seqs = range(found.first or found.seq, found.seq + 1)
        if not found.copy_digest and all(session.chunk_applied(found.device, seq) for seq in seqs):
            continue  # applied meanwhile (two rounds raced)
        own = found.device == session.device and found.seq <= session.written_mark
        changed, far_future = session.merge_from_share(found.ops, own_chain=own)
        report.far_future += far_future
        report.changed += changed
        report.ops += len(found.ops)
        if found.copy_digest:
            session.record_copy(found.path, found.copy_digest)
            report.copies.append(
                Problem(
                    found.path, f"conflict copy made by a sync tool: verified, {changed} change(s) taken in"
                )
            )
        else:
            report.chunks += 1
            session.record_chunks(found.device, seqs)
            session.record_link(found.device, found.seq, found.link)
            if found.seq > heads.get(found.device, (0, ""))[0]:
                heads[found.device] = (found.seq, found.link)
    if heads:
        with contextlib.suppress(OSError):  # only this PC's memory of the chains: next round retries
            continuity.remember_heads(session.local_dir, heads)
    if report.clone:
        session.stop_publishing(
            f"{report.clone}: another PC writes as this one (a copied PC or state folder?); "
            "publishing stopped, saves stay in this PC's outbox"
        )
    session.record_ingest(report)
    return report


def check_not_emptied(session: VaultSession, report: IngestReport) -> None:
    """`ShareRefused` when most chunks this PC has applied are no longer in the folder."""
    applied = session.applied_chunks
    if applied >= MISSING_SHARE_MINIMUM and report.present < applied * MISSING_SHARE_FRACTION:
        raise ShareRefused(
            f"only {report.present} of the {applied} chunk files this PC has read are in the vault folder: "
            "a wrong, unmounted or half-synced folder? nothing changed here; the records stay as they were"
        )


@dataclass
class SyncReport:
    """What `sync_round` did."""

    published: int = 0
    ingest: IngestReport = field(default_factory=IngestReport)
    waiting: int = 0
    """Saves still only in this PC's outbox."""
    offline: str = ""
    """Why publishing failed (share unreachable), if it did."""
    refused: str = ""


def read_share(session: VaultSession) -> Collected:
    """`collect`, in a folder that still looks like the vault (`ShareRefused` otherwise); file work
    only, nothing changed (a terminal UI runs it in a thread)."""
    check_share(session)
    collected = collect(session)
    check_not_emptied(session, collected.report)
    return collected


def sync_round(session: VaultSession) -> SyncReport:
    """Ingest what is new, then publish what waits; never raises for a share problem (see `refused`)."""
    result = SyncReport()
    try:
        result.ingest = apply_collected(session, read_share(session))
        result.published = session.publish()
    except (ShareRefused, CloneDetected) as exc:
        result.refused = str(exc)
    except OSError as exc:
        result.offline = f"the shared folder is unreachable ({exc.strerror or exc.__class__.__name__})"
    result.waiting = session.unpublished
    return result
