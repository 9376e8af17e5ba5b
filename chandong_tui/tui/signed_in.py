"""Who is signed in: the top line of 내 업무 and the household list, and the supervisor's role name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chandong_tui.i18n import Lang, t
from chandong_tui.model.enums import Role

if TYPE_CHECKING:
    from chandong_tui.casework.repository import CaseRepository

SUPERVISOR = Role.SUPERVISOR.value


def signed_in_line(repo: CaseRepository, lang: Lang | str) -> str:
    """`상도1동 · 박서연 (복지플래너)`: where and who, for the top line of the main screens."""
    dong = repo.dong()
    worker = repo.worker(repo.user_id)
    try:
        role = Role(repo.role).label(lang)
    except ValueError:
        role = repo.role
    return t(
        "signed_in",
        lang,
        dong=dong.name if dong else t("app_title", lang),
        name=worker.name if worker else repo.user_id,
        role=role,
    )
