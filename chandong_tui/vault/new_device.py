"""After a cloned PC is found: give this PC a new device id and carry its unpublished saves over.

A PC whose state folder was copied (a disk image, a restored backup) shares its device id with
another PC; the sync stops it from publishing (`sync.CloneDetected`), so its saves since then wait in
its outbox. `move_to_new_device` retires that device slot (moved aside, not deleted: its outbox stays
as it was) and opens the vault in a new slot with a fresh id and a cache built from the share, then
saves those changes again there, as new changes of this PC, and publishes them:

- record changes are written again field for field (they were never seen by another PC, so nobody's
  change refers to them);
- access-log events are not dropped: each is written again into the new device's chain, with the
  same actor, time and detail, and `carried_from` naming the device and number it had.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from chandong_tui.vault import audit as chain
from chandong_tui.vault.accounts import unlock
from chandong_tui.vault.errors import BadInput
from chandong_tui.vault.local_state import local_dir


@dataclass(frozen=True)
class Moved:
    old_device: str
    new_device: str
    records: int
    events: int
    published: int


def move_to_new_device(root: Path, user_id: str, passphrase: str) -> Moved:
    """See the module doc; `BadInput` when this PC publishes normally (nothing to fix)."""
    session = unlock(root, user_id, passphrase)
    try:
        if not session.publishing_stopped:
            raise BadInput("this PC publishes normally: there is no cloned device id to replace")
        waiting = list(session.unpublished_ops)
        old_device, old_slot = session.device, session.slot.folder
    finally:
        session.close(publish=False)
    retired = local_dir(session.info.vault_id) / "retired" / old_device
    retired.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(old_slot), str(retired))
    records = [op for op in waiting if op.table != chain.AUDIT_LOG]
    events = [op for op in waiting if op.table == chain.AUDIT_LOG]
    with unlock(root, user_id, passphrase) as fresh:
        fresh.write_batch([(op.table, op.row, dict(op.set)) for op in records])
        for op in events:
            event = op.set
            detail = {**dict(event.get("detail") or {}), "carried_from": f"{old_device}.{event.get('seq')}"}
            fresh.audit(
                str(event.get("action", "")),
                str(event.get("target", "")),
                detail,
                actor=str(event.get("actor") or user_id),
                at=str(event.get("at") or "") or None,
            )
        published = fresh.publish()
        return Moved(old_device, fresh.device, len(records), len(events), published)
