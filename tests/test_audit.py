"""접속기록: what is recorded, who reads it, and every kind of tampering caught by `audit verify`
(exit 4, naming what is wrong): deleted, altered, reordered, truncated, forged and duplicated events."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chandong_tui.casework.access import Forbidden, ReasonRequired, reveal_rrn
from chandong_tui.casework.audit import collect, events, log_view, verify_log
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.model.records import Member
from chandong_tui.reports.exports import export_records
from chandong_tui.vault import audit as chain
from chandong_tui.vault.accounts import unlock
from chandong_tui.vault.chunks import CHUNK_NAME, ChunkHeader, chunk_name, read_header, write_chunk
from chandong_tui.vault.errors import AuthError
from chandong_tui.vault.keyring import Identity, load_keyring, user_hash
from chandong_tui.vault.ops import Op, encode_ops
from chandong_tui.vault.session import VaultSession
from tests.conftest import main_in_process


def _session(root: Path, user: str = "supervisor") -> VaultSession:
    return unlock(root, user, DEMO_PASSPHRASE)


def _busy(root: Path) -> None:
    """A few sessions that leave events on the chain: logins, views, an export, edits."""
    with _session(root, "planner") as session:
        repo = CaseRepository(session)
        for summary in repo.household_summaries()[:3]:
            log_view(repo, summary.id)
        export_records(repo, "visits", reason='=HYPERLINK("http://x")')
    with _session(root) as session:
        log_view(CaseRepository(session), "h-x")


def _verifier(session: VaultSession):
    info = session.info
    keyring = load_keyring(info.root, info.vault_id, info.root_sign_pub)

    def key_for(epoch: int, device: str) -> bytes | None:
        key = session.keys.get(epoch)
        return chain.chain_key(key, info.vault_id, device) if key else None

    def sign_keys_of(user: str) -> set[bytes]:
        return keyring.sign_keys(user_hash(info.vault_id, user))

    return key_for, sign_keys_of


def _check(session: VaultSession, found: list[chain.Found], witnessed=None) -> list[str]:
    key_for, sign_keys_of = _verifier(session)
    return chain.verify_events(found, key_for, sign_keys_of, witnessed or {}).problems


def _device_chain(found: list[chain.Found]) -> list[chain.Found]:
    """The longest device chain, in order."""
    by_dev: dict[str, list[chain.Found]] = {}
    for item in found:
        by_dev.setdefault(item.event["dev"], []).append(item)
    longest = max(by_dev.values(), key=len)
    return sorted(longest, key=lambda f: f.event["seq"])


@pytest.fixture
def busy(demo_vault: Path) -> Path:
    _busy(demo_vault)
    return demo_vault


def test_a_whole_log_verifies(
    busy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with _session(busy) as session:
        report = verify_log(session)
    assert report.ok, report.problems
    assert report.events >= 8
    monkeypatch.setenv("CHANDONG_USER", "supervisor")
    monkeypatch.setenv("CHANDONG_PASSPHRASE", DEMO_PASSPHRASE)
    assert main_in_process("audit", "verify", str(busy)) == 0
    assert "0 problem(s)" in capsys.readouterr().out


def test_what_is_recorded(busy: Path) -> None:
    with _session(busy) as session:
        log = events(CaseRepository(session))
    kinds = {(e.actor, e.action) for e in log}
    assert {
        ("planner", "login"),
        ("planner", "view"),
        ("planner", "export"),
        ("supervisor", "login"),
    } <= kinds
    assert ("supervisor", "edit") in kinds  # the demo's import
    export = next(e for e in log if e.action == "export")
    assert export.detail["reason"].startswith("=HYPERLINK") and export.detail["what"] == "visits"
    login = next(e for e in reversed(log) if e.action == "login")
    assert login.detail["heads"]  # the heads of other devices' chains it had seen


def test_a_save_adds_one_edit_event_in_the_same_batch(demo_vault: Path) -> None:
    with _session(demo_vault, "planner") as session:
        before = session.unpublished
        member = next(m for m in CaseRepository(session).all(Member))
        CaseRepository(session).save(member.model_copy(update={"phone": "010-9999-0000"}))
        assert session.unpublished == before + 2
        edit = session.unpublished_ops[-1]
        assert edit.table == chain.AUDIT_LOG and edit.set["detail"]["rows"] == {"member": [member.id]}


def test_only_supervisors_read_or_verify_the_log(busy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with _session(busy, "planner") as session:
        with pytest.raises(Forbidden):
            events(CaseRepository(session))
        with pytest.raises(Forbidden):
            verify_log(session)
    monkeypatch.setenv("CHANDONG_USER", "planner")
    monkeypatch.setenv("CHANDONG_PASSPHRASE", DEMO_PASSPHRASE)
    assert main_in_process("audit", "show", str(busy)) == 3


def test_show_filters_and_csv(
    busy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CHANDONG_USER", "supervisor")
    monkeypatch.setenv("CHANDONG_PASSPHRASE", DEMO_PASSPHRASE)
    with _session(busy) as session:
        month = events(CaseRepository(session))[-1].at_kst.strftime("%Y-%m")
    capsys.readouterr()
    assert (
        main_in_process("audit", "show", str(busy), "--user", "planner", "--format", "csv", "--month", month)
        == 0
    )
    text = capsys.readouterr().out.lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and {r["actor"] for r in rows} == {"planner"}
    export = next(r for r in rows if r["action"] == "export")
    assert export["reason"] == '\'=HYPERLINK("http://x")'  # neutralised: no formula in Excel
    assert main_in_process("audit", "show", str(busy), "--month", "1999-01", "--format", "csv") == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 1  # the header only
    assert main_in_process("audit", "show", str(busy), "--month", "2026-13") == 2
    assert main_in_process("audit", "show", str(busy), "--action", "view") == 0
    out = capsys.readouterr().out
    assert "view" in out and "login" not in out


def test_reveal_rrn_with_a_reason_is_logged(demo_vault: Path) -> None:
    with _session(demo_vault, "planner") as session:
        repo = CaseRepository(session)
        member = next(m for m in repo.all(Member) if m.rrn)
        assert "*" in (member.rrn or "")
        with pytest.raises(ReasonRequired):
            reveal_rrn(repo, member.id, "  ")
        plain = reveal_rrn(repo, member.id, "기초연금 신청")
        assert "*" not in plain and plain[:8] == (member.rrn or "")[:8]
    with _session(demo_vault, "officer") as session, pytest.raises(Forbidden):
        reveal_rrn(CaseRepository(session), member.id, "순찰")
    with _session(demo_vault) as session:
        reveals = events(CaseRepository(session), action="reveal")
    assert [(e.actor, e.target, e.detail["reason"]) for e in reveals] == [
        ("planner", member.id, "기초연금 신청")
    ]


# -- tampering, case by case (unit level: what an insider with the vault key could write) --------
@pytest.fixture
def logged(busy: Path):
    with _session(busy) as session:
        found, unreadable = collect(session)
        assert not unreadable
        yield session, found


def test_deleted_event(logged) -> None:
    session, found = logged
    target = _device_chain(found)[2]
    problems = _check(session, [f for f in found if f is not target])
    assert any(f"event {target.event['seq']} missing (deleted)" in p for p in problems), problems


def test_altered_event(logged) -> None:
    session, found = logged
    target = _device_chain(found)[1]
    altered = replace(target, event={**target.event, "actor": "someone-else"})
    problems = _check(session, [altered if f is target else f for f in found])
    assert any("altered (MAC does not match)" in p for p in problems), problems
    assert any("signature" in p for p in problems)


def test_altered_event_with_a_recomputed_mac_still_fails_its_signature(logged) -> None:
    session, found = logged
    target = _device_chain(found)[1]
    event = {**target.event, "detail": {"reason": "nothing to see"}}
    key_for, _ = _verifier(session)
    event["mac"] = chain.event_mac(key_for(event["epoch"], event["dev"]), event)  # type: ignore[arg-type]
    problems = _check(session, [replace(target, event=event) if f is target else f for f in found])
    assert any("signature of" in p and "does not verify" in p for p in problems), problems


def test_reordered_events(logged) -> None:
    session, found = logged
    first, second = _device_chain(found)[2:4]
    swapped_a = replace(first, event={**second.event, "seq": first.event["seq"]})
    swapped_b = replace(second, event={**first.event, "seq": second.event["seq"]})
    swap = {id(first): swapped_a, id(second): swapped_b}
    problems = _check(session, [swap.get(id(f), f) for f in found])
    assert any("reordered" in p for p in problems), problems


def test_reordered_and_resealed_by_their_signer(logged) -> None:
    """Even re-chained and re-signed in another order, the ops' clocks give the order away."""
    session, found = logged
    items = _device_chain(found)
    device = items[0].event["dev"]
    signers = {session.user_id: session.identity}
    if any(i.event["by"] not in signers for i in items):
        pytest.skip("chain written by another user")
    order = [*items[:2], items[3], items[2], *items[4:]]
    key_for, _ = _verifier(session)
    prev, rebuilt = "", []
    for seq, item in enumerate(order, start=1):
        e = item.event
        sealed = chain.seal_event(
            key=key_for(e["epoch"], device),  # type: ignore[arg-type]
            signer=signers[e["by"]],
            device=device,
            seq=seq,
            prev=prev,
            epoch=e["epoch"],
            action=e["action"],
            actor=e["actor"],
            target=e["target"],
            detail=e["detail"],
            at=e["at"],
        )
        prev = sealed["mac"]
        rebuilt.append(replace(item, event=sealed, op_id=f"{device}.{seq}"))
    others = [f for f in found if f.event["dev"] != device]
    problems = _check(session, others + rebuilt)
    assert any("written before event 3 (reordered)" in p for p in problems), problems


