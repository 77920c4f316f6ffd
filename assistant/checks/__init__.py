"""Checks in code, not trust in the model: pure functions that flag what the LLM proposed.

Each module has one concern (owners, due dates, evidence, root cause, coverage); `apply` runs them
all over a postmortem. Nothing here does IO or imports a UI toolkit.
"""

from assistant.checks.apply import apply_checks
from assistant.checks.coverage import SECTION_TITLES, missing_sections, section_coverage
from assistant.checks.dates import DueResult, normalize_due
from assistant.checks.evidence import TranscriptIndex, locate_quote
from assistant.checks.owners import OwnerResult, check_owner
from assistant.checks.rootcause import blaming_flags, check_root_cause

__all__ = [
    "SECTION_TITLES",
    "DueResult",
    "OwnerResult",
    "TranscriptIndex",
    "apply_checks",
    "blaming_flags",
    "check_owner",
    "check_root_cause",
    "locate_quote",
    "missing_sections",
    "normalize_due",
    "section_coverage",
]
