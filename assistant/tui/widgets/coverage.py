"""Which template sections are still empty: the facilitator's reminder of what to ask about."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from assistant.checks.coverage import SECTION_TITLES, section_coverage
from assistant.domain.postmortem import Postmortem


def coverage_text(pm: Postmortem) -> Text:
    coverage = section_coverage(pm)
    empty = [SECTION_TITLES[key] for key, covered in coverage.items() if not covered]
    text = Text()
    text.append(f"Template {len(coverage) - len(empty)}/{len(coverage)}", style="bold")
    if not empty:
        text.append("  every section has content", style="green")
        return text
    text.append("  still empty: ", style="dim")
    text.append(", ".join(empty), style="yellow")
    return text


class CoveragePanel(Static):
    def show(self, pm: Postmortem) -> None:
        self.update(coverage_text(pm))
