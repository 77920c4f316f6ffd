"""Windowing keeps prompts bounded and input linear; merging de-duplicates without touching reviews."""

from __future__ import annotations

from assistant.domain.postmortem import ActionItem, Evidence, Postmortem, ReviewStatus, TextItem
from assistant.domain.transcript import Segment
from assistant.extraction.merge import merge_into
from assistant.extraction.windows import estimate_tokens, make_windows


def _segments(n: int, words: int = 20) -> list[Segment]:
    return [
        Segment(id=i, start=i * 5.0, end=i * 5.0 + 4.5, text=" ".join(f"w{i}x{j}" for j in range(words)))
        for i in range(n)
    ]


def test_windows_cover_every_segment_in_order_within_budget() -> None:
    segs = _segments(200)
    windows = make_windows(segs, max_tokens=300)
    seen = [s.id for w in windows for s in w.segments[w.overlap :]]
    assert seen == list(range(200))
    for w in windows:
        assert sum(estimate_tokens(s.text) for s in w.segments) <= 300


def test_total_window_input_is_linear_in_meeting_length() -> None:
    def total(n: int) -> int:
        return sum(estimate_tokens(s.text) for w in make_windows(_segments(n), max_tokens=300) for s in w.segments)

    # Doubling the meeting at most doubles the input (plus a window of slack), never squares it.
    assert total(400) <= 2 * total(200) + 300
    assert total(200) <= 1.5 * sum(estimate_tokens(s.text) for s in _segments(200))


def test_single_oversized_segment_still_gets_a_window() -> None:
    seg = Segment(id=0, start=0, end=60, text="word " * 2000)
    windows = make_windows([seg], max_tokens=300)
    assert len(windows) == 1 and windows[0].segments == (seg,)


def _action(id_: str, text: str, owner: str | None = None, due: str | None = None, seg: int = 1) -> ActionItem:
    return ActionItem(
        id=id_,
        action=text,
        owner=owner,
        due=due,
        evidence=Evidence(segment_ids=[seg], verified=True, quote=text),
    )


def test_merge_dedupes_rephrased_items_and_fills_missing_fields() -> None:
    base = Postmortem(action_items=[_action("a1", "Add CI validation for the pool config")])
    new = Postmortem(action_items=[_action("a2", "Add CI validation for pool config", owner="Sarah", due="Friday")])
    merge_into(base, new)
    assert len(base.action_items) == 1
    assert base.action_items[0].owner == "Sarah" and base.action_items[0].due == "Friday"


def test_merge_never_changes_a_reviewed_or_edited_item() -> None:
    accepted = _action("a1", "Fix the alert routing")
    accepted.status = ReviewStatus.ACCEPTED
    base = Postmortem(action_items=[accepted])
    merge_into(base, Postmortem(action_items=[_action("a2", "Fix the alert routing", owner="Tom", due="Monday")]))
    assert base.action_items[0].owner is None and base.action_items[0].status is ReviewStatus.ACCEPTED


def test_merge_keeps_distinct_items() -> None:
    base = Postmortem(decisions=[TextItem(id="d1", text="Roll back to version 2.30")])
    merge_into(base, Postmortem(decisions=[TextItem(id="d2", text="Freeze deploys until Monday")]))
    assert [d.text for d in base.decisions] == ["Roll back to version 2.30", "Freeze deploys until Monday"]
