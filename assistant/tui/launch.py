"""Entry points for the CLI: `assistant` (home), `assistant record` (live), `assistant open` (import/review).

Problems that can be found before the UI starts (no microphone, no such recording or session) are
raised as AssistantError here, so the CLI prints its usual one line instead of a UI flashing up.

Those checks run before the UI itself is imported: Textual, every screen and, through the live screen,
the live core and openai take ~1.5 s to import, and a mistyped path should not wait for them (a test
suite runs the bad-input commands by the dozen). The services hold no Textual, so they are imported here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from assistant.audio.decode import probe_file
from assistant.config import Settings
from assistant.domain.postmortem import MeetingDetails
from assistant.errors import AssistantError
from assistant.session import Session, validate_name
from assistant.tui.real_services import real_services
from assistant.tui.services import Services

if TYPE_CHECKING:
    from assistant.tui.app import Start
    from assistant.tui.navigation import MeetingSetup


def run_home(settings: Settings) -> int:
    _import_ui()
    from assistant.tui.app import StartHome

    return _run(real_services(settings), StartHome())


def run_record(
    settings: Settings,
    details: MeetingDetails,
    *,
    session_name: str | None,
    device: str | None,
    from_file: Path | None,
    no_llm: bool = False,
    call: bool = False,
    system_device: str | None = None,
) -> int:
    services = real_services(settings, device=device, from_file=from_file, no_llm=no_llm, call=call,
                             system_device=system_device)  # fmt: skip
    # No microphone is one line on stderr before the UI starts (as `record --headless` does).
    services.live.check_input()
    if session_name is not None:
        validate_name(session_name)
    _import_ui()
    from assistant.tui.app import StartLive

    return _run(services, StartLive(_setup(details, session_name)))


def run_open(
    settings: Settings,
    recording: Path | None,
    session_name: str | None,
    details: MeetingDetails | None = None,
) -> int:
    services = real_services(settings)
    if recording is not None:
        if session_name is not None:
            validate_name(session_name)
            if (services.sessions_root / session_name).exists():
                raise AssistantError(
                    f"A session named {session_name!r} already exists; reopen it with `assistant open --session "
                    f"{session_name}` or choose another name."
                )
        # A file that is missing, not a file, unreadable or has no audio stream is one line here, not a
        # failed import inside the UI (decoding itself happens on the import screen).
        probe_file(recording)
        _import_ui()
        from assistant.tui.app import StartImport

        return _run(services, StartImport(_setup(details or MeetingDetails(), session_name, recording)))
    if session_name is None:
        raise AssistantError("Give a RECORDING to import or --session NAME to reopen (see `assistant sessions`).")
    # Read-only check: a missing or damaged session is reported here, not inside the UI.
    Session.open(services.sessions_root, session_name, readonly=True).close()
    _import_ui()
    from assistant.tui.app import StartReview

    return _run(services, StartReview(session_name))


def _import_ui() -> None:
    """Import Textual and the screens, once the checks have passed; a broken install is one line too."""
    try:
        import assistant.tui.app  # noqa: F401  (the imports after this one find it loaded)
    except ImportError as exc:
        raise AssistantError(f"the terminal UI is not available ({exc}); headless commands still work") from exc


def _setup(details: MeetingDetails, session_name: str | None, recording: Path | None = None) -> MeetingSetup:
    from assistant.tui.navigation import MeetingSetup

    return MeetingSetup(details=details, session_name=session_name, recording=recording)


def _run(services: Services, start: Start) -> int:
    from assistant.tui.app import create_app

    code = create_app(services, start).run()
    return code if isinstance(code, int) else 0
