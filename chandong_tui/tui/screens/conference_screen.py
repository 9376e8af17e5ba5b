"""`ConferenceScreen`: one case conference (사례회의): when, where, who, its agenda and minutes.

The agenda is a keyboard list (Enter opens the household). `a` adds a suggested household, `f` finds
any household (as in the household list), `x` takes one off and shift+↑/↓ moves
it before the meeting, `m` runs the
meeting: it starts it (the facilitator or a supervisor) and walks the agenda, opening the decision form
of each household still undecided (`conferences.next_undecided`) one after the other (Esc pauses the
walk, `m` resumes it); `d` decides (again) the household under the cursor; `s` seals the minutes: before
the meeting has started or while a household is undecided it says why, otherwise it asks for
confirmation first. Sealed minutes are read in full with `v` and change only by `e`, an addendum
with a reason (a new revision).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from chandong_tui.casework.clock import KST
from chandong_tui.casework.conferences import (
    add_to_agenda,
    agenda_suggestions,
    check_sealable,
    move_on_agenda,
    next_undecided,
    remove_from_agenda,
    revise_minutes,
    revisions_of,
    seal_minutes,
    start_meeting,
)
from chandong_tui.casework.errors import CaseworkError, NotFound
from chandong_tui.casework.permissions import is_owner_or_supervisor
from chandong_tui.i18n import t
from chandong_tui.model.enums import ConferenceState
from chandong_tui.model.records import AgendaItem, Conference, Task
from chandong_tui.tui.base import ChandongScreen
from chandong_tui.tui.modals.agenda_modal import AgendaSearchModal
from chandong_tui.tui.modals.choice_modal import ChoiceModal
from chandong_tui.tui.modals.conference_modal import outside_text, suggestion_label
from chandong_tui.tui.modals.confirm_modal import ConfirmModal
from chandong_tui.tui.modals.decision_modal import DecisionModal
from chandong_tui.tui.modals.minutes_modal import MinutesModal
from chandong_tui.tui.modals.note_modal import NoteModal
from chandong_tui.tui.text import cell, join, text
from chandong_tui.tui.widgets.footer import SteadyFooter

_MUTED = "dim"


class ConferenceScreen(ChandongScreen[None]):
    """A conference and its meeting mode."""

    HELP_TITLE = "conference_screen_name"

    DEFAULT_CSS = """
    ConferenceScreen #conference-head { height: auto; max-height: 50%; padding: 0 1; }
    ConferenceScreen #conference-agenda { height: 1fr; border: none; padding: 0 1; }
    """

    BINDING_GROUP = "conference"
    BACK_KEYS = "escape,backspace"
    QUIT_IN_FOOTER = False
    BINDINGS = [
        Binding("m", "meeting", "key_meeting", id="conference.meeting", show=True, tooltip="tip_meeting"),
        Binding("d", "decide", "key_decide", id="conference.decide", show=True, tooltip="tip_decide"),
        Binding("s", "seal", "key_seal", id="conference.seal", show=True, tooltip="tip_seal"),
        Binding(
            "a", "add_agenda", "key_add_agenda", id="conference.add", show=True, tooltip="tip_add_agenda"
        ),
        Binding(
            "f",
            "find_household",
            "key_find_household",
            id="conference.find",
            show=True,
            tooltip="tip_find_household",
        ),
        Binding(
            "x",
            "remove_agenda",
            "key_remove_agenda",
            id="conference.remove",
            show=True,
            tooltip="tip_remove_agenda",
        ),
        Binding(
            "v",
            "read_minutes",
            "key_read_minutes",
            id="conference.read",
            show=True,
            tooltip="tip_read_minutes",
        ),
        Binding("e", "addendum", "key_addendum", id="conference.addendum", show=True, tooltip="tip_addendum"),
        Binding(
            "shift+up",
            "move_agenda(-1)",
            "key_move_up",
            id="conference.up",
            show=False,
            tooltip="tip_move_up",
        ),
        Binding(
            "shift+down",
            "move_agenda(1)",
            "key_move_down",
            id="conference.down",
            show=False,
            tooltip="tip_move_down",
        ),
        Binding(
            "o",
            "open_household",
            "key_open_household",
            id="conference.household",
            show=False,
            tooltip="tip_open_household",
        ),
    ]

    def __init__(
        self,
        conference_id: str,
    ) -> None:
        super().__init__()
        self.conference_id = conference_id
        """The conference first opened (sealed minutes show their newest revision)."""
        self.conference: Conference | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="conference-head")
        yield OptionList(id="conference-agenda")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#conference-agenda", OptionList).focus()

    # -- reading and drawing ---------------------------------------------------------------
    def reload(self) -> None:
        try:
            self.conference = revisions_of(self.repo, self.conference_id)[-1]
        except NotFound:
            self.conference = None
        self._draw()
        self.refresh_bindings()

    def _worker(self, worker_id: str | None) -> str:
        worker = self.repo.worker(worker_id) if worker_id else None
        return worker.name if worker else (worker_id or "")

    def _field(self, key: str, value: str) -> Text:
        return join([cell(t(key, self.lang), 12, _MUTED), text(value)])

    def _draw(self) -> None:
        lang, conference = self.lang, self.conference
        head = self.query_one("#conference-head", Static)
        agenda = self.query_one("#conference-agenda", OptionList)
        if conference is None:
            head.update(text(t("conference_missing", lang), "bold"))
            agenda.clear_options()
            return
        when = f"{conference.scheduled_at.astimezone(KST):%Y-%m-%d %H:%M}"
        staff = ", ".join(a.name for a in conference.attendees if a.worker_id)
        outside = outside_text(a for a in conference.attendees if not a.worker_id)
        lines = [
            text(t("conference_title", lang, kind=conference.conference_kind.label(lang), when=when), "bold"),
            self._field("conference_state", conference.state.label(lang)),
            self._field("conference_place", conference.place or t("none", lang)),
            self._field("conference_facilitator", self._worker(conference.facilitator_id)),
            self._field("conference_attendees", staff or t("none", lang)),
            self._field("conference_outside", outside or t("none", lang)),
        ]
        if conference.state is ConferenceState.SEALED:
            sealed = f"{conference.sealed_at.astimezone(KST):%Y-%m-%d %H:%M}" if conference.sealed_at else ""
            lines.append(
                self._field(
                    "conference_minutes",
                    t("conference_sealed_by", lang, at=sealed, name=self._worker(conference.sealed_by)),
                )
            )
            if conference.minutes:
                lines.append(join([cell("", 12), text(conference.minutes)]))
            if conference.revises:
                lines.append(self._field("addendum_reason", conference.revision_note))
        lines.append(text(f"{t('conference_agenda', lang)} ({len(conference.agenda)})", "bold"))
        head.update(Text("\n", end="").join(lines))
        current = agenda.highlighted
        tasks = {
            task.id: task
            for task in self.repo.where(Task, lambda row: row.get("conference_id") == conference.id)
        }
        summaries = {s.id: s for s in self.repo.household_summaries()}
        options = []
        for item in conference.agenda:
            options.append(Option(self._item_line(item, summaries, tasks), id=item.household_id))
        agenda.clear_options()
        if options:
            agenda.add_options(options)
            agenda.highlighted = min(current or 0, len(options) - 1)
        else:
            agenda.add_option(Option(text(t("conference_no_agenda", lang), _MUTED), disabled=True))

    def _item_line(self, item: AgendaItem, summaries: Mapping[str, object], tasks: dict[str, Task]) -> Text:
        lang = self.lang
        summary = summaries.get(item.household_id)
        name = getattr(summary, "head_name", "") or item.household_id
        place = f"{getattr(summary, 'tong', '')}-{getattr(summary, 'ban', '')}" if summary else ""
        decision = item.decision.label(lang) if item.decision else t("conference_undecided", lang)
        parts = [
            join(
                [
                    cell(place, 6),
                    cell(name, 10),
                    cell(decision, 12, "bold" if item.decision else _MUTED),
                    text(
                        item.note.splitlines()[0] if item.note else item.reason,
                        _MUTED if not item.note else "",
                    ),
                ]
            )
        ]
        for task_id in item.task_ids:
            task = tasks.get(task_id)
            if task is not None:
                line = t(
                    "conference_task",
                    lang,
                    title=task.title,
                    owner=self._worker(task.owner_id),
                    due=task.due_on.isoformat(),
                )
                parts.append(join([cell("", 6), text(line, _MUTED)]))
        return Text("\n", end="").join(parts)

    # -- actions ---------------------------------------------------------------------------
    def _runs_it(self) -> bool:
        conference = self.conference
        return conference is not None and (
            is_owner_or_supervisor(self.repo.user_id, self.repo.role, conference.facilitator_id)
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        conference = self.conference
        if action == "meeting":
            return (
                self._runs_it() and conference is not None and conference.state is not ConferenceState.SEALED
            )
        if action == "decide":
            return (
                self._runs_it() and conference is not None and conference.state is ConferenceState.IN_PROGRESS
            )
        if action == "seal":  # shown until sealed: pressed too early, it says why (action_seal)
            return (
                self._runs_it() and conference is not None and conference.state is not ConferenceState.SEALED
            )
        if action == "read_minutes":
            return conference is not None and conference.state is ConferenceState.SEALED
        if action == "addendum":
            return self._runs_it() and conference is not None and conference.state is ConferenceState.SEALED
        if action in ("remove_agenda", "move_agenda"):
            return (
                self._runs_it()
                and conference is not None
                and conference.state is ConferenceState.SCHEDULED
                and bool(conference.agenda)
            )
        if action in ("add_agenda", "find_household"):
            return (
                self._runs_it() and conference is not None and conference.state is not ConferenceState.SEALED
            )
        if action == "open_household":
            return conference is not None and bool(conference.agenda)
        return True

    def _act(self, step: Callable[[], object]) -> bool:
        try:
            step()
        except CaseworkError as exc:
            self.notify(exc.message(self.lang), severity="error")
            return False
        return True

    def action_meeting(self) -> None:
        """Start the meeting when it is still scheduled, then walk the undecided households."""
        conference = self.conference
        if conference is None:
            return
        if conference.state is ConferenceState.SCHEDULED:
            if not self._act(lambda: start_meeting(self.repo, conference.id, at=self.now())):
                return
            self.refresh_records()
        self._walk()

    def _walk(self) -> None:
        conference = self.conference
        if conference is None or conference.state is not ConferenceState.IN_PROGRESS:
            return
        item = next_undecided(conference)
        if item is None:
            self.notify(t("conference_all_decided", self.lang), timeout=4)
            return
        self._decide(item, then=self._walk)

    def _decide(self, item: AgendaItem, then: Callable[[], None] | None = None) -> None:
        assert self.conference is not None
        agenda = self.query_one("#conference-agenda", OptionList)
        index = next(
            (i for i, a in enumerate(self.conference.agenda) if a.household_id == item.household_id), None
        )
        agenda.highlighted = index

        def done(result: Conference | None) -> None:
            if result is None:
                return  # Esc: the walk pauses here (m resumes it)
            self.refresh_records()
            if then is not None:
                then()

        self.app.push_screen(DecisionModal(self.conference.id, item.household_id), done)

    def action_decide(self) -> None:
        conference = self.conference
        agenda = self.query_one("#conference-agenda", OptionList)
        if conference is None or agenda.highlighted is None or not conference.agenda:
            return
        self._decide(conference.agenda[agenda.highlighted])

    def action_seal(self) -> None:
        """Refused with the reason before the meeting has started or while a household is undecided;
        otherwise asks for confirmation (sealed minutes change only by an addendum), then the text."""
        conference = self.conference
        if conference is None or not self._act(lambda: check_sealable(conference)):
            return

        def done(result: object) -> None:
            if result is not None:
                self.refresh_records()

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            self.app.push_screen(
                NoteModal(
                    t("seal_title", self.lang),
                    t("seal_minutes", self.lang),
                    lambda minutes: seal_minutes(self.repo, conference.id, minutes, at=self.now()),
                    required=False,
                ),
                done,
            )

        self.app.push_screen(ConfirmModal(t("seal_confirm", self.lang)), confirmed)

    def action_read_minutes(self) -> None:
        if self.conference is not None:
            self.app.push_screen(MinutesModal(self.conference.id))

    def action_addendum(self) -> None:
        """Sealed minutes change only by an addendum: the corrected text, then the reason (required);
        saved as a new revision (`conferences.revise_minutes`), the sealed record kept as it was."""
        conference = self.conference
        if conference is None:
            return

        def done(result: object) -> None:
            if result is not None:
                self.refresh_records()

        def reason_for(minutes: str | None) -> None:
            if minutes is None:
                return
            self.app.push_screen(
                NoteModal(
                    t("addendum_title", self.lang),
                    t("addendum_reason", self.lang),
                    lambda reason: revise_minutes(
                        self.repo, conference.id, reason=reason, minutes=minutes, at=self.now()
                    ),
                ),
                done,
            )

        self.app.push_screen(
            NoteModal(
                t("addendum_title", self.lang),
                t("seal_minutes", self.lang),
                lambda minutes: minutes,
                initial=conference.minutes,
                required=False,
            ),
            reason_for,
        )

    def action_add_agenda(self) -> None:
        conference = self.conference
        if conference is None:
            return
        suggestions = agenda_suggestions(self.repo, self.now())
        if not suggestions:
            self.notify(t("conference_no_suggestions", self.lang), timeout=3)
            return
        reasons = {s.household_id: ", ".join(r.ko for r in s.reasons) for s in suggestions}
        options = [(suggestion_label(self.repo, s, self.lang), s.household_id) for s in suggestions]

        def picked(household_id: str | None) -> None:
            if household_id and self._act(
                lambda: add_to_agenda(self.repo, conference.id, household_id, reasons.get(household_id, ""))
            ):
                self.refresh_records()

        self.app.push_screen(ChoiceModal(t("conference_pick_household", self.lang), options), picked)

    def action_find_household(self) -> None:
        """Any household, found as in the household list (`AgendaSearchModal`)."""
        conference = self.conference
        if conference is None:
            return

        def picked(household_id: str | None) -> None:
            if household_id and self._act(lambda: add_to_agenda(self.repo, conference.id, household_id)):
                self.refresh_records()

        on_agenda = frozenset(item.household_id for item in conference.agenda)
        title = conference.conference_kind.label(self.lang)
        self.app.push_screen(AgendaSearchModal(title, on_agenda), picked)

    def action_remove_agenda(self) -> None:
        """Take the household under the cursor off the agenda (before the meeting)."""
        conference = self.conference
        agenda = self.query_one("#conference-agenda", OptionList)
        option = agenda.highlighted_option
        if conference is None or option is None or option.id is None:
            return
        household_id = option.id
        if self._act(lambda: remove_from_agenda(self.repo, conference.id, household_id)):
            self.refresh_records()

    def action_move_agenda(self, offset: int) -> None:
        """Move the household under the cursor up or down the agenda; the cursor follows it."""
        conference = self.conference
        agenda = self.query_one("#conference-agenda", OptionList)
        option = agenda.highlighted_option
        if conference is None or option is None or option.id is None:
            return
        household_id = option.id
        if self._act(lambda: move_on_agenda(self.repo, conference.id, household_id, offset)):
            self.refresh_records()
            agenda.highlighted = agenda.get_option_index(household_id)

    @on(OptionList.OptionSelected, "#conference-agenda")
    def selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open_household()

    def action_open_household(self) -> None:
        agenda = self.query_one("#conference-agenda", OptionList)
        option = agenda.highlighted_option
        if option is None or option.id is None:
            return
        self.ctx.nav.household(option.id)
