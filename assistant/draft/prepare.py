"""`assistant prepare SESSION --draft FILE`: the draft read whole, then saved into the session (created
when new) in one step, so a file that is not a draft leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

from assistant.domain.postmortem import IMPACT_FIELDS, MeetingDetails
from assistant.draft.read import read_draft
from assistant.session.drafts import import_draft
from assistant.session.store import Session


def prepare_session(root: Path, name: str, draft_file: Path) -> str:
    """Read `draft_file` whole, then save it into session `name` (created when new); the one-line summary
    of what it brought. The command line and the app's prepare dialog both call this."""
    draft = read_draft(draft_file)  # before any session folder is touched
    with Session.create(root, MeetingDetails(), name, resume=True) as session:
        import_draft(session, draft)
        session.mark_state("finalised")  # nothing is recording it: listed as ready, resumable by `record`
        pm = session.postmortem
        impact = [getattr(pm.impact, name) for name in IMPACT_FIELDS]
        counts = {
            "timeline rows": len(pm.timeline),
            "impact figures": sum(1 for fact in impact if fact is not None),
            "whys": len(pm.root_cause.whys),
            "action items": len(pm.action_items),
            "other items": len(pm.all_items()),
        }
        counts["other items"] -= sum(v for k, v in counts.items() if k != "other items")
        return f"Prepared: {session.name} ({', '.join(f'{v} {k}' for k, v in counts.items())})"


def run_prepare(root: Path, name: str, draft_file: Path) -> int:
    print(prepare_session(root, name, draft_file))
    return 0
