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


def _failing_window(s: ExtractionScheduler, now: float) -> None:
    assert s.due(now), (s.retry_at, now)
    s.take()


def test_unavailable_server_backs_off_exponentially_up_to_the_cap() -> None:
    s = ExtractionScheduler(min_words=5, pause_s=1.0, max_wait_s=20, backoff_base_s=2, backoff_cap_s=30)
    s.add([_seg(0), _seg(1)], now=0.0)
    now, delays = 2.0, []
    for _ in range(6):
        _failing_window(s, now)
        retry = s.failed(now, unavailable=True)
        assert retry.action == "retry"
        assert not s.due(now + retry.delay_s - 0.01)  # never before the backoff is over
        delays.append(retry.delay_s)
        now += retry.delay_s
    assert delays == [2, 4, 8, 16, 30, 30]
    assert [x.id for x in s.pending] == [0, 1]  # nothing dropped, however long the outage


def test_retry_after_is_honoured_but_capped() -> None:
    s = ExtractionScheduler(min_words=5, pause_s=1.0, backoff_base_s=2, backoff_cap_s=60)
    s.add([_seg(0)], now=0.0)
    _failing_window(s, 2.0)
    assert s.failed(2.0, unavailable=True, retry_after_s=7).delay_s == 7
    assert not s.due(8.9) and s.due(9.0)
    s.take()
    assert s.failed(9.0, unavailable=True, retry_after_s=3600).delay_s == 60


def test_success_resets_the_backoff_and_the_backlog_goes_out_in_order() -> None:
    s = ExtractionScheduler(min_words=5, pause_s=1.0, max_wait_s=20, context_lines=0, max_lines=3)
    s.add([_seg(i) for i in range(2)], now=0.0)
    _failing_window(s, 2.0)
    s.failed(2.0, unavailable=True)
    s.add([_seg(i) for i in range(2, 7)], now=3.0)  # the meeting goes on during the outage
    first = s.take() if s.due(10.0) else []
    assert [x.id for x in first] == [0, 1, 2]
    s.done(ok=True, now=40.0)
    assert s.failures == 0 and s.retry_at is None
    assert s.due(40.0)  # a full window of backlog is due at once
    assert [x.id for x in s.take()] == [3, 4, 5]
    s.done(ok=True, now=70.0)
    assert [x.id for x in s.take()] == [6]


def test_bad_answers_skip_the_lines_after_max_tries() -> None:
    s = ExtractionScheduler(min_words=5, pause_s=1.0, context_lines=0, max_bad_answers=3)
    s.add([_seg(0), _seg(1)], now=0.0)
    now = 2.0
    for attempt in (1, 2):
        _failing_window(s, now)
        retry = s.failed(now, unavailable=False)
        assert (retry.action, retry.attempt) == ("retry", attempt)
        now += retry.delay_s
    _failing_window(s, now)
    s.add([_seg(2)], now=now)
    retry = s.failed(now, unavailable=False)
    assert (retry.action, retry.skipped_lines) == ("skip", 2)
    assert [x.id for x in s.pending] == [2]  # later lines still go out live
    assert [x.id for x in s.history] == [0, 1]  # kept as context; the final pass covers them
    assert s.skipped_lines == 2


def test_busy_worker_requeues_without_counting_a_failure() -> None:
    s = ExtractionScheduler(min_words=5, pause_s=1.0, context_lines=0)
    s.add([_seg(0)], now=0.0)
    s.take()
    s.requeue(2.0)
    assert s.failures == 0 and s.retry_at is None and [x.id for x in s.pending] == [0]
    assert s.due(2.0)


def test_backlog_windows_stay_within_the_token_budget() -> None:
    from assistant.extraction.windows import estimate_tokens

    s = ExtractionScheduler(min_words=5, pause_s=1.0, context_lines=6, max_lines=40, max_tokens=300)
    s.add([_seg(i, words=12) for i in range(100)], now=0.0)  # an outage's backlog
    taken: list[int] = []
    while s.pending:
        window = s.take(reserve_tokens=100)
        assert sum(estimate_tokens(x.text) for x in window) <= 300 - 100
        taken += [x.id for x in window[-len(s._taken) :]]
        s.done(ok=True, now=1.0)
    assert taken == list(range(100))  # every line once, in order
    giant = Segment(id=100, start=0, end=30, text=" ".join(["word"] * 500))
    s.add([giant], now=2.0)
    assert s.take(reserve_tokens=100)[-1] is giant  # a line over budget still goes, alone


def test_a_rules_extractor_reads_a_committed_line_at_the_next_short_pause() -> None:
    s = ExtractionScheduler.for_rules(900)
    s.add([Segment(id=0, start=0.0, end=2.0, text="Omar, can you own it?")], now=10.0)
    assert not s.due(10.3)
    assert s.due(10.7)  # 0.6 s pause, 5 words: no 30-word wait
    assert [x.id for x in s.take()] == [0]
    s.done(True, now=10.8)
    s.add([Segment(id=1, start=2.0, end=3.0, text="Sure.")], now=20.0)
    assert not s.due(21.0)  # one word: waits for more, but never longer than 3 s
    assert s.due(23.0)
    assert [x.id for x in s.take()] == [0, 1]  # the request comes along as context
