"""The meeting details form, before a live meeting or an import.

Attendees matter beyond the document: they are Whisper's hotwords and the list owners are checked
against (an owner who was not in the meeting is flagged).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, Footer, Header, Input, Label, Static

from assistant.domain.postmortem import MeetingDetails
from assistant.session.names import name_problem
from assistant.tui.format import one_line
from assistant.tui.navigation import GoHome, MeetingSetup, StartMeeting


class FormError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# (id, label, placeholder) in form order; "recording" only for an import.
FIELDS: list[tuple[str, str, str]] = [
    ("recording", "Recording", "path to a wav / flac / mp3 / m4a file"),
    ("title", "Title", "e.g. Postmortem: expired TLS certificate"),
    ("facilitator", "Facilitator", "who runs the meeting"),
    ("attendees", "Attendees", "comma-separated: Lisa, Tom, Peter"),
    ("incident_id", "Incident id", "e.g. INC-2041"),
    ("severity", "Severity", "e.g. SEV-2"),
    ("incident_date", "Incident date", "YYYY-MM-DD"),
    ("date", "Meeting date", "YYYY-MM-DD (resolves “Friday” into a date)"),
    ("planned", "Planned length", "minutes, e.g. 45"),
    ("session", "Session name", "optional; default: date, time and incident id"),
]


class DetailsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", "Start"),
        Binding("escape", "cancel", "Back"),
    ]
    HELP = (
        "Meeting details. Only the recording (for an import) is required, but attendees make the owner "
        "checks work and the meeting date turns “Friday” into a calendar date. Enter moves to the next "
        "field; Ctrl+S (or Enter on the last field) starts."
    )

    def __init__(self, *, import_recording: bool, today: dt.date, initial: MeetingDetails | None = None) -> None:
        super().__init__()
        self.import_recording = import_recording
        self.today = today
        self.initial = initial or MeetingDetails()

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        title = "Import a recording" if self.import_recording else "New live meeting"
        yield Static(Text(title, style="bold"), id="details-title", markup=False)
        with VerticalScroll(id="details-scroll"), Grid(id="details-grid", classes="form-grid"):
            for field_id, label, placeholder in FIELDS:
                if field_id == "recording" and not self.import_recording:
                    continue
                yield Label(label)
                yield Input(self._initial(field_id), placeholder=placeholder, id=f"f-{field_id}", compact=True)
        if not self.import_recording:
            yield Checkbox("Video call: also record the call's audio (the system output)", id="f-call", compact=True)
        yield Static(id="status-line", markup=False)
        yield Footer()

    def _initial(self, field_id: str) -> str:
        d = self.initial
        values = {
            "title": d.title or "",
            "facilitator": d.facilitator or "",
            "attendees": ", ".join(d.attendees),
            "incident_id": d.incident_id or "",
            "severity": d.severity or "",
            "incident_date": d.incident_date.isoformat() if d.incident_date else "",
            "date": (d.date or self.today).isoformat(),
            "planned": str(d.planned_duration_min) if d.planned_duration_min else "",
        }
        return values.get(field_id, "")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        if event.input is inputs[-1]:
            self.action_start()
        else:
            self.focus_next()

    def action_start(self) -> None:
        try:
            setup = self.collect()
        except FormError as exc:
            line = self.query_one("#status-line", Static)
            line.add_class("-error")
            line.update(Text(exc.message))
            self.query_one(f"#f-{exc.field}", Input).focus()
            return
        self.post_message(StartMeeting(setup))

    def action_cancel(self) -> None:
        self.post_message(GoHome())

    def collect(self) -> MeetingSetup:
        """The form's values, validated; FormError names the first bad field."""

        def value(field_id: str) -> str:
            return " ".join(self.query_one(f"#f-{field_id}", Input).value.split())

        recording: Path | None = None
        if self.import_recording:
            raw = value("recording")
            if not raw:
                raise FormError("recording", "Which recording? Give the path of an audio file.")
            recording = Path(raw).expanduser()
            if not recording.is_file():
                raise FormError("recording", f"No such file: {one_line(str(recording), 100)}")
        session = value("session") or None
        if session is not None and (problem := name_problem(session)) is not None:
            raise FormError("session", f"Session name: {problem}.")
        planned: int | None = None
        if value("planned"):
            try:
                planned = int(value("planned"))
            except ValueError:
                raise FormError("planned", "Planned length: a whole number of minutes.") from None
            if not 0 < planned <= 24 * 60:
                raise FormError("planned", "Planned length: between 1 and 1440 minutes.")
        details = MeetingDetails(
            title=value("title") or None,
            facilitator=value("facilitator") or None,
            attendees=[a.strip() for a in value("attendees").split(",") if a.strip()],
            incident_id=value("incident_id") or None,
            severity=value("severity") or None,
            incident_date=_date(value("incident_date"), "incident_date", "Incident date"),
            date=_date(value("date"), "date", "Meeting date"),
            planned_duration_min=planned,
        )
        if details.facilitator and details.facilitator not in details.attendees:
            details.attendees.insert(0, details.facilitator)  # the facilitator can own items too
        call = not self.import_recording and self.query_one("#f-call", Checkbox).value
        return MeetingSetup(details=details, session_name=session, recording=recording, call=call)


def _date(raw: str, field_id: str, label: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise FormError(field_id, f"{label}: use YYYY-MM-DD.") from None
