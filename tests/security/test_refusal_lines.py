"""Every refusal of the membership history has its line in the catalogue, in Korean and English."""

from __future__ import annotations

import re

from chandong_tui.i18n import CATALOGUE, Lang, t
from chandong_tui.vault import members
from tests.conftest import REPO


def test_every_refusal_key_is_in_the_catalogue() -> None:
    source = (REPO / "chandong_tui" / "vault" / "members.py").read_text(encoding="utf-8")
    keys = set(re.findall(r'"(members_[a-z_]+)"', source))
    assert {"members_older", "members_replaced", "members_forked", "members_first_open"} <= keys
    for key in keys:
        assert key in CATALOGUE, key
        assert re.search(r"[가-힣]", CATALOGUE[key].ko) and CATALOGUE[key].en != CATALOGUE[key].ko
    refused = members.MembershipRefused("x", "members_older", have=3, seen=5)
    assert t(refused.key, Lang.KO, **refused.params).startswith(
        "이 폴더의 구성원 기록이 이 PC가 본 것보다 오래되었습니다"
    )
    assert "older membership than this PC has seen" in t(refused.key, Lang.EN, **refused.params)
