"""A visit read back whole (Enter on the household screen): kind, date, who, target group, needs, every
resource linked with its current outcome (`casework/links.py`), health measures with their units (the
repository hands them only to roles that read them), the whole note, the next visit due, and its
revisions (the visit it corrects and the visits that correct it, by `Visit.revises`).

`o` updates the outcome of one of its resources (`modals/link_modal.py`); the detail is read again
after the save. Everything is a `Text` built through `text`/`cell`, so record contents are never
read as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from chandong_tui.casework.case_file import measure_lines
from chandong_tui.casework.links import Link, links_of_household, may_update
from chandong_tui.i18n import t
from chandong_tui.model.records import Visit
from chandong_tui.tui.base import ChandongModal
from chandong_tui.tui.modals.link_modal import ask_link_outcome
from chandong_tui.tui.text import cell, join, text
from chandong_tui.tui.widgets.footer import SteadyFooter

_MUTED = "dim"
_SECTION = "bold"


class VisitDetailModal(ChandongModal[None]):
    """Every field of visit `visit_id`, as the user's role may see it."""

    DEFAULT_CSS = """
    VisitDetailModal { align: center middle; }
    VisitDetailModal > #visit-detail { width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; padding: 0 1; }
    VisitDetailModal Static { height: auto; }
    """
    BINDING_GROUP = "visit_detail"
    BACK_KEYS = "escape,backspace"
    BINDINGS = [
        Binding(
            "o",
            "set_outcome",
            "key_link_outcome",
            id="visit_detail.outcome",
            show=True,
            tooltip="tip_link_outcome",
        ),
        Binding("down,j", "scroll('down')", "key_down", id="visit_detail.down", show=False),
        Binding("up,k", "scroll('up')", "key_up", id="visit_detail.up", show=False),
        Binding(
            "pagedown,space", "scroll('page_down')", "key_page_down", id="visit_detail.page_down", show=False
        ),
        Binding("pageup", "scroll('page_up')", "key_page_up", id="visit_detail.page_up", show=False),
    ]

    def __init__(self, visit_id: str) -> None:
        super().__init__()
        self.visit_id = visit_id
        self.visit: Visit | None = None
        """The visit as last read."""
        self.links: list[Link] = []
        """Its resources as links with their current outcome, as last read."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="visit-detail"):
            yield Static(id="visit-detail-body")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#visit-detail", VerticalScroll).focus()

    def reload(self) -> None:
        self.visit = self.repo.get(Visit, self.visit_id)
        if self.visit is None:
            self.links = []
            body = text(t("visit_missing", self.lang, visit=self.visit_id), "bold")
        else:
            prefix = f"{self.visit.id}."
            self.links = [
                link
                for link in links_of_household(self.repo, self.visit.household_id)
                if link.id.startswith(prefix)
            ]
            body = self._body(self.visit)
        self.query_one("#visit-detail-body", Static).update(body)
        self.refresh_bindings()

    # -- drawing ---------------------------------------------------------------------------
    def _field(self, key: str, value: Text | str) -> Text:
        return join([cell(t(key, self.lang), 14, _MUTED), value if isinstance(value, Text) else text(value)])

    def _worker(self, worker_id: str | None) -> str:
        worker = self.repo.worker(worker_id) if worker_id else None
        if worker is None:
            return worker_id or t("none", self.lang)
        return f"{worker.name} ({worker.role.label(self.lang)})"

    def _body(self, visit: Visit) -> Text:
        lang = self.lang
        none = t("none", lang)
        lines = [
            text(f"{t('visit_detail_title', lang)} · {visit.visit_kind.label(lang)} · {visit.id}", _SECTION),
            self._field("visited_on", visit.visited_on.isoformat()),
            self._field("detail_worker", self._worker(visit.worker_id)),
            self._field("target_group", visit.target_group.label(lang)),
            self._field("needs_found", ", ".join(need.label(lang) for need in visit.needs) or none),
            self._field("next_visit_due", visit.next_visit_due.isoformat() if visit.next_visit_due else none),
            text(t("detail_resources", lang), _SECTION),
        ]
        for link in self.links:
            what = " / ".join(x for x in (link.agency, link.service) if x)
            category = link.category.label(lang) if link.category else ""
            state = link.outcome.label(lang)
            if link.updated_at is not None:
                who = self._worker(link.updated_by)
                state += f" ({link.since().isoformat()} · {who})"
            lines.append(join([cell("", 2), text(f"{what} · {category} · {state}")], ""))
            if link.note:
                lines.append(join([cell("", 4), text(link.note, _MUTED)], ""))
        if not self.links:
            lines.append(join([cell("", 2), text(none, _MUTED)], ""))
        if visit.health_measures is not None:
            lines.append(text(t("detail_health", lang), _SECTION))
            lines += [
                join([cell("", 2), text(line)], "") for line in measure_lines(visit.health_measures, lang)
            ]
        lines.append(text(t("note", lang), _SECTION))
        lines += [join([cell("", 2), text(line)], "") for line in (visit.note or none).splitlines()]
        lines.append(text(t("detail_revisions", lang), _SECTION))
        lines += self._revisions(visit)
        return Text("\n", end="").join(lines)

    def _revisions(self, visit: Visit) -> list[Text]:
        """The visit it corrects and those that correct it (newest first)."""
        lines = []
        if visit.revises:
            revised = self.repo.get(Visit, visit.revises)
            day = revised.visited_on.isoformat() if revised else ""
            lines.append(
                join([cell("", 2), text(t("detail_revises", self.lang, visit=visit.revises, day=day))], "")
            )
        for other in self.repo.visits_of(visit.household_id):
            if other.revises == visit.id:
                line = t("detail_revised_by", self.lang, visit=other.id, day=other.visited_on.isoformat())
                lines.append(join([cell("", 2), text(f"{line} · {self._worker(other.worker_id)}")], ""))
        if not lines:
            lines.append(join([cell("", 2), text(t("none", self.lang), _MUTED)], ""))
        return lines

    # -- keys ------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "set_outcome":
            return bool(self.links)
        return True

    def action_set_outcome(self) -> None:
        """Update the outcome of one of the visit's resources (those the user may update)."""
        mine = [link for link in self.links if may_update(self.repo, link)]
        if self.links and not mine:
            self.notify(t("err_link_not_allowed", self.lang, link=self.links[0].id), severity="warning")
            return
        ask_link_outcome(self, mine, self._saved)

    def _saved(self, result: object) -> None:
        if result is not None:
            self.refresh_records()

    def action_scroll(self, how: str) -> None:
        getattr(self.query_one("#visit-detail", VerticalScroll), f"scroll_{how}")(animate=False)
