"""Command-palette entries ("category: verb"), offered only when they make sense on the current screen."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from textual.command import DiscoveryHit, Hit, Hits, Provider

from chandong_tui.i18n import t

HOUSEHOLDS_COMMANDS = (
    ("cmd_household_register", "action_register"),
    ("cmd_households_mine", "action_toggle_mine"),
    ("cmd_households_tag", "action_next_tag"),
    ("cmd_households_tong", "action_ask_tong"),
    ("cmd_households_open_flag", "action_toggle_open_flag"),
    ("cmd_households_clear", "action_clear_filters"),
)
"""Palette entries of the household list: (catalogue key, screen action)."""

HOUSEHOLD_COMMANDS = (
    ("cmd_visit_record", "action_record_visit", False),
    ("cmd_flag_raise", "action_raise_flag", False),
    ("cmd_flag_update", "action_update_flag", True),
    ("cmd_flag_resolve", "action_resolve_flag", True),
    ("cmd_handoff_request", "action_handoff", False),
    ("cmd_closure_request", "action_request_closure", False),
    ("cmd_reveal_rrn", "action_reveal_rrn", False),
)
"""Palette entries of one household: (catalogue key, screen action, only with an open flag)."""

HANDOFF_COMMANDS = (
    ("cmd_handoff_accept", "accept"),
    ("cmd_handoff_decline", "decline"),
    ("cmd_handoff_return", "return_question"),
    ("cmd_handoff_answer", "answer"),
    ("cmd_handoff_cancel", "cancel_handoff"),
)
"""Palette entries of a hand-off: (catalogue key, screen action), offered when the screen allows it."""

QUEUE_COMMANDS = (
    ("key_mark", "mark"),
    ("key_reassign", "reassign"),
    ("key_approve_closure", "approve_closure"),
    ("key_return_closure", "return_closure"),
    ("key_comment", "comment"),
    ("key_filter_tong", "filter_tong"),
    ("key_filter_worker", "filter_worker"),
    ("key_filter_tag", "filter_tag"),
    ("key_filter_level", "filter_level"),
    ("key_clear_queue_filters", "clear_queue_filters"),
)
"""Palette entries of the supervisor queue: (catalogue key, screen action), when the line allows it."""


class ChandongCommands(Provider):
    """The main actions of chandong for the command palette (ctrl+p)."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        """(title, help, callback) for every command available now."""
        # Imported here, when the palette is first opened: the app starts without the screens' modules.
        from chandong_tui.tui.screens.dashboard_screen import DashboardScreen
        from chandong_tui.tui.screens.household_screen import HouseholdScreen
        from chandong_tui.tui.screens.households_screen import HouseholdsScreen
        from chandong_tui.tui.screens.report_screen import ReportScreen
        from chandong_tui.tui.signed_in import SUPERVISOR

        app = self.app
        lang = getattr(app, "lang", "ko")
        screen = self.screen
        if getattr(app, "repo", None) is not None and not isinstance(screen, DashboardScreen):
            yield t("cmd_my_work", lang), t("cmd_my_work_help", lang), app.action_show_dashboard  # type: ignore[attr-defined]
        if getattr(app, "repo", None) is not None and not isinstance(screen, HouseholdsScreen):
            yield (
                t("cmd_households_open", lang),
                t("cmd_households_open_help", lang),
                app.action_show_households,
            )  # type: ignore[attr-defined]
        if isinstance(screen, HouseholdsScreen):
            yield (
                t("cmd_households_search", lang),
                t("cmd_households_search_help", lang),
                screen.action_focus_search,
            )
            if screen.household_list.current is not None:
                yield (
                    t("cmd_household_open", lang),
                    t("cmd_household_open_help", lang),
                    screen.household_list.action_select,
                )
        if isinstance(screen, HouseholdsScreen):
            for key, action in HOUSEHOLDS_COMMANDS:
                yield t(key, lang), t(f"{key}_help", lang), getattr(screen, action)
        if isinstance(screen, HouseholdScreen) and screen.household is not None:
            for key, action, needs_open_flag in HOUSEHOLD_COMMANDS:
                if screen.open_flags or not needs_open_flag:
                    yield t(key, lang), t(f"{key}_help", lang), getattr(screen, action)
            if screen.clocks:  # a clock to pause or resume
                yield t("cmd_clock_pause", lang), t("cmd_clock_pause_help", lang), screen.action_pause_clock
        yield from self._collaboration_commands(lang)
        if isinstance(screen, (HouseholdsScreen, DashboardScreen)) and screen.repo.role == SUPERVISOR:
            yield t("cmd_report_open", lang), t("cmd_report_open_help", lang), screen.action_open_report
        if isinstance(screen, ReportScreen) and screen.allowed:
            yield t("cmd_report_export", lang), t("cmd_report_export_help", lang), screen.action_export
        if isinstance(screen, (HouseholdScreen, ReportScreen)):
            yield t("cmd_back", lang), t("cmd_back_help", lang), screen.action_back
        yield from self._sync_commands(lang)
        if hasattr(app, "action_toggle_low_bandwidth"):
            yield (
                t("cmd_low_bandwidth", lang),
                t("cmd_low_bandwidth_help", lang),
                app.action_toggle_low_bandwidth,
            )
        yield t("cmd_quit", lang), t("cmd_quit_help", lang), app.action_quit

    def _collaboration_commands(self, lang: str) -> Iterator[tuple[str, str, Callable[[], object]]]:
        """Hand-offs, the supervisor queue and case conferences."""
        from chandong_tui.tui.screens.dashboard_screen import DashboardScreen
        from chandong_tui.tui.screens.handoff_screen import HandoffScreen
        from chandong_tui.tui.screens.queue_screen import QueueScreen, open_queue
        from chandong_tui.tui.signed_in import SUPERVISOR

        screen = self.screen
        app = self.app
        repo = getattr(app, "repo", None)
        if repo is not None and repo.role == SUPERVISOR and not isinstance(screen, QueueScreen):
            clock = getattr(app, "clock", None)
            yield (
                t("cmd_queue_open", lang),
                t("cmd_queue_open_help", lang),
                lambda: open_queue(app, repo, lang, clock),  # type: ignore[arg-type]
            )
        if repo is not None and repo.role == SUPERVISOR and type(screen).__name__ != "AccessLogScreen":
            from chandong_tui.tui.screens.access_log_screen import open_access_log

            yield (
                t("cmd_access_log_open", lang),
                t("cmd_access_log_open_help", lang),
                lambda: open_access_log(app, repo, lang, getattr(app, "clock", None)),  # type: ignore[arg-type]
            )
        yield from self._conference_commands(lang)
        if isinstance(screen, QueueScreen):
            for key, action in QUEUE_COMMANDS:
                if screen.check_action(action, ()):
                    yield (
                        f"{t('queue_title', lang)}: {t(key, lang)}",
                        t(f"tip_{action}", lang),
                        getattr(screen, f"action_{action}"),
                    )
            yield t("cmd_back", lang), t("cmd_back_help", lang), screen.action_back
        if isinstance(screen, DashboardScreen):
            yield t("key_sent_handoffs", lang), t("tip_sent_handoffs", lang), screen.action_sent_handoffs
        if isinstance(screen, HandoffScreen):
            for key, action in HANDOFF_COMMANDS:
                if screen.check_action(action, ()):
                    yield t(key, lang), t(f"tip_{action}", lang), getattr(screen, f"action_{action}")
            yield t("cmd_back", lang), t("cmd_back_help", lang), screen.action_back

    def _sync_commands(self, lang: str) -> Iterator[tuple[str, str, Callable[[], object]]]:
        """A sync round now, and the 충돌 검토 screen (its own keys when it is open)."""
        from chandong_tui.tui.screens.conflicts_screen import ConflictsScreen
        from chandong_tui.tui.sync_status import open_conflicts, sync_now

        app, screen = self.app, self.screen
        if getattr(app, "repo", None) is None:
            return
        yield t("cmd_sync_now", lang), t("cmd_sync_now_help", lang), lambda: sync_now(app)  # type: ignore[arg-type]
        if not isinstance(screen, ConflictsScreen):
            yield (
                t("cmd_sync_conflicts", lang),
                t("cmd_sync_conflicts_help", lang),
                lambda: open_conflicts(app),  # type: ignore[arg-type]
            )
            return
        if screen.check_action("keep", ()):
            yield t("cmd_conflict_keep", lang), t("tip_keep", lang), screen.action_keep
        yield t("cmd_back", lang), t("cmd_back_help", lang), screen.action_back

    def _conference_commands(self, lang: str) -> Iterator[tuple[str, str, Callable[[], object]]]:
        from chandong_tui.tui.screens.conference_screen import ConferenceScreen
        from chandong_tui.tui.screens.week_screen import WeekScreen

        app, screen = self.app, self.screen
        if getattr(app, "repo", None) is not None and not isinstance(screen, WeekScreen):
            yield t("cmd_week_open", lang), t("cmd_week_open_help", lang), app.action_show_week  # type: ignore[attr-defined]
        if isinstance(screen, WeekScreen):
            for key, action in (("key_schedule", "schedule"), ("key_this_week", "this_week")):
                if screen.check_action(action, ()):
                    yield (
                        f"{t('key_week', lang)}: {t(key, lang)}",
                        t(f"tip_{action}", lang),
                        getattr(screen, f"action_{action}"),
                    )
            yield t("cmd_back", lang), t("cmd_back_help", lang), screen.action_back
        if isinstance(screen, ConferenceScreen):
            for key, action in (
                ("key_meeting", "meeting"),
                ("key_decide", "decide"),
                ("key_seal", "seal"),
                ("key_add_agenda", "add_agenda"),
                ("key_open_household", "open_household"),
            ):
                if screen.check_action(action, ()):
                    yield (
                        f"{t('key_week', lang)}: {t(key, lang)}",
                        t(f"tip_{action}", lang),
                        getattr(screen, f"action_{action}"),
                    )
            yield t("cmd_back", lang), t("cmd_back_help", lang), screen.action_back

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, text=title, help=help_text)