def test_truncated_chain_caught_by_a_witness(logged) -> None:
    session, found = logged
    items = _device_chain(found)
    last = items[-1].event
    kept = [f for f in found if f not in items[-2:]]
    problems = _check(session, kept, {"device x": {last["dev"]: (last["seq"], last["mac"])}})
    assert any("missing (truncated" in p for p in problems), problems


def test_forged_event_of_another_user(logged) -> None:
    session, found = logged
    items = _device_chain(found)
    last = items[-1].event
    key_for, _ = _verifier(session)
    mallory = Identity.generate("planner")  # claims to be the planner, with a key nobody granted
    forged = chain.seal_event(
        key=key_for(last["epoch"], last["dev"]),  # type: ignore[arg-type]
        signer=mallory,
        device=last["dev"],
        seq=last["seq"] + 1,
        prev=last["mac"],
        epoch=last["epoch"],
        action="login",
        actor="planner",
    )
    item = replace(items[-1], event=forged, op_id=f"{last['dev']}.{last['seq'] + 1}")
    problems = _check(session, [*found, item])
    assert any("signature of 'planner' does not verify" in p for p in problems), problems


def test_event_written_into_another_devices_chain(logged) -> None:
    session, found = logged
    target = _device_chain(found)[0]
    moved = replace(target, op_id="ffffffffffffffff.99")
    problems = _check(session, [*found, moved])
    assert any("written by another device" in p for p in problems), problems


