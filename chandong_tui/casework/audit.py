"""접속기록 for people: record views, reveals and exports; read, filter and verify the access log.

The chain itself (format, MACs, signatures, verification) is `vault.audit`; logins, failed unlocks,
lockouts, user changes and every save (`edit`) are recorded by the vault session. This module adds
what only case work knows about (a household looked at, a number revealed, an export) and gives the
supervisor the log: `events` (filtered by month and user) and `verify_log` (exit 4 from the CLI when
anything is wrong). Only supervisors read the log (`permissions.MATRIX`, kind `audit_event`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from chandong_tui.casework.permissions import require_read
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.vault import audit as chain
from chandong_tui.vault.errors import IntegrityError
from chandong_tui.vault.keyring import load_keyring, user_hash
from chandong_tui.vault.session import VaultSession
from chandong_tui.vault.stored import device_folders, op_files, open_ops

KST = dt.timezone(dt.timedelta(hours=9))
LOG_KIND = "audit_event"
"""The permission matrix's name for the access log."""


def log_view(repo: CaseRepository, household_id: str) -> str:
    """Record that the user opened a household (its detail, members and history)."""
    return repo.session.audit(chain.VIEW, target=household_id)


def log_export(repo: CaseRepository, detail: dict[str, Any], at: dt.datetime | None = None) -> str:
    """Record an export before its rows are handed out; returns the event's id."""
    stamp = at.astimezone(dt.UTC).isoformat(timespec="milliseconds") if at else None
    return repo.session.audit(chain.EXPORT, target=str(detail.get("what", "")), detail=detail, at=stamp)


def log_reveal(repo: CaseRepository, member_id: str, field: str, reason: str) -> str:
    return repo.session.audit(chain.REVEAL, target=member_id, detail={"field": field, "reason": reason})


@dataclass(frozen=True)
class Event:
    """One access-log event as people read it. Its `actor` is its signer (`by`, whose key signed it and
    whose file carried it); a login someone else typed (a failed unlock) is `claimed`."""

    id: str
    at: dt.datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any]
    device: str
    seq: int
    claimed: str = ""

    @property
    def at_kst(self) -> dt.datetime:
        return self.at.astimezone(KST)


def _event(row_id: str, doc: dict[str, Any]) -> Event | None:
    try:
        at = dt.datetime.fromisoformat(str(doc["at"]))
        detail = dict(doc.get("detail") or {})
        signer = str(doc.get("by") or doc.get("actor", ""))
        typed = str(detail.get("claimed") or doc.get("actor", ""))  # events of before: `actor` is typed
        return Event(
            id=row_id,
            at=at if at.tzinfo else at.replace(tzinfo=dt.UTC),
            actor=signer,
            action=str(doc.get("action", "")),
            target=str(doc.get("target", "")),
            detail=detail,
            device=str(doc.get("dev", "")),
            seq=int(doc.get("seq", 0)),
            claimed=typed if typed != signer else "",
        )
    except (KeyError, TypeError, ValueError):
        return None


def all_events(session: VaultSession) -> Iterator[Event]:
    """Every event of the log, unordered (no permission check: for reports inside casework).

    Events are not kept in the cache (a PC would carry two years of them in memory): they are read
    from the chunks and this PC's unpublished outbox, which costs one pass over the vault's files.
    """
    found, _problems = collect(session)
    seen: set[str] = set()
    for item in found:
        row = chain.row_id(str(item.event.get("dev", "")), int(item.event.get("seq", 0) or 0))
        if row in seen:
            continue
        seen.add(row)
        event = _event(row, item.event)
        if event is not None:
            yield event


def events(
    repo: CaseRepository, *, month: str | None = None, user: str | None = None, action: str | None = None
) -> list[Event]:
    """The access log, oldest first, for a supervisor; `month` is `YYYY-MM` in Seoul time; `user`: the
    events that user signed, and the failed unlocks of their login others recorded."""
    require_read(repo.role, LOG_KIND)
    found = [
        e
        for e in all_events(repo.session)
        if (month is None or f"{e.at_kst:%Y-%m}" == month)
        and (user is None or user in (e.actor, e.claimed))
        and (action is None or e.action == action)
    ]
    return sorted(found, key=lambda e: (e.at, e.device, e.seq))


def collect(session: VaultSession) -> tuple[list[chain.Found], list[str]]:
    """Every stored version of every event, read from the vault's chunks (not the cache) and from
    this PC's unpublished outbox; and the chunks that could not be read (they may hide events)."""
    info = session.info
    found: list[chain.Found] = []
    problems: list[str] = []
    writers = session.writers()
    for device in device_folders(info.devices):
        for path, entry in op_files(info.devices, device):
            where = f"devices/{device}/{path.name}"
            try:
                ops = open_ops(path, entry, info.vault_id, device, session.keys.get, writers).ops
            except IntegrityError as exc:
                problems.append(f"{where}: {exc} (its events cannot be checked)")
                continue
            except (OSError, ValueError, KeyError, TypeError) as exc:
                problems.append(f"{where}: unreadable ({exc.__class__.__name__})")
                continue
            found += [_found(op, where, device) for op in ops if op.table == chain.AUDIT_LOG]
    found += [
        _found(op, "(this PC, not yet published)", session.device)
        for op in session.unpublished_ops
        if op.table == chain.AUDIT_LOG
    ]
    return found, problems


