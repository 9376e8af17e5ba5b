"""Likely duplicates of a household being registered (중복 의심 가구).

Three signs, each enough: the head of household's name and birth date are those of someone already in
the register; the same road address and 상세주소; a member's phone number already in the register.
`register_household` refuses with `LikelyDuplicate` (carrying the matches) unless the worker gives a
reason to register anyway; that reason is then kept on the new household's timeline as a case event,
so a second record of one family is never made without a word. The form offers to open the existing
household instead.

One pass over the raw household and member rows (3,000 and 6,000 at dong size); nothing is validated
that is not a match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from chandong_tui.casework.converters import is_deleted
from chandong_tui.casework.errors import InvalidInput
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.enums import Relation
from chandong_tui.model.records import Household, Member

SAME_HEAD = "dup_same_head"
SAME_ADDRESS = "dup_same_address"
SAME_PHONE = "dup_same_phone"
SIGNS = (SAME_HEAD, SAME_ADDRESS, SAME_PHONE)
"""Why a household is a likely duplicate, as catalogue keys (in this order)."""


@dataclass(frozen=True)
class Duplicate:
    """An existing household that looks like the one being registered, and why."""

    household_id: str
    signs: tuple[str, ...]
    """Catalogue keys of the signs that matched (`SIGNS` order)."""


class LikelyDuplicate(InvalidInput):
    """The household being registered looks like households already in the register."""

    def __init__(self, matches: list[Duplicate]) -> None:
        super().__init__(
            "err_likely_duplicate", households=", ".join(m.household_id for m in matches), n=len(matches)
        )
        self.matches = matches


def _address(road: object, detail: object) -> str:
    return " ".join(f"{road or ''} {detail or ''}".split())


def _digits(phone: object) -> str:
    return re.sub(r"\D", "", str(phone or ""))


def find_duplicates(repo: CaseRepository, household: Household, members: Iterable[Member]) -> list[Duplicate]:
    """Existing households (deleted ones aside) that share the head's name and birth date, the
    address and 상세주소, or a member's phone with the one being registered; most signs first."""
    people = list(members)
    head = next((m for m in people if m.relation is Relation.HEAD), people[0] if people else None)
    person = (head.name, head.birth_date.isoformat()) if head is not None else None
    phones = {_digits(m.phone) for m in people if m.phone}
    address = _address(household.road_address, household.address_detail)
    signs: dict[str, set[str]] = {}
    for row_id, doc in repo.rows(Household.kind).items():
        same = _address(doc.get("road_address"), doc.get("address_detail")) == address
        if same and row_id != household.id and not is_deleted(doc):
            signs.setdefault(row_id, set()).add(SAME_ADDRESS)
    for doc in repo.rows(Member.kind).values():
        hid = doc.get("household_id")
        if is_deleted(doc) or not hid or hid == household.id:
            continue
        if person is not None and (doc.get("name"), str(doc.get("birth_date"))) == person:
            signs.setdefault(hid, set()).add(SAME_HEAD)
        if phones and _digits(doc.get("phone")) in phones:
            signs.setdefault(hid, set()).add(SAME_PHONE)
    households = repo.rows(Household.kind)
    found = [
        Duplicate(hid, tuple(sign for sign in SIGNS if sign in matched))
        for hid, matched in signs.items()
        if hid in households and not is_deleted(households[hid])
    ]
    return sorted(found, key=lambda d: (-len(d.signs), d.household_id))
