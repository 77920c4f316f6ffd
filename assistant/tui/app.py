"""The Textual app: owns the open Session and switches between the main screens.

`create_app(services, start=...)` is the one factory used by the CLI (`launch`), the tests and the
screenshot script. Screens ask for navigation with messages (`navigation`); this class is the only
place that opens and closes a Session, so at most one is open and it is closed on every path out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from assistant.errors import AssistantError
from assistant.session import Session
from assistant.tui.navigation import GoHome, MeetingSetup, NewMeeting, OpenSession, ShowReview, StartMeeting
from assistant.tui.screens.confirm import ConfirmScreen
from assistant.tui.screens.details import DetailsScreen
from assistant.tui.screens.help import HelpScreen, key_rows
from assistant.tui.screens.home import HomeScreen
from assistant.tui.screens.importing import ImportScreen
from assistant.tui.screens.live import LiveScreen
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.services import Services


@dataclass(frozen=True)
class StartHome:
    pass


@dataclass(frozen=True)
class StartLive:
    """Straight into a live meeting (`assistant record`); an existing session of that name is resumed."""

    setup: MeetingSetup


@dataclass(frozen=True)
class StartImport:
    setup: MeetingSetup


@dataclass(frozen=True)
class StartReview:
    session_name: str


Start = StartHome | StartLive | StartImport | StartReview


class PostmortemApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "Postmortem assistant"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, services: Services, start: Start | None = None) -> None:
        super().__init__()
        self.services = services
        self.start_at = start or StartHome()
        self.session: Session | None = None

    # --- starting and stopping -------------------------------------------------------------------

    async def on_mount(self) -> None:
        match self.start_at:
            case StartHome():
                await self._show(HomeScreen(self.services))
            case StartLive(setup=setup):
                await self._start_meeting(setup, resume_existing=True)
            case StartImport(setup=setup):
                await self._start_meeting(setup, resume_existing=False)
            case StartReview(session_name=name):
                await self._open(name, resume=False)

    async def action_quit(self) -> None:
        live = self._live_screen()
        if live is None or not live.running:
            self.exit(0)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                live.abort()
                self.exit(0)

        await self.push_screen(
            ConfirmScreen("Stop recording and quit? Everything so far is saved; the session can be resumed."),
            answered,
        )

    def on_unmount(self) -> None:
        live = self._live_screen()
        if live is not None:
            live.abort()
        self._set_session(None)

    # --- navigation (messages from the screens) --------------------------------------------------

    @on(GoHome)
    async def _go_home(self) -> None:
        self._set_session(None)
        await self._show(HomeScreen(self.services))

    @on(OpenSession)
    async def _open_session(self, message: OpenSession) -> None:
        await self._open(message.name, resume=message.resume, item=message.item, segment=message.segment)

    @on(NewMeeting)
    async def _new_meeting(self, message: NewMeeting) -> None:
        today = self.services.now().date()
        await self._show(DetailsScreen(import_recording=message.import_recording, today=today))

    @on(StartMeeting)
    async def _start(self, message: StartMeeting) -> None:
        await self._start_meeting(message.setup, resume_existing=False)

    @on(ShowReview)
    async def _review(self) -> None:
        if self.session is not None:
            await self._show(ReviewScreen(self.session, self.services, back="home"))

    # --- the session -----------------------------------------------------------------------------

    async def _open(self, name: str, *, resume: bool, item: str | None = None, segment: int | None = None) -> None:
        try:
            if resume:
                self.services.live.check_input()  # no microphone: say so before touching the session
            session = Session.open(self.services.sessions_root, name)
        except AssistantError as exc:
            await self._failed(exc.message)
            return
        self._set_session(session)
        if resume:
            await self._show(LiveScreen(session, self.services, resumed=True))
        else:
            await self._show(ReviewScreen(session, self.services, back="home", item=item, segment=segment))

    async def _start_meeting(self, setup: MeetingSetup, *, resume_existing: bool) -> None:
        root = self.services.sessions_root
        try:
            if setup.recording is None:
                self.services.live.check_input(call=True if setup.call else None)  # ticked: a video call
            session = Session.create(
                root, setup.details, setup.session_name, resume=resume_existing, now=self.services.now()
            )
        except AssistantError as exc:
            await self._failed(exc.message)
            return
        self._set_session(session)
        if setup.recording is not None:
            await self._show(ImportScreen(session, self.services, setup.recording))
        else:
            resumed = bool(session.transcript.segments)
            await self._show(LiveScreen(session, self.services, resumed=resumed))

    def _set_session(self, session: Session | None) -> None:
        if self.session is not None and self.session is not session:
            self.session.close()
        self.session = session

    async def _failed(self, message: str) -> None:
        self.notify(message, severity="error", timeout=10, markup=False)
        if len(self.screen_stack) <= 1:
            await self._show(HomeScreen(self.services))

    async def _show(self, screen: Screen[Any]) -> None:
        """Make `screen` the one main screen: drop whatever was stacked (a review over the live screen)."""
        while len(self.screen_stack) > 2:
            await self.pop_screen()
        if len(self.screen_stack) == 1:
            await self.push_screen(screen)
        else:
            await self.switch_screen(screen)

    def _live_screen(self) -> LiveScreen | None:
        return next((s for s in self.screen_stack if isinstance(s, LiveScreen)), None)

    # --- help and the command palette ------------------------------------------------------------

    def action_help(self) -> None:
        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        help_text = getattr(screen, "help_text", None)
        about = help_text() if callable(help_text) else str(screen.HELP or "Postmortem assistant.")
        title = screen.sub_title or self.title
        flags = isinstance(screen, ReviewScreen | LiveScreen)
        self.push_screen(HelpScreen(title, about, key_rows(screen), flags=flags))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # Every key of the current screen is also a command, so nothing is reachable by key only.
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in seen or binding.action in {"quit", "help"}:
                continue
            seen.add(binding.action)
            key = self.get_key_display(binding)
            yield SystemCommand(
                binding.description,
                binding.tooltip or f"key: {key}",
                partial(self._run_from_palette, binding.action, active.node),
            )
        yield SystemCommand("Help", "Keys and what this screen does (?)", self.action_help)
        yield from super().get_system_commands(screen)

    async def _run_from_palette(self, action: str, node: Any) -> None:
        await self.run_action(action, node)


def create_app(services: Services, start: Start | None = None) -> PostmortemApp:
    return PostmortemApp(services, start)
