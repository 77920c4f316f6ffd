"""Storing an imported recording in a session, shared by the app's import and `process --session`:
the transcript first — before extraction starts, so a failing LLM never costs the transcription — then the
draft's items as proposals (unreviewed), and the session marked finalised."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self

from assistant.domain.postmortem import MeetingDetails, Postmortem
from assistant.domain.transcript import Transcript
from assistant.errors import SessionError
from assistant.session.names import validate_name
from assistant.session.store import Session
from assistant.speakers.names import SpeakerNames

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.extraction.extractor import WindowProgress
    from assistant.pipeline import ProcessResult, SpeakerOptions
    from assistant.transcription.protocol import ProgressFn


def store_transcript(
    session: Session, recording: str, transcript: Transcript, speakers: SpeakerNames | None = None
) -> None:
    """The recording's name and duration in the details, its lines (as diarized: S1, S2… or no speaker)
    and the names given to the voices, if any (as `assistant speakers --names` would save them)."""
    session.update_details(session.details.with_recording(recording, transcript.duration))
    session.add_segments(transcript.segments)
    if speakers is not None and speakers != SpeakerNames():
        session.set_speakers(speakers)


def store_draft(session: Session, draft: Postmortem) -> None:
    from assistant.session.drafts import merge_meeting

    merge_meeting(session, draft)  # with a prepared draft: confirmations, corrections, then what is new
    session.mark_state("finalised")


def _holds_only_a_draft(root: Path, name: str) -> bool:
    from assistant.session.drafts import is_prepared

    try:
        with Session.open(root, name, readonly=True) as session:
            return is_prepared(session)
    except SessionError:
        return False


class ProcessedSession:
    """`process RECORDING --session NAME`: the result saved as the session NAME under `root`, as the app's
    import saves one. With `name` None it does nothing (plain `process`).

    The name is checked up front (so a taken one fails in a second, not after transcribing), and the
    session is created when the transcript is ready: a recording without speech leaves no empty session
    behind. `Session.create` never writes into an existing session, even one made meanwhile.
    """

    def __init__(self, root: Path, name: str | None, recording: str) -> None:
        self.root = root
        self.name = name
        self.recording = recording
        self.session: Session | None = None
        self._prepared = False
        if name is not None:
            validate_name(name)
            path = root / name
            if path.exists() and not (path.is_dir() and not any(path.iterdir())):
                self._prepared = _holds_only_a_draft(root, name)
                if not self._prepared:
                    raise SessionError(f"A session named {name!r} already exists in {root}; choose another name.")

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.session is not None:
            self.session.close()  # after a failure: the transcript stays, the session reads "interrupted"

    def store_transcript(self, transcript: Transcript, speakers: SpeakerNames, details: MeetingDetails) -> None:
        """For `process_recording(on_transcript=…)`."""
        if self.name is None:
            return
        if self._prepared:  # `prepare --draft` made it: the meeting now fills it and is compared with the draft
            self.session = Session.open(self.root, self.name)
            given = {k: v for k, v in details.model_dump().items() if v not in (None, [], "")}
            self.session.update_details(self.session.details.model_copy(update=given))
        else:
            self.session = Session.create(self.root, details, self.name)
        store_transcript(self.session, self.recording, transcript, speakers)

    def store_draft(self, draft: Postmortem) -> None:
        if self.session is not None:
            store_draft(self.session, draft)


def process_into_session(
    recording: Path,
    out_dir: Path,
    details: MeetingDetails,
    settings: Settings,
    root: Path,
    name: str | None,
    speaker_options: SpeakerOptions,
    asr_progress: ProgressFn | None = None,
    llm_progress: WindowProgress | None = None,
) -> tuple[ProcessResult, Session | None]:
    """`process RECORDING [--session NAME]`, shared with `assistant batch` so both make the same session:
    the name checked first, the transcript stored before extraction, the draft's items as proposals."""
    from assistant.pipeline import process_recording

    with ProcessedSession(root, name, recording.name) as stored:
        result = process_recording(
            recording,
            out_dir,
            details,
            settings,
            asr_progress=asr_progress,
            llm_progress=llm_progress,
            speaker_options=speaker_options,
            on_transcript=stored.store_transcript,
        )
        stored.store_draft(result.postmortem)
    return result, stored.session
