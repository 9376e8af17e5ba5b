"""Property tests of the membership history (issue 16): whatever order its files arrive in, and
whichever of them go missing, a PC ends at the same pinned state or refuses loudly — never at
another state."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chandong_tui.vault.crypto import b64e, random_key
from chandong_tui.vault.keyring import Identity, user_hash, write_user_file
from chandong_tui.vault.members import (
    MEMBERS_DIR,
    Membership,
    MembershipRefused,
    append,
    entry_hash,
    key_change,
    load_history,
    member_doc,
    pinned_history,
    seal_keys,
    write_genesis,
)


def _summary(state: Membership) -> tuple[object, ...]:
    roles = sorted((u, m.role, m.active, m.sign_pub) for u, m in state.members.items())
    return (state.genesis_hash, tuple(state.hashes), state.epoch, tuple(roles), len(state.grants))


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Membership]:
    """A history of nine entries: adds, a role change, two removals (epochs 2 and 3), a key rotation."""
    root = tmp_path_factory.mktemp("history")
    boss, sup2 = Identity.generate("boss"), Identity.generate("sup2")
    keys = {1: random_key()}
    state = write_genesis(
        root,
        boss,
        "1159053000",
        lambda vid: [member_doc("b" * 32, "supervisor", boss.box_public, boss.sign_public, keys, vid)],
    )
    people = {u: Identity.generate(u) for u in ("planner", "nurse", "officer")}
    state = append(
        root,
        state,
        boss,
        "add",
        member_doc("s" * 32, "supervisor", sup2.box_public, sup2.sign_public, keys, state.vault_id),
    )
    for name, person in people.items():
        uhash = name[0] * 32
        doc = member_doc(
            uhash, "welfare_planner", person.box_public, person.sign_public, keys, state.vault_id
        )
        state = append(root, state, sup2, "add", doc)
    state = append(root, state, boss, "role", {"user": "n" * 32, "role": "visiting_nurse"})
    for gone, signer in (("o" * 32, sup2), ("p" * 32, boss)):
        epoch, key = state.epoch + 1, random_key()
        keys[epoch] = key
        sealed = {
            u: seal_keys({epoch: key}, m.box_pub, state.vault_id, u)[str(epoch)]
            for u, m in state.members.items()
            if m.active and u != gone
        }
        state = append(root, state, signer, "remove", {"user": gone, "epoch": epoch, "keys": sealed})
    rotated = Identity.generate("boss")
    body = {
        "user": "b" * 32,
        "box_pub": b64e(rotated.box_public),
        "sign_pub": b64e(rotated.sign_public),
        "keys": seal_keys(keys, rotated.box_public, state.vault_id, "b" * 32),
    }
    state = append(root, state, sup2, "keys", body)
    assert state.seq == 9 and state.epoch == 3
    return root, state


def _files(root: Path) -> list[Path]:
    return sorted((root / MEMBERS_DIR).iterdir())


def _pc_loads(share: Path, local: Path) -> Membership:
    """What a PC does on each look at the share: load, check against its pin, move the pin on."""
    first = load_history(share) if not (local / "members-pin.json").exists() else None
    return pinned_history(share, local, first.genesis_hash if first else None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_delivery_order_ends_at_the_same_state(
    full: tuple[Path, Membership], data: st.DataObject
) -> None:
    root, whole = full
    files = _files(root)
    order = data.draw(st.permutations(files))
    with tempfile.TemporaryDirectory() as scratch:
        share, local = Path(scratch) / "share", Path(scratch) / "pc"
        (share / MEMBERS_DIR).mkdir(parents=True)
        seen = 0
        for path in order:
            shutil.copyfile(path, share / MEMBERS_DIR / path.name)
            try:
                state = _pc_loads(share, local)
            except MembershipRefused as exc:
                assert exc.key in ("members_no_genesis", "members_missing")  # no first entry yet
                continue
            assert state.hashes == whole.hashes[: state.seq]  # a prefix of the one history
            assert state.seq >= seen  # the pin only moves forward
            seen = state.seq
        assert _summary(_pc_loads(share, local)) == _summary(whole)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_file_removed_is_refused_by_a_pc_that_saw_it(
    full: tuple[Path, Membership], data: st.DataObject
) -> None:
    root, whole = full
    files = _files(root)
    gone = data.draw(st.sets(st.sampled_from(files), min_size=1))
    with tempfile.TemporaryDirectory() as scratch:
        share, local = Path(scratch) / "share", Path(scratch) / "pc"
        shutil.copytree(root / MEMBERS_DIR, share / MEMBERS_DIR)
        assert _summary(_pc_loads(share, local)) == _summary(whole)
        for path in gone:
            (share / MEMBERS_DIR / path.name).unlink()
        with pytest.raises(MembershipRefused) as refused:
            _pc_loads(share, local)
        assert refused.value.key in ("members_older", "members_no_genesis", "members_missing")
        for path in gone:  # the files come back: the same state again
            shutil.copyfile(path, share / MEMBERS_DIR / path.name)
        assert _summary(_pc_loads(share, local)) == _summary(whole)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_new_pc_never_takes_another_state(full: tuple[Path, Membership], data: st.DataObject) -> None:
    """A PC that never saw the share before, given any subset of the files: a prefix of the one
    history (it cannot know of entries it was never shown) or a refusal, never a different state."""
    root, whole = full
    files = _files(root)
    kept = data.draw(st.sets(st.sampled_from(files)))
    with tempfile.TemporaryDirectory() as scratch:
        share = Path(scratch) / "share"
        (share / MEMBERS_DIR).mkdir(parents=True)
        for path in kept:
            shutil.copyfile(path, share / MEMBERS_DIR / path.name)
        try:
            state = load_history(share)
        except MembershipRefused as exc:
            assert exc.key == "members_no_genesis"
            return
        if state is not None:
            assert state.hashes == whole.hashes[: state.seq]
            assert _summary(state)[0] == whole.genesis_hash


@pytest.fixture(scope="module")
def key_changes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[bytes]]:
    """A history of one admin whose identity file went through four key changes: each revision's
    bytes (each carries every change so far, each change signed by the key before)."""
    root = tmp_path_factory.mktemp("keys")
    boss = Identity.generate("boss")
    state = write_genesis(
        root,
        boss,
        "1159053000",
        lambda vid: [
            member_doc(
                user_hash(vid, "boss"),
                "supervisor",
                boss.box_public,
                boss.sign_public,
                {1: random_key()},
                vid,
            )
        ],
    )
    uhash = user_hash(state.vault_id, "boss")
    current, after, revisions = boss, state.genesis_hash, []
    for rev in range(1, 5):
        new = Identity.generate("boss")
        change = key_change(state.vault_id, uhash, after, state.seq, current, new.box_public, new.sign_public)
        new.certs = [*current.certs, change]
        path = write_user_file(root, state.vault_id, new, "passphrase 1234", rev=rev)
        revisions.append(path.read_bytes())
        path.unlink()
        current, after = new, entry_hash(change)
    return root, revisions


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_an_identity_file_rolled_back_is_refused_by_a_pc_that_saw_it(
    key_changes: tuple[Path, list[bytes]], data: st.DataObject
) -> None:
    """Identity files arriving in any order: a PC ends at the newest key change; taking the newest away
    again (an old identity file restored) is refused by that PC, never taken."""
    root, revisions = key_changes
    order = data.draw(st.permutations(range(len(revisions))))
    with tempfile.TemporaryDirectory() as scratch:
        share, local = Path(scratch) / "share", Path(scratch) / "pc"
        shutil.copytree(root / MEMBERS_DIR, share / MEMBERS_DIR)
        users = share / "users"
        users.mkdir()
        uhash = next(iter(_pc_loads(share, local).members))
        for index in order:
            (users / f"{uhash}-{index + 1:06d}.json").write_bytes(revisions[index])
            _pc_loads(share, local)
        assert len(_pc_loads(share, local).members[uhash].chain) == len(revisions)
        (users / f"{uhash}-{len(revisions):06d}.json").unlink()
        with pytest.raises(MembershipRefused) as refused:
            _pc_loads(share, local)
        assert refused.value.key == "members_keys_older"