# -- tampering with the files: `chandong audit verify` exits 4 and says what ----------------------
def _verify_cli(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    monkeypatch.setenv("CHANDONG_USER", "supervisor")
    monkeypatch.setenv("CHANDONG_PASSPHRASE", DEMO_PASSPHRASE)
    capsys.readouterr()
    code = main_in_process("audit", "verify", str(root))
    return code, capsys.readouterr().out


def test_cli_deleted_chunk_is_truncation(
    busy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _verify_cli(busy, monkeypatch, capsys)[0] == 0  # this PC now anchors every head
    chunks = sorted(p for p in (busy / "devices").rglob("*") if CHUNK_NAME.match(p.name))
    newest = max(chunks, key=lambda p: p.stat().st_mtime_ns)
    newest.unlink()
    code, out = _verify_cli(busy, monkeypatch, capsys)
    assert code == 4
    assert "missing" in out and ("truncated" in out or "deleted" in out), out


def test_cli_altered_event_in_a_forged_chunk(
    busy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with _session(busy) as session:
        found, _ = collect(session)
        target = _device_chain(found)[1]
        device = target.event["dev"]
        folder = busy / "devices" / device
        last = max(
            int(CHUNK_NAME.match(p.name).group(1)) for p in folder.iterdir() if CHUNK_NAME.match(p.name)
        )  # type: ignore[union-attr]
        header, _ = read_header((folder / chunk_name(last)).read_bytes())
        altered = {**target.event, "detail": {"reason": "rewritten"}}
        op = Op(
            id=f"{device}.{header.last_op + 1}",
            hlc=session.clock.tick(),
            actor="supervisor",
            table=chain.AUDIT_LOG,
            row=chain.row_id(device, target.event["seq"]),
            set=altered,
        )
        forged = ChunkHeader(
            session.info.vault_id,
            device,
            last + 1,
            "ops",
            session.epoch,
            header.last_op + 1,
            header.last_op + 1,
        )
        write_chunk(folder, forged, encode_ops([op]), session.keys[session.epoch])
    code, out = _verify_cli(busy, monkeypatch, capsys)
    assert code == 4  # an unsigned chunk after the trust upgrade: refused before its events are read
    assert f"devices/{device}/{chunk_name(last + 1)}" in out and "forged" in out, out


def test_monthly_review(
    busy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from chandong_tui.casework.audit import monthly_review

    with _session(busy, "planner") as session, pytest.raises(Forbidden):
        monthly_review(CaseRepository(session), "2026-01")
    with pytest.raises(AuthError):
        unlock(busy, "planner", "not the passphrase")
    with _session(busy) as session:
        month = events(CaseRepository(session))[-1].at_kst.strftime("%Y-%m")
        lines = {line.user: line for line in monthly_review(CaseRepository(session), month)}
    planner = lines["planner"]
    assert (planner.views, planner.exports, planner.failures) == (3, 1, 1)
    assert planner.flagged and planner.logins >= 1
    monkeypatch.setenv("CHANDONG_USER", "supervisor")
    monkeypatch.setenv("CHANDONG_PASSPHRASE", DEMO_PASSPHRASE)
    capsys.readouterr()
    assert main_in_process("audit", "review", str(busy), "--month", month, "--format", "csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    assert next(r for r in rows if r["user"] == "planner")["failures"] == "1"


# -- property: any single tampering of a chain is caught ------------------------------------------

_ALICE = Identity.generate("alice")
_KEY = b"k" * 32
_DEV = "a1b2c3d4e5f60718"


def _synthetic_chain(n: int) -> list[chain.Found]:
    prev, found = "", []
    for seq in range(1, n + 1):
        event = chain.seal_event(
            key=_KEY,
            signer=_ALICE,
            device=_DEV,
            seq=seq,
            prev=prev,
            epoch=1,
            action="view",
            actor="alice",
            target=f"h{seq}",
            at=f"2026-10-01T00:00:{seq:02d}.000+00:00",
        )
        prev = event["mac"]
        found.append(chain.Found(event, f"{_DEV}.{seq}", (seq, 0, _DEV), "x"))
    return found


def _problems(found: list[chain.Found], witnessed: dict | None = None) -> list[str]:  # type: ignore[type-arg]
    return chain.verify_events(
        found,
        lambda _e, _d: _KEY,
        lambda user: {_ALICE.sign_public} if user == "alice" else set(),
        witnessed or {},
    ).problems


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(min_value=2, max_value=12),
    data=st.data(),
    how=st.sampled_from(["delete", "swap", "alter", "truncate"]),
)
def test_any_single_tampering_is_caught(n: int, data: st.DataObject, how: str) -> None:
    found = _synthetic_chain(n)
    assert _problems(found) == []
    witness = {"device b": {_DEV: (n, found[-1].event["mac"])}}
    if how == "delete":
        i = data.draw(st.integers(0, n - 2))  # the last one is a truncation
        tampered = found[:i] + found[i + 1 :]
    elif how == "swap":
        i = data.draw(st.integers(0, n - 2))
        a, b = found[i], found[i + 1]
        tampered = [*found]
        tampered[i] = replace(a, event={**b.event, "seq": a.event["seq"]})
        tampered[i + 1] = replace(b, event={**a.event, "seq": b.event["seq"]})
    elif how == "alter":
        i = data.draw(st.integers(0, n - 1))
        name = data.draw(st.sampled_from(["actor", "action", "target", "at", "detail", "epoch"]))
        value = {"detail": {"x": 1}, "epoch": 2}.get(name, "changed")
        tampered = [*found]
        tampered[i] = replace(found[i], event={**found[i].event, name: value})
    else:
        k = data.draw(st.integers(1, n - 1))
        tampered = found[: n - k]
    assert _problems(tampered, witness), how


def test_show_never_prints_control_characters(
    demo_vault: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with _session(demo_vault, "planner") as session:
        export_records(CaseRepository(session), "crisis", reason="점검\x1b[2J\x1b]0;pwned\x07")
    monkeypatch.setenv("CHANDONG_USER", "supervisor")
    monkeypatch.setenv("CHANDONG_PASSPHRASE", DEMO_PASSPHRASE)
    capsys.readouterr()
    assert main_in_process("audit", "show", str(demo_vault), "--action", "export") == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "점검␛[2J" in out
