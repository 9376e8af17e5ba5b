"""Case-work refusals: typed, with a catalogue key whose text exists in Korean and English and whose
placeholders the raise fills; and the one ownership rule.

The source is read rather than run, so a refusal no test reaches still has its text checked.
"""

from __future__ import annotations

import ast
import pickle
import string
from pathlib import Path

import pytest

from chandong_tui.casework import errors
from chandong_tui.casework.errors import (
    CaseworkError,
    Forbidden,
    IllegalTransition,
    MissingText,
    required_text,
)
from chandong_tui.casework.permissions import is_owner_or_supervisor, require_owner_or_supervisor
from chandong_tui.i18n import CATALOGUE, Lang
from chandong_tui.model.enums import HandoffState, Role

PACKAGE = Path(errors.__file__).resolve().parents[1]
ERROR_CLASSES = {"CaseworkError", "IllegalTransition", "Forbidden", "NotFound", "MissingText", "InvalidInput"}
ERROR_CLASSES |= {"ReasonRequired"}  # casework.access: a Forbidden
KEY_ARGUMENT = {"required_text": 1, "require_owner_or_supervisor": 3, "_supervisor": 1}
"""Helpers that raise a refusal from a key they are given, and where that key is in their call."""


def refusals() -> list[tuple[str, str, set[str]]]:
    """(where, key, keyword names) of every refusal raised with a literal key in the package."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            position = 0 if name in ERROR_CLASSES else KEY_ARGUMENT.get(name)
            if position is None or len(node.args) <= position:
                continue
            key = node.args[position]
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                where = f"{path.relative_to(PACKAGE)}:{node.lineno}"
                found.append((where, key.value, {k.arg for k in node.keywords if k.arg}))
    return found


def placeholders(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_every_refusal_has_its_text_in_both_languages_with_its_values() -> None:
    found = refusals()
    assert len(found) > 60  # the casework modules, the CLI and the exports were all read
    for where, key, given in found:
        assert key in CATALOGUE, f"{where}: no catalogue text {key!r}"
        label = CATALOGUE[key]
        for text in (label.ko, label.en):
            assert placeholders(text) <= given, f"{where}: {key!r} needs {placeholders(text) - given}"
        assert given <= placeholders(label.ko) | placeholders(label.en), f"{where}: {key!r} ignores a value"


def test_a_refusal_speaks_the_users_language_and_english_on_the_command_line() -> None:
    refused = IllegalTransition("err_handoff_finished", handoff="ho-1", state=HandoffState.CANCELLED)
    assert refused.message(Lang.KO) == "이관 ho-1은(는) 이미 취소 상태입니다"
    assert refused.message(Lang.EN) == str(refused) == "hand-off ho-1 is already cancelled"
    assert (refused.key, refused.params) == (
        "err_handoff_finished",
        {"handoff": "ho-1", "state": "cancelled"},
    )
    assert not isinstance(refused, ValueError | LookupError)  # never caught as a bug's exception
    with pytest.raises(MissingText) as missing:
        required_text("  ", "err_decline_needs_reason")
    assert missing.value.key == "err_decline_needs_reason"
    assert required_text(" 사유 ", "err_decline_needs_reason") == "사유"
    with pytest.raises(KeyError):
        CaseworkError("no such text")  # a programming error, found at once


def test_a_refusal_crosses_a_process_boundary_whole() -> None:
    refused = Forbidden("err_may_not_change", role=Role.COUNSELLOR, what="member.health")
    copied = pickle.loads(pickle.dumps(refused))
    assert type(copied) is Forbidden
    assert (copied.key, copied.params) == (refused.key, refused.params)
    assert copied.message(Lang.KO) == "복지상담전문관은(는) member.health을(를) 바꿀 수 없습니다"


@pytest.mark.parametrize(
    ("user", "role", "owner", "allowed"),
    [
        ("planner", Role.WELFARE_PLANNER, "planner", True),
        ("planner", Role.WELFARE_PLANNER, "nurse", False),
        ("planner", Role.WELFARE_PLANNER, None, False),
        ("boss", Role.SUPERVISOR, "nurse", True),
        ("boss", Role.SUPERVISOR, None, True),
    ],
)
def test_the_owner_or_a_supervisor_may_act(user: str, role: Role, owner: str | None, allowed: bool) -> None:
    assert is_owner_or_supervisor(user, role.value, owner) is allowed
    if allowed:
        require_owner_or_supervisor(user, role.value, owner, "err_owner_hands_on")
    else:
        with pytest.raises(Forbidden) as refused:
            require_owner_or_supervisor(user, role.value, owner, "err_owner_hands_on")
        assert refused.value.key == "err_owner_hands_on"
