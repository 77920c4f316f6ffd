"""`record --continue SESSION`: a second (third, …) meeting recorded into the same postmortem. The live
recording continues the session's audio where it stopped, so evidence times stay times in one
recording; the details list where each session starts (`MeetingDetails.parts`), which the exports use to
say which session and at what time of it something was said."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from assistant.audio.recorder import recover_wav
from assistant.domain.postmortem import MeetingPart
from assistant.errors import SessionError
from assistant.session.store import Session


def start_next_part(root: Path, name: str, date: dt.date | None = None) -> int:
    """Mark where the next session of `name` starts (the end of its recording so far); its number.
    The session must exist; one without a meeting yet (a prepared draft) simply gets its first."""
    with Session.open(root, name) as session:
        details = session.details
        if not session.transcript.segments:
            return 1
        if not session.audio_path.exists():
            raise SessionError(
                f"Session {name!r} has no live recording to continue (it was imported from a file); "
                "record the next session into a new one."
            )
        offset = recover_wav(session.audio_path)
        parts = list(details.parts) or [MeetingPart(index=1, start_s=0.0, date=details.date)]
        number = len(parts) + 1
        parts.append(MeetingPart(index=number, start_s=round(offset, 3), date=date or dt.date.today()))
        session.update_details(details.model_copy(update={"parts": parts}))
        return number
