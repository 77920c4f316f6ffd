"""The archive's vocabulary: names and terms earlier sessions taught, for the recogniser of the next one.

A team's postmortems keep meeting the same people and the same systems. What earlier sessions know
is the best hint Whisper can get and what the snap pass (`assistant.transcription.vocabulary`) spells
names by: the words people typed when they corrected a line (the strongest signal: a person fixed
exactly this mishearing), the names given to speakers, and the attendees and facilitators of the
meeting details. Newest sessions first, each term once, capped: Whisper's initial prompt holds about
200 tokens, and the meeting's own attendees and the configured vocabulary come before these.
"""

from __future__ import annotations

import logging
from pathlib import Path

from assistant.config import Settings
from assistant.domain.postmortem import MeetingDetails
from assistant.errors import SessionError
from assistant.session.listing import session_names
from assistant.session.reading import read_corrections, read_meta, read_speakers

log = logging.getLogger(__name__)

ARCHIVE_TERMS = 24
"""At most this many terms from the archive (about 50-70 prompt tokens): faster-whisper keeps only the last
223 prompt tokens, so a long archive list would push out the meeting's own names, which come first."""


def archive_vocabulary(root: Path, *, limit: int = ARCHIVE_TERMS, exclude: str | None = None) -> list[str]:
    """Corrected terms, speaker names, then attendees of the sessions under `root` (newest first;
    `exclude`: the session being transcribed). Unreadable sessions are skipped: a hint, never an error."""
    dated = []
    for name in session_names(root):
        if name == exclude:
            continue
        path = root / name
        try:
            meta = read_meta(path)
            dated.append((meta.created_at, path, meta.details.attendees, meta.details.facilitator))
        except (SessionError, OSError) as exc:
            log.debug("vocabulary: %s skipped: %s", name, exc)
    dated.sort(key=lambda t: t[0], reverse=True)
    corrected: list[str] = []
    spoken: list[str] = []
    people: list[str] = []
    for _, path, attendees, facilitator in dated:
        try:
            corrected += read_corrections(path).terms()
            spoken += list(read_speakers(path).names.values())
        except (SessionError, OSError) as exc:
            log.debug("vocabulary: %s skipped: %s", path.name, exc)
        people += [*attendees, *([facilitator] if facilitator else [])]
    terms = [t.strip() for t in [*corrected, *spoken, *people] if t and t.strip()]
    return list(dict.fromkeys(terms))[:limit]


def meeting_hotwords(details: MeetingDetails, settings: Settings) -> list[str]:
    """The names and terms Whisper is prompted with for one meeting: its people and the configured
    vocabulary (the snap pass spells them too)."""
    words = [*details.attendees, *([details.facilitator] if details.facilitator else []), *settings.asr.vocabulary]
    return list(dict.fromkeys(w.strip() for w in words if w and w.strip()))


def snap_terms(settings: Settings, *, session: str | None = None) -> list[str]:
    """What earlier sessions taught, for the snap pass only (`asr.archive_vocabulary`; `session`: the one
    being transcribed, left out). Not for Whisper's prompt: a prompt grown by two dozen names from other
    meetings made live tiny.en re-transcribe a meeting's first 20 s on a fixture (the snap pass changes a
    word only when it is a near-miss spelling of a term, so there the extra terms cost nothing)."""
    if not settings.asr.archive_vocabulary:
        return []
    return archive_vocabulary(settings.storage.sessions_root, exclude=session)
