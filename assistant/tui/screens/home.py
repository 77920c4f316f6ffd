"""Home: recent sessions (interrupted ones can be resumed), start a live meeting, import a recording,
search every session, and the action items of all of them."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from assistant.errors import AssistantError
from assistant.export.clock import meeting_clock
from assistant.session import SessionInfo, list_sessions
from assistant.session.parts import start_next_part
from assistant.tui.format import one_line
from assistant.tui.navigation import NewMeeting, OpenSession
from assistant.tui.services import Services
from assistant.tui.widgets.search_box import SearchBox

STATE_STYLES = {"recording": "bold red", "interrupted": "bold yellow", "finalised": "green", "corrupt": "red"}
COLUMNS = ("Session", "Created", "State", "Length", "Items", "Accepted")


class HomeScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_meeting", "New meeting"),
        Binding("i", "import_recording", "Import"),
        Binding("enter", "open", "Review", show=False),
        Binding("r", "resume", "Resume", tooltip="Continue recording the selected session"),
        Binding("C", "next_session", "Next session", show=False, tooltip="Record the postmortem's next session"),
        Binding("a", "actions", "Actions", tooltip="Action items of every session"),
        Binding("p", "prepare", "Prepare", show=False, tooltip="Bring a draft postmortem into a session"),
        # Not in the footer (it would push Help out at 80 columns): the search box itself says "/".
        Binding("slash", "search", "Search", key_display="/", show=False, tooltip="Search every session"),
        Binding("ctrl+r", "reload", "Reload", show=False),
    ]
    HELP = (
        "Your sessions, newest first. Enter opens one for review; r continues recording an interrupted "
        "(or any) session, appending to its audio and transcript. n starts a live meeting, i imports a "
        "recording (wav, flac, mp3, m4a, …): it is transcribed and drafted, then opened for review. a lists "
        "the action items of every session (mark them done there). / searches the transcripts and items of "
        "every session: Enter on a hit opens that session's review at the line, Esc closes the search. p brings "
        "a draft postmortem (Markdown or JSON export) into a session before the meeting."
    )

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.infos: dict[str, SessionInfo] = {}

    def help_text(self) -> str:
        # The folder goes in the help, not the header: screenshots and snapshots look the same everywhere.
        return f"{self.HELP} Sessions are stored in {self.services.sessions_root}."

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield Static(Text("Sessions", style="bold"), id="home-title", markup=False)
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Static(id="home-empty", markup=False)
        yield SearchBox(self.services.sessions_root, id="search-box")
        yield Static(id="status-line", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.add_columns(*COLUMNS)
        self.action_reload()
        table.focus()

    def on_screen_resume(self) -> None:
        # Back from a meeting or a review: counts and states have changed.
        self.action_reload()

    def action_reload(self) -> None:
        table = self.query_one("#sessions", DataTable)
        selected = self.selected
        try:
            infos = list_sessions(self.services.sessions_root)
        except AssistantError as exc:
            infos = []
            self._status(exc.message, error=True)
        self.infos = {i.name: i for i in infos}
        self.sub_title = f"{len(infos)} session{'s' if len(infos) != 1 else ''}"
        table.clear()
        for info in infos:
            table.add_row(*_row(info), key=info.name)
        empty = self.query_one("#home-empty", Static)
        empty.display = not infos
        empty.update(Text("No sessions yet. Press n to start a live meeting or i to import a recording."))
        if selected in self.infos:
            table.move_cursor(row=table.get_row_index(selected))

    @property
    def selected(self) -> str | None:
        table = self.query_one("#sessions", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return key if isinstance(key, str) else None

    @on(DataTable.RowSelected, "#sessions")
    def _row_selected(self) -> None:
        self.action_open()

    def action_search(self) -> None:
        self.query_one(SearchBox).focus_input()

    @on(SearchBox.Closed)
    def _search_closed(self) -> None:
        self.query_one("#sessions", DataTable).focus()

    def action_actions(self) -> None:
        from assistant.tui.screens.actions import ActionsScreen

        self.app.push_screen(ActionsScreen(self.services))

    def action_prepare(self) -> None:
        from assistant.tui.screens.prepare import PrepareDialog

        def done(name: str | None) -> None:
            if name is None:
                return
            self.action_reload()
            if name in self.infos:
                table = self.query_one("#sessions", DataTable)
                table.move_cursor(row=table.get_row_index(name))
            self._status(f"{name}: prepared from the draft; r records the meeting into it, Enter reviews it")

        self.app.push_screen(PrepareDialog(self.services.sessions_root), done)

    def action_open(self) -> None:
        self._open(resume=False)

    def action_resume(self) -> None:
        self._open(resume=True)

    def action_next_session(self) -> None:
        """`record --continue`: the selected postmortem's next meeting, into the same document."""
        name = self.selected
        if name is None or self.infos[name].state == "corrupt":
            return
        try:
            number = start_next_part(self.services.sessions_root, name, self.services.now().date())
        except AssistantError as exc:
            self._status(exc.message, error=True)
            return
        self._status(f"Recording session {number} of {name}")
        self._open(resume=True)

    def _open(self, *, resume: bool) -> None:
        name = self.selected
        if name is None:
            return
        info = self.infos[name]
        if info.state == "corrupt":
            self._status(f"{name}: {info.error}", error=True)
            return
        self.post_message(OpenSession(name, resume=resume))

    def action_new_meeting(self) -> None:
        self.post_message(NewMeeting())

    def action_import_recording(self) -> None:
        self.post_message(NewMeeting(import_recording=True))

    def _status(self, message: str, *, error: bool = False) -> None:
        line = self.query_one("#status-line", Static)
        line.set_class(error, "-error")
        line.update(Text(one_line(message, 300)))


def _row(info: SessionInfo) -> tuple[Text, ...]:
    corrupt = info.state == "corrupt"
    # The creation time as recorded (with its own offset): the list reads the same on every machine.
    return (
        Text(one_line(info.name, 60)),
        Text(info.created.strftime("%Y-%m-%d %H:%M")),
        Text(info.state, style=STATE_STYLES.get(info.state, "")),
        Text(meeting_clock(info.duration) if info.duration is not None else "-", justify="right"),
        Text("-" if corrupt else str(info.proposals), justify="right"),
        Text("-" if corrupt else str(info.accepted), justify="right"),
    )
