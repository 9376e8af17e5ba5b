"""Creating vaults: `init_vault` for a real dong team, `build_demo` from the committed sample."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chandong_tui.casework.clock import now
from chandong_tui.casework.importer import import_records, parse_records
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.enums import Role
from chandong_tui.model.records import Worker
from chandong_tui.model.seoul_dongs import resolve_dong
from chandong_tui.vault.accounts import add_user, create_vault
from chandong_tui.vault.session import VaultSession

DEMO_PASSPHRASE = "chandong-demo"
DEMO_USERS = {
    "supervisor": Role.SUPERVISOR,
    "planner": Role.WELFARE_PLANNER,
    "nurse": Role.VISITING_NURSE,
    "officer": Role.NEIGHBOURHOOD_OFFICER,
    "manager": Role.CASE_MANAGER,
    "counsellor": Role.COUNSELLOR,
}
"""The demo's logins, one for every role (all with `DEMO_PASSPHRASE`); the first one creates the vault."""


SAMPLE_TODAY = dt.date(2026, 10, 31)
"""The committed sample's "today" (`chandong_tui.sample_data.generator.DEFAULT_ANCHOR`)."""


def sample_path() -> Path:
    """The committed small sample dong."""
    from chandong_tui import sample_data

    return Path(sample_data.__file__).with_name("small_dong.json")


def init_vault(root: Path, dong_query: str, user_id: str, name: str, passphrase: str) -> VaultSession:
    """A new vault for the dong `dong_query` (code or name) with `user_id` as its supervisor."""
    dong = resolve_dong(dong_query)
    session = create_vault(root, dong.id, user_id, passphrase)
    admin = Worker(id=user_id, name=name, role=Role.SUPERVISOR, dong_code=dong.id)
    CaseRepository(session).save_many([dong, admin])
    return session


def register_user(admin: VaultSession, worker: Worker, passphrase: str) -> None:
    """Give a worker a login (identity + grant) and store their worker record."""
    add_user(admin, worker.id, worker.role.value, passphrase)
    CaseRepository(admin).save(worker)


@dataclass(frozen=True)
class Demo:
    root: Path
    users: tuple[str, ...]


def build_demo(root: Path, today: dt.date | None = None) -> Demo:
    """A demo vault at `root` from the committed sample, with the logins of `DEMO_USERS`.

    The sample is moved in time by whole weeks to `today` (by default the real one): its visits due,
    running 72-hour clocks and coming conferences are then due, running and coming on the day the
    demo is tried, on the same weekdays as in the sample.
    """
    import orjson

    today = today or now().date()
    doc = moved_by(orjson.loads(sample_path().read_bytes()), weeks_to(today))
    workers = {w["id"]: Worker.model_validate(w) for w in doc["workers"]}
    first, *others = DEMO_USERS
    session = init_vault(root, doc["dong"]["id"], first, workers[first].name, DEMO_PASSPHRASE)
    with session:
        CaseRepository(session).save(workers[first])
        for user_id in others:
            register_user(session, workers[user_id], DEMO_PASSPHRASE)
        import_records(CaseRepository(session), parse_records(doc, today))
    return Demo(root, tuple(DEMO_USERS))


def weeks_to(today: dt.date) -> dt.timedelta:
    """The whole weeks from the sample's "today" to the last same weekday on or before `today`."""
    return dt.timedelta(weeks=(today - SAMPLE_TODAY).days // 7)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})?")
_UNMOVED = frozenset({"birth_date"})
"""People keep their birthdays: their resident registration numbers carry them."""


def moved_by(value: Any, delta: dt.timedelta) -> Any:
    """`value` with every ISO date and time in it moved by `delta` (birth dates excepted)."""
    if not delta:
        return value
    if isinstance(value, dict):
        return {k: v if k in _UNMOVED else moved_by(v, delta) for k, v in value.items()}
    if isinstance(value, list):
        return [moved_by(item, delta) for item in value]
    if isinstance(value, str):
        if _ISO_DAY.fullmatch(value):
            return (dt.date.fromisoformat(value) + delta).isoformat()
        if _ISO_TIME.fullmatch(value):
            return (dt.datetime.fromisoformat(value) + delta).isoformat()
    return value