def _found(op: Any, where: str, folder: str) -> chain.Found:
    return chain.Found(dict(op.set), op.id, (op.hlc.ms, op.hlc.counter, op.hlc.device), where, folder)


def verify_log(session: VaultSession) -> chain.ChainReport:
    """Check every device's chain (see `vault.audit.verify_events`); supervisors only."""
    require_read(session.role, LOG_KIND)
    info = session.info
    keyring = load_keyring(info.root, info.vault_id, info.root_sign_pub)
    found, unreadable = collect(session)
    keys: dict[tuple[int, str], bytes | None] = {}

    def key_for(epoch: int, device: str) -> bytes | None:
        if (epoch, device) not in keys:
            vault_key = session.keys.get(epoch)
            keys[epoch, device] = (
                chain.chain_key(vault_key, info.vault_id, device) if vault_key is not None else None
            )
        return keys[epoch, device]

    def sign_keys_of(user: str) -> set[bytes]:
        return keyring.sign_keys(user_hash(info.vault_id, user))

    witnessed: dict[str, dict[str, tuple[int, str]]] = {}
    witnessed_at: dict[str, tuple[int, int, str]] = {}
    for item in found:
        event = item.event
        if event.get("action") == chain.LOGIN and sign_keys_of(str(event.get("by", ""))):
            heads = (event.get("detail") or {}).get("heads") or {}
            source = f"device {event.get('dev')} (event {event.get('seq')}, login of {event.get('by')})"
            witnessed_at[source] = item.hlc
            for dev, head in heads.items():
                try:
                    witnessed.setdefault(source, {})[str(dev)] = (int(head[0]), str(head[1]))
                except (TypeError, ValueError, IndexError):
                    continue
    anchor = chain.read_anchor(session.local_dir)
    if anchor:
        witnessed["this PC"] = anchor
    report = chain.verify_events(found, key_for, sign_keys_of, witnessed, witnessed_at)
    report.problems[:0] = unreadable
    if report.ok:
        chain.write_anchor(session.local_dir, chain.heads_of({f.op_id: f.event for f in found}))
    return report


BULK_VIEWS_PER_DAY = 50
"""More household views than this by one user on one day count as a bulk view for the review."""
NIGHT = (22, 6)
"""Events from 22:00 to 05:59 Seoul time count as night-time access."""


@dataclass
class ReviewLine:
    """One user's month in the access log, as the supervisor's monthly review shows it."""

    user: str
    logins: int = 0
    failures: int = 0
    lockouts: int = 0
    views: int = 0
    bulk_view_days: int = 0
    night: int = 0
    exports: int = 0
    unmasked_exports: int = 0
    reveals: int = 0

    @property
    def flagged(self) -> bool:
        """Whether anything here asks for a look: failures, bulk views, night-time access, unmasked
        exports or reveals."""
        return bool(
            self.failures or self.bulk_view_days or self.night or self.unmasked_exports or self.reveals
        )


def monthly_review(repo: CaseRepository, month: str) -> list[ReviewLine]:
    """Per user: logins, failed unlocks, lockouts, household views and days of bulk viewing,
    night-time events, exports (unmasked apart) and reveals, for `month` (YYYY-MM, Seoul time)."""
    lines: dict[str, ReviewLine] = {}
    views_per_day: dict[tuple[str, dt.date], int] = {}
    for event in events(repo, month=month):
        failed = event.action in (chain.LOGIN_FAILURE, chain.LOCKOUT)
        who = event.claimed if failed and event.claimed else event.actor  # whose login was tried
        line = lines.setdefault(who, ReviewLine(who))
        local = event.at_kst
        if local.hour >= NIGHT[0] or local.hour < NIGHT[1]:
            line.night += 1
        if event.action == chain.LOGIN:
            line.logins += 1
        elif event.action == chain.LOGIN_FAILURE:
            line.failures += 1
        elif event.action == chain.LOCKOUT:
            line.lockouts += 1
        elif event.action == chain.VIEW:
            line.views += 1
            day = (event.actor, local.date())
            views_per_day[day] = views_per_day.get(day, 0) + 1
            if views_per_day[day] == BULK_VIEWS_PER_DAY + 1:
                line.bulk_view_days += 1
        elif event.action == chain.EXPORT:
            line.exports += 1
            line.unmasked_exports += bool(event.detail.get("unmasked"))
        elif event.action == chain.REVEAL:
            line.reveals += 1
    return sorted(lines.values(), key=lambda line: line.user)
