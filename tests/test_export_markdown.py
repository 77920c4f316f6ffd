"""Markdown export: structure (every section, always), item marks, and safety against untrusted text.

Tables are checked with a real CommonMark+tables parser (markdown-it-py, which Textual's Rich already
depends on): a row must keep its column count and each cell must render exactly the words that were said,
with no HTML, link or code span smuggled in.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from assistant.domain.postmortem import (
    ActionItem,
    Evidence,
    Flag,
    MeetingDetails,
    Postmortem,
    ReviewStatus,
    RootCause,
    TextItem,
    TimelineEvent,
    WhyStep,
    WindowStatus,
)
from assistant.export.markdown import FLAG_EXPLANATIONS, SECTION_TITLES, render_markdown
from assistant.export.plaintext import one_line

MD = MarkdownIt("commonmark").enable("table")

NASTY = [
    "a | b || c",
    "close [/] and [bold]loud[/bold]",
    "run `rm -rf /` now",
    "<script>alert('x')</script>",
    "# not a heading",
    "Lee\nChen",
    "back\\slash \\| pipe",
    "&lt;entity&gt; &amp; AT&T",
    "[link](http://evil.example) ![img](x.png)",
    "- nested list",
    "1. ordered",
    "> quote",
    "---",
    "\x1b[31mansi\x07",
]


def cells_of_tables(md: str) -> list[list[list[Token]]]:
    """Rows of every table (header row included), each row a list of the cells' inline tokens."""
    tables: list[list[list[Token]]] = []
    in_table = False
    for tok in MD.parse(md):
        if tok.type == "table_open":
            tables.append([])
            in_table = True
        elif tok.type == "table_close":
            in_table = False
        elif in_table and tok.type == "tr_open":
            tables[-1].append([])
        elif in_table and tok.type == "inline":
            tables[-1][-1].append(tok)
    return tables


def rendered_text(tok: Token, *, allow_emphasis: bool = False) -> str:
    """The plain text a cell shows; fails if it holds anything else (HTML, links, code spans)."""
    allowed = {"text", "em_open", "em_close"} if allow_emphasis else {"text"}
    kinds = {c.type for c in tok.children or []}
    assert kinds <= allowed, f"markup injected: {kinds} in {tok.content!r}"
    return "".join(c.content for c in tok.children or [])


def action_table(md: str) -> list[list[Token]]:
    tables = [
        t for t in cells_of_tables(md) if [rendered_text(c) for c in t[0]] == ["Owner", "Action", "Due", "Status"]
    ]
    assert len(tables) == 1
    return tables[0]


def pm_with_action(owner: str | None, action: str, due: str | None = None) -> Postmortem:
    return Postmortem(action_items=[ActionItem(id="a", owner=owner, action=action, due=due)])


def test_every_section_is_present_in_template_order_even_when_empty() -> None:
    md = render_markdown(Postmortem())
    headings = re.findall(r"^## (.+)$", md, flags=re.MULTILINE)
    assert headings == [*SECTION_TITLES, "Flags"]
    assert md.startswith("# Postmortem: Incident\n")
    # Meeting details always lists its fields; every other section says it is empty.
    assert md.count("_Nothing proposed yet._") == len(SECTION_TITLES) - 1


def test_section_titles_follow_the_template() -> None:
    assert SECTION_TITLES == (
        "Meeting details",
        "Incident summary",
        "Impact",
        "Timeline",
        "Root causes",
        "What worked",
        "What didn't work",
        "Action items",
        "Decisions",
        "Open questions",
        "Follow-up",
    )


@pytest.mark.parametrize(
    ("details", "title"),
    [
        (MeetingDetails(title="DB outage", incident_id="INC-1"), "DB outage"),
        (MeetingDetails(title="  ", incident_id="INC-1"), "INC-1"),
        (MeetingDetails(), "Incident"),
        (MeetingDetails(title="# <b>x</b>"), "\\# &lt;b&gt;x&lt;/b&gt;"),
    ],
)
def test_title_falls_back_to_incident_id_then_incident(details: MeetingDetails, title: str) -> None:
    assert render_markdown(Postmortem(details=details)).splitlines()[0] == f"# Postmortem: {title}"


