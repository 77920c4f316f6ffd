"""Which inputs of a batch run: each readable, decodable recording once (by content), with its
session name; everything else reported with its reason and skipped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from assistant.batch.inputs import BatchInput, content_hash
from assistant.batch.ledger import Ledger, Row
from assistant.errors import InputAudioError
from assistant.session.names import slug

Skip = Callable[[str, str, str], None]
"""(path, reason, kind) for an input that is not processed; kind "skipped" or "done_before"."""

NAME_STEM = 40


@dataclass(frozen=True)
class Planned:
    item: BatchInput
    key: str
    session: str
    audio_s: float

    @property
    def path(self) -> str:
        return str(self.item.path)


def session_name(item: BatchInput, key: str, parent_too: bool = False) -> str:
    """`<title or file name>-<first 8 hex of the content hash>`: readable, and the same recording gets
    the same name in every run (which is how a re-run finds what an interrupted one left)."""
    base = str(item.details.get("title") or "")
    if not base:
        base = f"{item.path.parent.name}-{item.path.stem}" if parent_too else item.path.stem
    return f"{slug(base)[:NAME_STEM].strip('-._') or 'recording'}-{key[:8]}"


def plan(items: list[BatchInput], ledger: Ledger, skip: Skip, max_attempts: int) -> list[Planned]:
    from assistant.audio.decode import duration_hint, probe_file

    # Folders of `meeting.flac`s (one per incident folder) are named by their folder too.
    stems = Counter(i.path.stem for i in items if not i.details.get("title"))
    seen: dict[str, str] = {}
    planned = []
    for item in items:
        path = str(item.path)
        try:
            key = content_hash(item.path)
        except OSError as exc:
            skip(path, f"unreadable ({exc.strerror or exc})", "skipped")
            continue
        if key in seen:
            skip(path, f"duplicate of {seen[key]} (same content)", "skipped")
            continue
        seen[key] = path
        row = ledger.get(key)
        if row is not None and not _wanted(row, path, skip, max_attempts):
            continue
        if row is None:
            try:
                probe_file(item.path)  # corrupt or no audio: reported in well under a second each
            except InputAudioError as exc:
                skip(path, _short(exc.message, path), "skipped")
                continue
        audio_s = duration_hint(item.path) or 0.0
        name = row.session if row else session_name(item, key, parent_too=stems[item.path.stem] > 1)
        row = ledger.register(key, path, name, audio_s)
        planned.append(Planned(item, key, row.session, row.audio_s or audio_s))
    return planned


def _wanted(row: Row, path: str, skip: Skip, max_attempts: int) -> bool:
    if row.state == "done":
        same = "" if row.path == path else f", same content as {row.path}"
        skip(path, f"done before: session {row.session}{same}", "done_before")
        return False
    if row.state == "bad":
        skip(path, row.error or "not a usable recording", "skipped")
        return False
    if row.state in ("failed", "running") and row.attempts >= max_attempts:
        skip(path, f"failed {row.attempts} times (last: {row.error}); --retry-failed tries again", "skipped")
        return False
    return True


def _short(message: str, path: str) -> str:
    """The decoder's message without the path it starts with (the report line names the file)."""
    return message.removeprefix(f"{path}: ")
