"""`ExportModal`: where to save the monthly report and with which header; Esc writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, RadioSet, Static

from chandong_tui.i18n import t
from chandong_tui.reports.csv_out import Header
from chandong_tui.tui.base import ChandongModal
from chandong_tui.tui.text import text
from chandong_tui.tui.widgets.footer import SteadyFooter
from chandong_tui.tui.widgets.toggles import TickRadio


@dataclass(frozen=True)
class ExportRequest:
    """What the user asked for: a file (`~` not yet expanded) and the header style."""

    path: str
    header: Header


class ExportModal(ChandongModal[ExportRequest | None]):
    """Asks for the file path and the header style of a report export."""

    BINDINGS = [
        Binding("escape", "cancel", "key_cancel", id="export.cancel", show=True, tooltip="tip_cancel"),
        Binding("ctrl+s", "save", "key_save", id="export.save", show=True, tooltip="tip_save"),
    ]

    def __init__(self, title: str, default_path: str) -> None:
        super().__init__()
        self.title_text = title
        self.default_path = default_path

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Static(text(self.title_text), id="export-title")
            yield Label(t("export_path", self.lang))
            yield Input(self.default_path, id="export-path")
            yield Static("", id="export-message")
            yield Label(t("export_header", self.lang))
            with RadioSet(id="export-header"):
                yield TickRadio(t("export_header_ko", self.lang), value=True, id="header-ko")
                yield TickRadio(t("export_header_keys", self.lang), id="header-keys")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @property
    def header(self) -> Header:
        pressed = self.query_one("#export-header", RadioSet).pressed_button
        return "keys" if pressed is not None and pressed.id == "header-keys" else "ko"

    @on(Input.Submitted, "#export-path")
    def action_save(self) -> None:
        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            message = self.query_one("#export-message", Static)
            message.update(text(t("export_path_empty", self.lang)))
            message.add_class("-error")
            return
        self.dismiss(ExportRequest(path, self.header))

    def action_cancel(self) -> None:
        self.dismiss(None)


def expand(path: str) -> Path:
    """The request's path with `~` expanded."""
    return Path(path).expanduser()