def test_legend_explains_every_flag_in_one_line() -> None:
    assert set(FLAG_EXPLANATIONS) == set(Flag)
    md = render_markdown(Postmortem())
    legend = md.split("## Flags", 1)[1]
    for flag in Flag:
        assert len([line for line in legend.splitlines() if line.startswith(f"- `{flag.value}`: ")]) == 1


@pytest.mark.parametrize(
    ("start", "stamp"),
    [
        (0.0, "[00:00]"),
        (65.9, "[01:05]"),
        (3599.99, "[59:59]"),
        (3600.0, "[1:00:00]"),
        (36125.0, "[10:02:05]"),
    ],
)
def test_item_timestamp_is_meeting_clock(start: float, stamp: str) -> None:
    pm = Postmortem(
        decisions=[TextItem(id="d", status=ReviewStatus.ACCEPTED, evidence=Evidence(start=start), text="Roll back")]
    )
    assert f"- {stamp} Roll back\n" in render_markdown(pm)


def test_item_without_evidence_time_has_no_timestamp() -> None:
    pm = Postmortem(decisions=[TextItem(id="d", status=ReviewStatus.ACCEPTED, text="Roll back")])
    assert "- Roll back\n" in render_markdown(pm)


def test_proposed_status_and_flags_are_marked_accepted_plain() -> None:
    pm = Postmortem(
        what_didnt=[
            TextItem(id="1", text="Proposed one"),
            TextItem(id="2", status=ReviewStatus.ACCEPTED, text="Accepted one"),
            TextItem(id="3", status=ReviewStatus.ACCEPTED, text="Flagged", flags=[Flag.BLAMING_LANGUAGE]),
        ]
    )
    md = render_markdown(pm)
    assert "- Proposed one *(proposed)*\n" in md
    assert "- Accepted one\n" in md
    assert "- Flagged *(⚠ blaming_language)*\n" in md


def test_rejected_items_are_omitted_unless_asked_for() -> None:
    pm = Postmortem(decisions=[TextItem(id="d", status=ReviewStatus.REJECTED, text="Blame Sam")])
    assert "Blame Sam" not in render_markdown(pm)
    assert "## Decisions\n\n_Nothing proposed yet._" in render_markdown(pm)
    assert "- Blame Sam *(rejected)*" in render_markdown(pm, include_rejected=True)


def test_action_item_columns_due_and_status() -> None:
    pm = Postmortem(
        action_items=[
            ActionItem(
                id="a",
                action="Fix routing",
                owner=None,
                due="Friday",
                due_date=dt.date(2026, 3, 6),
                flags=[Flag.NO_OWNER, Flag.VAGUE_DUE_DATE],
                evidence=Evidence(start=75.0),
            ),
            ActionItem(id="b", action="Only date", owner="  ", due_date=dt.date(2026, 3, 9), item_status="done"),
        ]
    )
    md = render_markdown(pm)
    assert "| Owner | Action | Due | Status |\n|---|---|---|---|\n" in md
    rows = [[rendered_text(c) for c in row] for row in action_table(md)[1:]]
    assert rows == [
        ["—", "[01:15] Fix routing", "Friday (2026-03-06)", "open · proposed · ⚠ no_owner, vague_due_date"],
        ["—", "Only date", "2026-03-09", "done · proposed"],
    ]


def test_failed_windows_warning_at_top_lists_time_ranges() -> None:
    pm = Postmortem(
        windows=[
            WindowStatus(index=0, start=0, end=300, ok=True),
            WindowStatus(index=1, start=300, end=600, ok=False, error="timeout\n<b>", attempts=2),
            WindowStatus(index=2, start=3590, end=3900, ok=False),
        ]
    )
    md = render_markdown(pm)
    head = md.split("## Meeting details", 1)[0]
    assert "2 parts of the recording could not be analysed" in head
    assert "> - 05:00–10:00 (2 attempts): timeout &lt;b&gt;\n" in head
    assert "> - 59:50–1:05:00 (1 attempt): unknown error\n" in head


