"""Who is signed in, and what only a supervisor may open: shared by 내 업무 and the household list.

Kept apart from `report_screen` so the main screens can show the top line without importing the
reports layer: the report screen is imported when a supervisor first opens it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chandong_tui.i18n import Lang, t
from chandong_tui.model.enums import Role

if TYPE_CHECKING:
    from textual.screen import Screen

    from chandong_tui.casework.repository import CaseRepository

SUPERVISOR = Role.SUPERVISOR.value


def open_report(screen: Screen[object], repo: CaseRepository, lang: Lang | str) -> None:
    """Open the monthly report above `screen`; other roles than supervisors get a line saying why not."""
    if repo.role != SUPERVISOR:
        screen.notify(t("report_supervisor_only", lang), severity="warning")
        return
    from chandong_tui.tui.screens.report_screen import ReportScreen

    screen.app.push_screen(ReportScreen(repo, lang))


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
