"""Creating vaults: `init_vault` for a real dong team, `build_demo` from the committed sample."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from chandong_tui.casework.importer import import_file
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.enums import Role
from chandong_tui.model.records import Worker
from chandong_tui.model.seoul_dongs import resolve_dong
from chandong_tui.vault.session import VaultSession, add_user, create_vault

DEMO_PASSPHRASE = "chandong-demo"
DEMO_USERS = {
    "supervisor": Role.SUPERVISOR,
    "planner": Role.WELFARE_PLANNER,
    "nurse": Role.VISITING_NURSE,
    "officer": Role.NEIGHBOURHOOD_OFFICER,
}
"""The demo's logins (all with `DEMO_PASSPHRASE`); the first one creates the vault."""


def sample_path() -> Path:
    """The committed small sample dong."""
    import sample_data

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
    """A demo vault at `root` from the committed sample, with the logins of `DEMO_USERS`."""
    import orjson

    doc = orjson.loads(sample_path().read_bytes())
    workers = {w["id"]: Worker.model_validate(w) for w in doc["workers"]}
    first, *others = DEMO_USERS
    session = init_vault(root, doc["dong"]["id"], first, workers[first].name, DEMO_PASSPHRASE)
    with session:
        CaseRepository(session).save(workers[first])
        for user_id in others:
            register_user(session, workers[user_id], DEMO_PASSPHRASE)
        import_file(CaseRepository(session), sample_path(), today)
    return Demo(root, tuple(DEMO_USERS))