def test_no_warning_when_every_window_succeeded() -> None:
    pm = Postmortem(windows=[WindowStatus(index=0, start=0, end=300, ok=True)])
    assert "could not be analysed" not in render_markdown(pm)


def test_root_cause_chain_shows_steps_systemic_cause_and_chain_flags() -> None:
    pm = Postmortem(
        root_cause=RootCause(
            whys=[
                WhyStep(
                    id="1",
                    status=ReviewStatus.ACCEPTED,
                    question="Why did it fail?",
                    answer="Pool exhausted.",
                ),
                WhyStep(id="2", status=ReviewStatus.ACCEPTED, question="", answer="Human error."),
            ],
            flags=[Flag.ROOT_CAUSE_HUMAN_ERROR],
        )
    )
    md = render_markdown(pm)
    body = md.split("## Root causes\n\n", 1)[1].split("\n\n## ", 1)[0]
    assert body == (
        "1. Why did it fail? → Pool exhausted.\n"
        "2. Why? → Human error.\n"
        "\n"
        "**Systemic cause:** _not identified yet._\n"
        "\n"
        "**Chain flags:** ⚠ root_cause_human_error"
    )


def test_timeline_table() -> None:
    pm = Postmortem(
        timeline=[
            TimelineEvent(
                id="t",
                status=ReviewStatus.ACCEPTED,
                time="14:32",
                event="Deploy",
                evidence=Evidence(start=3.0),
            ),
            TimelineEvent(id="u", event="All clear"),
        ]
    )
    (table,) = cells_of_tables(render_markdown(pm))
    assert [[rendered_text(c, allow_emphasis=True) for c in row] for row in table] == [
        ["Time", "Event", "Said at"],
        ["14:32", "Deploy", "[00:03]"],
        ["—", "All clear (proposed)", "—"],
    ]


@pytest.mark.parametrize("text", NASTY)
def test_untrusted_text_in_action_table_keeps_columns_and_words(text: str) -> None:
    md = render_markdown(pm_with_action(owner=text, action=text, due=text))
    rows = action_table(md)
    assert [len(r) for r in rows] == [4, 4]
    owner, action, due, _status = (rendered_text(c) for c in rows[1])
    assert owner == action == due == one_line(text)


@pytest.mark.parametrize("text", NASTY)
def test_untrusted_text_in_lists_stays_one_plain_list_item(text: str) -> None:
    pm = Postmortem(
        decisions=[TextItem(id="d", status=ReviewStatus.ACCEPTED, text=text)],
        details=MeetingDetails(facilitator=text, attendees=[text, "Dana"]),
    )
    tokens = MD.parse(render_markdown(pm))
    section = _tokens_of_section(tokens, "Decisions")
    assert [t.type for t in section] == [
        "bullet_list_open",
        "list_item_open",
        "paragraph_open",
        "inline",
        "paragraph_close",
        "list_item_close",
        "bullet_list_close",
    ]
    assert rendered_text(section[3]) == one_line(text)
    headings = [t for t in tokens if t.type == "heading_open"]
    assert len(headings) == 1 + len(SECTION_TITLES) + 1
    assert not any(t.type in {"html_block", "fence", "code_block", "blockquote_open"} for t in tokens)


def _tokens_of_section(tokens: list[Token], title: str) -> list[Token]:
    start = next(
        i for i, t in enumerate(tokens) if t.type == "inline" and t.content == title and tokens[i - 1].tag == "h2"
    )
    end = next(i for i in range(start + 2, len(tokens)) if tokens[i].type == "heading_open")
    return tokens[start + 2 : end]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_any_text_keeps_the_action_table_shape(text: str) -> None:
    rows = action_table(render_markdown(pm_with_action(owner=text, action=text, due=text)))
    assert [len(r) for r in rows] == [4, 4]


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        # Emphasis characters are deliberately not escaped (they only restyle), so leave them out here.
        alphabet=st.characters(codec="utf-8", exclude_characters="*_~"),
        min_size=1,
        max_size=40,
    )
)
def test_any_text_renders_as_said_in_a_table_cell(text: str) -> None:
    rows = action_table(render_markdown(pm_with_action(owner=text, action="x")))
    assert rendered_text(rows[1][0]) == (one_line(text) or "—")
