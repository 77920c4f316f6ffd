"""Which template sections have content, so the UI can show what is still empty near the end."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

from assistant.domain.postmortem import IMPACT_FIELDS, Item, Postmortem, ReviewStatus

# Keys in template order (../shared/docs/postmortem-template.md) with the template's headings.
SECTION_TITLES: Mapping[str, str] = MappingProxyType(
    {
        "meeting_details": "Meeting details",
        "summary": "Incident summary",
        "impact": "Impact",
        "timeline": "Timeline",
        "root_causes": "Root causes",
        "what_worked": "What worked",
        "what_didnt": "What didn't work",
        "action_items": "Action items",
        "decisions": "Decisions",
        "open_questions": "Open questions",
        "follow_up": "Follow-up",
    }
)


def _any_live(items: Iterable[Item | None]) -> bool:
    # A rejected proposal is not content: the facilitator said it does not belong.
    return any(i is not None and i.status is not ReviewStatus.REJECTED for i in items)


_SECTIONS: dict[str, Callable[[Postmortem], bool]] = {
    "meeting_details": lambda pm: pm.details.date is not None or bool(pm.details.attendees),
    "summary": lambda pm: _any_live([pm.summary]),
    "impact": lambda pm: _any_live(getattr(pm.impact, name) for name in IMPACT_FIELDS),
    "timeline": lambda pm: _any_live(pm.timeline),
    "root_causes": lambda pm: _any_live([*pm.root_cause.whys, pm.root_cause.systemic_cause]),
    "what_worked": lambda pm: _any_live(pm.what_worked),
    "what_didnt": lambda pm: _any_live(pm.what_didnt),
    "action_items": lambda pm: _any_live(pm.action_items),
    "decisions": lambda pm: _any_live(pm.decisions),
    "open_questions": lambda pm: _any_live(pm.open_questions),
    "follow_up": lambda pm: _any_live(pm.follow_up),
}


def section_coverage(pm: Postmortem) -> dict[str, bool]:
    """Section key -> has at least one non-rejected item, in template order."""
    return {key: has_content(pm) for key, has_content in _SECTIONS.items()}


def missing_sections(pm: Postmortem) -> list[str]:
    """Keys of the sections still empty, in template order."""
    return [key for key, covered in section_coverage(pm).items() if not covered]
