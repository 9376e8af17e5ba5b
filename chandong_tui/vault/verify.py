"""`chandong verify`: read every file of a vault that can be read, and say what is wrong with the rest.

Besides the keyring and the users' files: every chunk and pack (its writer and its ops' authors,
`writers.py`), each device's chain (gaps, the newest this PC read gone, files that do not follow each
other: `continuity.py`) and every snapshot (signer, and what it says it covers: `snapshots.check`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import orjson

from chandong_tui.vault import continuity, legacy, snapshots
from chandong_tui.vault.chunks import Opened
from chandong_tui.vault.errors import IntegrityError
from chandong_tui.vault.folder import DEVICE_NAME, DEVICES_DIR, MARKER
from chandong_tui.vault.keyring import KEYRING_DIR, USERS_DIR, Keyring, load_keyring
from chandong_tui.vault.members import MEMBERS_DIR, traces
from chandong_tui.vault.session import VaultSession
from chandong_tui.vault.share_files import Entry, classify
from chandong_tui.vault.snapshots import Snapshot
from chandong_tui.vault.stored import open_ops
from chandong_tui.vault.sync import Problem
from chandong_tui.vault.writers import Outdated, Writers

_KNOWN_TOP = {MARKER, USERS_DIR, KEYRING_DIR, DEVICES_DIR, MEMBERS_DIR, legacy.MANIFEST, legacy.DEPARTED_DIR}


@dataclass
class VerifyReport:
    """Counts of what verified, problems (integrity failures) and notes (harmless oddities)."""

    chunks: int = 0
    ops: int = 0
    grants: int = 0
    snapshots: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _membership_problems(root: Path, keyring: Keyring) -> list[Problem]:
    """Entries of the membership history not taken, and grant files outside it (`members.traces`)."""
    if keyring.history is None:
        return [Problem(path, reason) for path, reason in keyring.problems]
    return [Problem(path, reason) for path, reason in traces(root, keyring.history)]


def verify_vault(session: VaultSession) -> VerifyReport:
    """Check the keyring, user files and every chunk of every device, independently of the cache."""
    info = session.info
    root = info.root
    report = VerifyReport()
    keyring = load_keyring(root, info.vault_id, info.root_sign_pub)
    report.grants = len(keyring.grants)
    report.problems += _membership_problems(root, keyring)
    for path in sorted((root / USERS_DIR).iterdir()) if (root / USERS_DIR).is_dir() else []:
        try:
            doc = orjson.loads(path.read_bytes())
            if not isinstance(doc, dict) or "sealed" not in doc:
                raise ValueError
        except (OSError, ValueError):
            report.problems.append(Problem(f"{USERS_DIR}/{path.name}", "unreadable user file"))
    for path in sorted(root.iterdir()):
        if path.name not in _KNOWN_TOP and not path.name.startswith("."):
            report.notes.append(Problem(path.name, "not a vault file (left alone)"))
    writers = session.writers()
    report.problems += [Problem(path, reason) for path, reason in writers.problems]
    if writers.legacy is None:
        report.notes.append(
            Problem(legacy.MANIFEST, "missing: the vault is not upgraded, unsigned files are read")
        )
    seen = continuity.seen_heads(session.local_dir)
    devices = root / DEVICES_DIR
    for folder in sorted(devices.iterdir()) if devices.is_dir() else []:
        if not folder.is_dir() or not DEVICE_NAME.match(folder.name):
            report.notes.append(Problem(f"{DEVICES_DIR}/{folder.name}", "not a device folder (left alone)"))
            continue
        chain: list[tuple[Entry, str, Opened]] = []
        for path in sorted(folder.iterdir()):
            relative = f"{DEVICES_DIR}/{folder.name}/{path.name}"
            entry = classify(path.name)
            if entry.kind == "snapshot":
                _verify_snapshot(session, writers, Snapshot(folder.name, entry.seq, path), relative, report)
                continue
            if entry.kind not in ("chunk", "pack"):
                reason = "unfinished write (temp file)" if entry.kind == "temp" else "foreign file"
                if entry.kind == "copy":
                    reason = "a sync tool's conflict copy"
                report.notes.append(Problem(relative, f"{reason}; left alone"))
                continue
            try:
                read = open_ops(path, entry, info.vault_id, folder.name, session.keys.get, writers)
                report.ops += len(read.ops)
                report.chunks += 1
                chain.append((entry, relative, read.opened))
            except IntegrityError as exc:
                report.problems.append(Problem(relative, str(exc)))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                report.problems.append(Problem(relative, f"unreadable ({exc.__class__.__name__})"))
        names = [classify(p.name) for p in folder.iterdir()]
        _verify_chain(folder.name, names, chain, seen.get(folder.name), report)
    return report


def _verify_chain(
    device: str,
    names: list[Entry],
    files: list[tuple[Entry, str, Opened]],
    seen: tuple[int, str] | None,
    report: VerifyReport,
) -> None:
    """A device's chain, whole: gaps, the newest this PC read gone or replaced, each signed file's
    `prev` the link of the file before it."""
    folder = f"{DEVICES_DIR}/{device}"
    for first, last in continuity.gaps(names):
        report.problems.append(Problem(folder, continuity.describe_gap(device, first, last)))
    links = {entry.seq: opened.link for entry, _, opened in files}
    if seen is not None:
        present = continuity.top(names)
        if present < seen[0]:
            report.problems.append(Problem(folder, continuity.describe_rollback(device, present, seen[0])))
        elif seen[0] in links and links[seen[0]] != seen[1]:
            report.problems.append(Problem(folder, continuity.describe_replaced(device, seen[0])))
    for entry, relative, opened in files:
        before = links.get(entry.first - 1)
        if opened.signed and entry.first > 1 and before is not None and opened.header.prev != before:
            report.problems.append(Problem(relative, continuity.describe_broken(device, entry.first)))
        if opened.signed and entry.first == 1 and opened.header.prev:
            report.problems.append(Problem(relative, continuity.describe_broken(device, entry.first)))


def _verify_snapshot(
    session: VaultSession, writers: Writers, snap: Snapshot, relative: str, report: VerifyReport
) -> None:
    try:
        snapshots.check(session.info, snap, session.keys.get, writers)
        report.snapshots += 1
    except Outdated as exc:
        report.notes.append(Problem(relative, f"an older snapshot, not used by new PCs: {exc}"))
    except IntegrityError as exc:
        report.problems.append(Problem(relative, f"snapshot refused: {exc}"))
    except OSError as exc:
        report.problems.append(Problem(relative, f"unreadable ({exc.__class__.__name__})"))
