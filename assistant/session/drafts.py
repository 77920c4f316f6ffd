"""A session's draft: importing it before the meeting (`prepare --draft`), merging what a meeting said
against it, and reviewing the corrections the meeting proposed. Functions over `Session` (kept out of
store.py, which holds the generic operations); each saves before it returns, like Session's methods."""

from __future__ import annotations

from assistant.domain.postmortem import ActionItem, MeetingDetails, Postmortem, ReviewStatus
from assistant.draft.compare import has_draft, reconcile, without_drafts
from assistant.draft.resolve import resolve
from assistant.errors import SessionError
from assistant.session.review import Change
from assistant.session.store import Session


def _merged_details(current: MeetingDetails, draft: MeetingDetails) -> MeetingDetails:
    """The draft's details where it has them; the session's own (recording, language) otherwise."""
    given = {k: v for k, v in draft.model_dump().items() if v not in (None, [], "")}
    return current.model_copy(update=given)


def import_draft(session: Session, draft: Postmortem) -> None:
    """Replace the session's postmortem with `draft` (its items already marked as the draft's) in one
    save. Refused once the session has a recording: a draft is what the meeting starts from."""
    session._writable()
    if session.transcript.segments:
        raise SessionError(f"Session {session.name!r} already has a recording; prepare the draft in a new session.")
    details = _merged_details(session.details, draft.details)
    pm = draft.model_copy(deep=True)
    pm.details = details.model_copy(deep=True)
    session._pm = pm
    session._meta.details = details.model_copy(deep=True)
    session._check()
    session._save_meta()
    session._save_postmortem()


def is_prepared(session: Session) -> bool:
    """A session holding a draft and no recording yet: what `process --session` may fill."""
    return not session.transcript.segments and has_draft(session.postmortem)


def meeting_without_drafts(pm: Postmortem) -> Postmortem:
    """A copy of `pm` with only the meeting's own items: what a final extraction pass may rework."""
    return without_drafts(pm.model_copy(deep=True))


def merge_meeting(session: Session, meeting: Postmortem, *, final: bool = False) -> None:
    """Merge an extraction of the meeting: with a draft, its items confirm or correct the draft's first
    (`reconcile`) and only what is new is merged; `final` as `Session.merge_final` (a final pass)."""
    session._writable()
    rest = reconcile(session._pm, meeting.model_copy(deep=True)) if has_draft(session._pm) else meeting
    if final:
        session.merge_final(rest)
    else:
        session.merge_proposals(rest)


def set_correction(session: Session, item_id: str, index: int, status: ReviewStatus) -> None:
    """Accept, reject or reset correction `index` (0-based) of a draft item. Undoable."""
    session._writable()
    item = session._item(item_id)
    try:
        field = item.corrections[index].field if 0 <= index < len(item.corrections) else None
        before: dict[str, object] = {"corrections": [c.model_copy(deep=True) for c in item.corrections]}
        if field is not None:
            before[field] = getattr(item, field)
            if isinstance(item, ActionItem) and field == "due":
                before["due_date"] = item.due_date
        resolve(item, index, status)
    except ValueError as exc:
        raise SessionError(f"{exc} in session {session.name!r}.") from exc
    session._undo.push([Change(item_id, before)])
    session._check()
    session._save_postmortem()
