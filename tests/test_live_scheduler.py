"""The extraction scheduler: due at pauses or after max_wait, one call in flight, failed windows retried."""

from __future__ import annotations

from assistant.domain.transcript import Segment
from assistant.live.scheduler import ExtractionScheduler


def _seg(i: int, words: int = 10) -> Segment:
    return Segment(id=i, start=i * 4.0, end=i * 4.0 + 3.5, text=" ".join(["word"] * words))


def test_not_due_until_enough_words_and_a_pause() -> None:
    s = ExtractionScheduler(min_words=30, pause_s=1.5, max_wait_s=20)
    s.add([_seg(0)], now=0.0)
    assert not s.due(5.0)  # 10 words only, and not waited max_wait
    s.add([_seg(1), _seg(2)], now=6.0)
    assert not s.due(6.5)  # 30 words, but the room has not paused yet
    assert s.due(7.6)  # paused 1.6 s


def test_due_after_max_wait_even_in_a_monologue() -> None:
    s = ExtractionScheduler(min_words=30, pause_s=1.5, max_wait_s=20)
    for i in range(10):
        s.add([_seg(i, words=2)], now=i * 1.0)
    assert not s.due(9.5)
    assert s.due(20.0)


def test_one_call_in_flight_and_lines_merge_meanwhile() -> None:
    s = ExtractionScheduler(min_words=5, pause_s=1.0, max_wait_s=20, context_lines=2)
    s.add([_seg(0), _seg(1)], now=0.0)
    first = s.take()
    assert [x.id for x in first] == [0, 1]
    s.add([_seg(2)], now=2.0)
    s.add([_seg(3)], now=3.0)
    assert not s.due(10.0)  # in flight
    s.done(ok=True, now=10.0)
    assert s.due(10.0)
    second = s.take()
    assert [x.id for x in second] == [0, 1, 2, 3]  # 2 context lines + both lines that arrived meanwhile


def test_failed_window_lines_are_retried() -> None:
    s = ExtractionScheduler(min_words=5, pause_s=1.0, max_wait_s=20, context_lines=0)
    s.add([_seg(0), _seg(1)], now=0.0)
    s.take()
    s.add([_seg(2)], now=1.0)
    s.done(ok=False, now=5.0)
    assert [x.id for x in s.pending] == [0, 1, 2]
    assert not s.history
    assert s.due(20.0)
