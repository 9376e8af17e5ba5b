"""Issue 16, attack 7: the access log could be framed. Now an event's actor is its signer, an event
belongs to the chain of the device folder it is in, a PC never takes its own chain's head from a file
another PC put in its folder, and a login's claimed heads cannot raise a lasting false alarm."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chandong_tui.casework.audit import events, monthly_review, verify_log
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.vault import audit as chain
from chandong_tui.vault.accounts import unlock
from chandong_tui.vault.chunks import read_header
from chandong_tui.vault.continuity import link_of
from chandong_tui.vault.errors import AuthError
from chandong_tui.vault.stored import op_files
from tests.writers_support import (
    attacker_device_key,
    forge,
    member_keys,
    new_device,
    on_pc,
    op,
    team_vault,
)

NIGHT = dt.datetime(2026, 11, 3, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = team_vault(tmp_path, monkeypatch)
    with on_pc("nurse", root, monkeypatch, "nurse") as nurse:
        nurse.audit(chain.VIEW, target="h-1")
    return root


def _plant_views(root: Path, monkeypatch: pytest.MonkeyPatch, scratch: Path) -> tuple[str, int]:
    """The planner appends 60 night-time household views "by the nurse" to the nurse's device chain,
    as its next chunk; returns the nurse's device and the chain's head before them."""
    with on_pc("nurse", root, monkeypatch, "nurse") as nurse:
        device, (head, mac) = nurse.device, nurse.audit_heads[nurse.device]
        vault_id = nurse.info.vault_id
    identity, keys = member_keys(root, "planner")
    files = op_files(root / "devices", device)
    path, _entry = files[-1]
    header, _ = read_header(path.read_bytes())
    key = chain.chain_key(keys[2], vault_id, device)
    ops = []
    for n in range(60):
        event = chain.seal_event(
            key=key,
            signer=identity,
            device=device,
            seq=head + 1 + n,
            prev=mac,
            epoch=2,
            action=chain.VIEW,
            actor="nurse",
            target=f"h-{n}",
            at=(NIGHT + dt.timedelta(minutes=n)).astimezone(dt.UTC).isoformat(timespec="milliseconds"),
        )
        mac = event["mac"]
        ops.append(
            op(
                device,
                header.last_op + 1 + n,
                "planner",
                chain.AUDIT_LOG,
                chain.row_id(device, head + 1 + n),
                event,
            )
        )
    signer = attacker_device_key(root, identity, device, scratch / "planner-pc")
    forge(root, device, header.seq + 1, ops, keys[2], 2, signer, prev=link_of(path))
    return device, head


def test_views_planted_in_the_nurses_chain_are_the_planners(
    vault: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Malicious member (the planner) appends night-time views "by the nurse" into the nurse's device
    chain: the log shows them as the planner's (their signer), and the monthly review flags the
    planner, not the nurse."""
    _plant_views(vault, monkeypatch, tmp_path)
    with on_pc("boss", vault, monkeypatch) as boss:
        repo = CaseRepository(boss)
        views = [e for e in events(repo) if e.action == chain.VIEW]
        lines = {line.user: line for line in monthly_review(repo, "2026-11")}
    assert {e.actor for e in views if e.target.startswith("h-") and e.target != "h-1"} == {"planner"}
    assert "nurse" not in lines or not lines["nurse"].night
    assert lines["planner"].night == 60 and lines["planner"].flagged


def test_the_nurses_pc_does_not_chain_on_top_of_planted_events(
    vault: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Malicious member plants events in the nurse's folder: the nurse's PC takes its chain's head only
    from what it wrote, so its next event follows its own last one, not the planted ones."""
    device, head = _plant_views(vault, monkeypatch, tmp_path)
    with on_pc("nurse", vault, monkeypatch, "nurse") as nurse:
        login = [o for o in nurse.unpublished_ops if o.table == chain.AUDIT_LOG][-1]
        assert login.set["action"] == chain.LOGIN and login.set["seq"] == head + 1
        assert nurse.publishing_stopped  # another PC wrote into its folder: said, nothing published on top


def test_an_event_in_another_devices_folder_is_refused(
    vault: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Malicious member writes, in a device folder of their own, an event that claims the nurse's
    device: it belongs to the folder it is in, so the file is refused and reported."""
    with on_pc("nurse", vault, monkeypatch, "nurse") as nurse:
        nurse_device = nurse.device
    identity, keys = member_keys(vault, "planner")
    device = new_device()
    event = {"v": 1, "dev": nurse_device, "seq": 99, "by": "planner", "actor": "planner", "action": "view"}
    forged = op(device, 1, "planner", chain.AUDIT_LOG, chain.row_id(device, 1), event)
    signer = attacker_device_key(vault, identity, device, tmp_path / "planner-pc")
    path = forge(vault, device, 1, [forged], keys[2], 2, signer)
    with on_pc("boss", vault, monkeypatch) as boss:
        assert any(path.name in p.path and "forged" in p.reason for p in boss.problems)


def test_a_failed_unlock_shows_its_signer_and_the_login_typed(
    vault: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Malicious member types the nurse's login on the boss's PC and fails: the event is signed by the
    boss, who unlocked next, and shows "nurse" as the login typed, not as its actor."""
    monkeypatch.setenv("CHANDONG_HOME", str(vault.parent.parent / "pc-boss"))
    with pytest.raises(AuthError):
        unlock(vault, "nurse", "not the passphrase")
    with on_pc("boss", vault, monkeypatch) as boss:
        failure = next(e for e in events(CaseRepository(boss)) if e.action == chain.LOGIN_FAILURE)
    assert (failure.actor, failure.claimed) == ("boss", "nurse")


def test_a_false_witness_raises_no_lasting_truncation_alarm(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Malicious member logs in claiming to have seen event 1000 of the nurse's chain: once the nurse's
    device writes again, the claim is shown for what it is (the planner's false witness), and the
    nurse's chain is not called truncated."""
    with on_pc("nurse", vault, monkeypatch, "nurse") as nurse:
        nurse_device = nurse.device
    with on_pc("planner", vault, monkeypatch, "planner") as planner:
        planner.audit(chain.LOGIN, detail={"heads": {nurse_device: [1000, "made-up"]}})
    with on_pc("nurse", vault, monkeypatch, "nurse") as nurse:
        nurse.audit(chain.VIEW, target="h-1")
    with on_pc("boss", vault, monkeypatch) as boss:
        problems = verify_log(boss).problems
    assert not any("truncated" in p for p in problems), problems
    assert any("false witness" in p and "login of planner" in p for p in problems), problems
