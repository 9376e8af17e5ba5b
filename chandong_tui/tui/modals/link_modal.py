"""처리결과: updating a followed link's outcome (`LinkModal`), and `ask_link_outcome`, which asks which
link first when there are several (those waiting longest first).

The form offers the outcomes an update may set (제공, 진행중, 중단, 거절, 연계불가) and a note, and saves
through `casework.links.set_outcome`: one new outcome record, nothing overwritten. A refusal from
casework (a user who may not update it) shows in the form's message line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Select

from chandong_tui.casework.errors import NotFound
from chandong_tui.casework.links import SETTABLE, Link, get_link, set_outcome
from chandong_tui.i18n import Lang, t
from chandong_tui.model.enums import LinkState
from chandong_tui.tui.base import ChandongModal, ChandongScreen
from chandong_tui.tui.modals.choice_modal import ChoiceModal
from chandong_tui.tui.modals.form_modal import FormField, FormModal
from chandong_tui.tui.modals.note_modal import require_filled
from chandong_tui.tui.modals.visit_modal import SafeInput


def link_line(link: Link, lang: Lang | str) -> str:
    """`2026-09-09 · 상도1동 주민센터 / 기초생활보장 신청 · 진행중 (2026-10-01)`."""
    what = " / ".join(x for x in (link.agency, link.service) if x)
    since = f" ({link.since().isoformat()})" if link.updated_at else ""
    return f"{link.requested_on.isoformat()} · {what} · {link.outcome.label(lang)}{since}"


class LinkModal(FormModal[Link]):
    """Update the outcome of link `link_id`; dismisses with the link as it now stands."""

    DEFAULT_CSS = """
    LinkModal FormField > Horizontal > Select { width: 1fr; }
    LinkModal FormField > Horizontal > SafeInput { width: 1fr; }
    """

    def __init__(self, link_id: str) -> None:
        self.link = get_link(self.repo, link_id)
        super().__init__(t("link_outcome_title", self.lang, link=link_line(self.link, self.lang)))

    def fields(self) -> ComposeResult:
        lang = self.lang
        options = [(state.label(lang), state.value) for state in SETTABLE]
        current = self.link.outcome.value if self.link.outcome in SETTABLE else Select.NULL
        yield FormField(
            t("link_outcome", lang),
            Select(options, value=current, prompt=t("pick_one", lang), id="outcome"),
            "outcome",
        )
        yield FormField(t("link_note", lang), SafeInput(id="note"), "note")

    def submit(self) -> Link:
        values = {name: self.value_of(name) for name in ("outcome", "note")}
        require_filled(values, ["outcome"])
        return set_outcome(
            self.repo,
            self.link.id,
            LinkState(str(values["outcome"])),
            str(values["note"] or ""),
            at=self.now(),
        )


def open_link_form(
    screen: ChandongScreen[Any] | ChandongModal[Any], link_id: str, done: Callable[[object], None]
) -> None:
    """The outcome form of `link_id`; a link gone meanwhile (its visit corrected on another PC) is one
    line saying so."""
    try:
        form = LinkModal(link_id)
    except NotFound as exc:
        screen.notify(exc.message(screen.lang), severity="warning")
        return
    screen.app.push_screen(form, done)


def ask_link_outcome(
    screen: ChandongScreen[Any] | ChandongModal[Any], links: list[Link], done: Callable[[object], None]
) -> None:
    """Pick one of `links` (when there are several) and update its outcome; `done` runs when the form
    closes, with the link or None."""
    if not links:
        screen.notify(t("link_none_awaiting", screen.lang), severity="warning")
        return
    if len(links) == 1:
        open_link_form(screen, links[0].id, done)
        return

    def picked(link_id: str | None) -> None:
        if link_id:
            open_link_form(screen, link_id, done)

    options = [(link_line(link, screen.lang), link.id) for link in links]
    screen.app.push_screen(ChoiceModal(t("link_pick_title", screen.lang), options), picked)
