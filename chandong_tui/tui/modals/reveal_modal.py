"""Reveal a member's resident registration number, with a reason (`r` on a household).

Roles that may (planners, nurses, case managers, counsellors, supervisors) pick the member when the
household has several with a number, then type why; `casework.access.reveal_rrn` records the reveal
(who, whose, why) in the access log before it hands out the number. The screen shows it in plain for
that view only: leaving the household, or the idle lock, masks it again. Neighbourhood officers are
refused with a line saying so, before anything is asked (and nothing is logged).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chandong_tui.casework.access import reveal_rrn
from chandong_tui.casework.permissions import can_reveal
from chandong_tui.i18n import t
from chandong_tui.model.fields import mask_rrn
from chandong_tui.tui.modals.note_modal import NoteModal

if TYPE_CHECKING:
    from chandong_tui.casework.repository import CaseRepository
    from chandong_tui.model.records import Member
    from chandong_tui.tui.base import ChandongScreen


class RevealModal(NoteModal[str]):
    """The reason for one reveal; dismisses with the number (nothing is saved but the log event)."""

    SAVED_TOAST = False  # nothing is saved: only the access-log event was written


def may_reveal(repo: CaseRepository) -> bool:
    return can_reveal(repo.role, "member", "rrn")


def ask_reveal(
    screen: ChandongScreen[Any],
    members: list[Member],
    shown: Callable[[str, str], None],
) -> None:
    """Ask which member (if several have a number) and why; `shown(member_id, number)` after the
    reveal was logged. Refused roles and households without a number get a line instead."""
    repo, lang = screen.repo, screen.lang
    if not may_reveal(repo):
        screen.notify(t("reveal_forbidden", lang), severity="warning")
        return
    numbered = [member for member in members if member.rrn]
    if not numbered:
        screen.notify(t("reveal_no_number", lang), severity="warning")
        return

    def ask_reason(member_id: str | None) -> None:
        member = next((m for m in numbered if m.id == member_id), None)
        if member is None:
            return
        modal = RevealModal(
            t("reveal_title", lang, name=member.name),
            t("reveal_reason", lang),
            lambda reason: reveal_rrn(repo, member.id, reason),
        )
        screen.app.push_screen(modal, lambda number: shown(member.id, number) if number else None)

    if len(numbered) == 1:
        ask_reason(numbered[0].id)
        return
    from chandong_tui.tui.modals.choice_modal import ChoiceModal

    options = [(f"{member.name} · {mask_rrn(member.rrn)}", member.id) for member in numbered]
    screen.app.push_screen(ChoiceModal(t("reveal_pick_member", lang), options), ask_reason)
