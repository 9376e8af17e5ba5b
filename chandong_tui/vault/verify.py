"""`chandong verify`: read every file of a vault that can be read, and say what is wrong with the rest."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import orjson

from chandong_tui.vault.errors import IntegrityError
from chandong_tui.vault.folder import DEVICE_NAME, DEVICES_DIR, MARKER
from chandong_tui.vault.keyring import KEYRING_DIR, USERS_DIR, Keyring, load_keyring
from chandong_tui.vault.members import MEMBERS_DIR, traces
from chandong_tui.vault.session import VaultSession
from chandong_tui.vault.share_files import classify
from chandong_tui.vault.stored import open_ops
from chandong_tui.vault.sync import Problem

_KNOWN_TOP = {MARKER, USERS_DIR, KEYRING_DIR, DEVICES_DIR, MEMBERS_DIR}


@dataclass
class VerifyReport:
    """Counts of what verified, problems (integrity failures) and notes (harmless oddities)."""

    chunks: int = 0
    ops: int = 0
    grants: int = 0
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
    devices = root / DEVICES_DIR
    for folder in sorted(devices.iterdir()) if devices.is_dir() else []:
        if not folder.is_dir() or not DEVICE_NAME.match(folder.name):
            report.notes.append(Problem(f"{DEVICES_DIR}/{folder.name}", "not a device folder (left alone)"))
            continue
        for path in sorted(folder.iterdir()):
            relative = f"{DEVICES_DIR}/{folder.name}/{path.name}"
            entry = classify(path.name)
            if entry.kind == "snapshot":
                continue  # checked when a new PC starts from it
            if entry.kind not in ("chunk", "pack"):
                reason = "unfinished write (temp file)" if entry.kind == "temp" else "foreign file"
                if entry.kind == "copy":
                    reason = "a sync tool's conflict copy"
                report.notes.append(Problem(relative, f"{reason}; left alone"))
                continue
            try:
                _header, ops = open_ops(path, entry, info.vault_id, folder.name, session.keys.get)
                report.ops += len(ops)
                report.chunks += 1
            except IntegrityError as exc:
                report.problems.append(Problem(relative, str(exc)))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                report.problems.append(Problem(relative, f"unreadable ({exc.__class__.__name__})"))
    return report
