"""LocalAgreement-2 commit policy: hypothesis sequences in → committed words out."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.domain.transcript import Word
from assistant.transcription.commit import LocalAgreement, normalise


def hyp(text: str, start: float = 0.0, step: float = 0.5, jitter: tuple[float, ...] = ()) -> list[Word]:
    """Timed words as faster-whisper gives them (leading space), `step` seconds apart."""
    words = []
    for i, token in enumerate(text.split()):
        shift = jitter[i] if i < len(jitter) else 0.0
        begin = start + i * step + shift
        words.append(Word(start=begin, end=begin + step * 0.8, text=" " + token))
    return words


def text(words: list[Word]) -> str:
    return "".join(w.text for w in words).strip()


@dataclass(frozen=True)
class Case:
    name: str
    hypotheses: list[list[Word]]
    committed: list[str]  # committed text after each hypothesis
    flushed: str | None = None  # committed text after flush(), when checked


CASES = [
    Case("first hypothesis commits nothing", [hyp("welcome everyone")], [""]),
    Case("two agreeing hypotheses commit", [hyp("welcome everyone"), hyp("welcome everyone")],
         ["", "welcome everyone"]),
    Case("growing buffer commits the common prefix",
         [hyp("the deploy"), hyp("the deploy went out"), hyp("the deploy went out at noon")],
         ["", "the deploy", "the deploy went out"]),
    Case("time jitter between passes still agrees",
         [hyp("the cache was cold"), hyp("the cache was cold", jitter=(0.3, -0.2, 0.25, 0.4))],
         ["", "the cache was cold"]),
    Case("case and punctuation changes agree; the newer spelling is kept",
         [hyp("welcome everyone this"), hyp("Welcome everyone. This is")],
         ["", "Welcome everyone. This"]),
    Case("a retracted word stops the commit",
         [hyp("we rolled back at five"), hyp("we rolled back the deploy"), hyp("we rolled back the deploy")],
         ["", "we rolled back", "we rolled back the deploy"]),
    Case("disagreement on the first word commits nothing",
         [hyp("well come everyone"), hyp("welcome everyone")], ["", ""]),
    Case("a hypothesis restarting inside committed text re-commits nothing",
         [hyp("at noon we paged"), hyp("at noon we paged"), hyp("at noon we paged the"),
          hyp("at noon we paged the team")],
         ["", "at noon we paged", "at noon we paged", "at noon we paged the"]),
    Case("after a buffer trim the repeated junction word is de-duplicated",
         # "back" was committed ending at 1.4; the trimmed buffer re-hears it ending at 1.6.
         [hyp("we rolled back"), hyp("we rolled back"), hyp("back the deploy", start=1.2),
          hyp("back the deploy", start=1.2)],
         ["", "we rolled back", "we rolled back", "we rolled back the deploy"]),
    Case("a repeated two-word junction is de-duplicated whole",
         [hyp("rolled back at"), hyp("rolled back at"), hyp("back at noon", start=1.1),
          hyp("back at noon", start=1.1)],
         ["", "rolled back at", "rolled back at", "rolled back at noon"]),
    Case("a word said again well after the junction is kept",
         [hyp("yes"), hyp("yes"), hyp("yes", start=3.0), hyp("yes", start=3.0)],
         ["", "yes", "yes", "yes yes"]),
    Case("a word said twice in a row at the junction is kept, not de-duplicated",
         [hyp("we saw the"), hyp("we saw the"), hyp("we saw the the cache"), hyp("we saw the the cache")],
         ["", "we saw the", "we saw the", "we saw the the cache"]),
    Case("a short word far away in time is not the same word",
         [hyp("the"), hyp("the", start=5.0), hyp("the", start=5.0)], ["", "", "the"]),
    Case("empty hypotheses (silence) commit nothing",
         [[], [], hyp("hello", start=4.0), hyp("hello", start=4.0)], ["", "", "", "hello"]),
    Case("silence between two hypotheses breaks the agreement",
         [hyp("hello"), [], hyp("hello")], ["", "", ""], flushed="hello"),
    Case("flush commits the tentative tail",
         [hyp("the cache"), hyp("the cache was cold")], ["", "the cache"], flushed="the cache was cold"),
    Case("flush with nothing tentative adds nothing",
         [hyp("all clear"), hyp("all clear")], ["", "all clear"], flushed="all clear"),
    Case("flush after silence adds nothing", [hyp("done"), hyp("done"), []], ["", "done", "done"],
         flushed="done"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_commit_policy(case: Case) -> None:
    policy = LocalAgreement()
    seen: list[str] = []
    for hypothesis in case.hypotheses:
        before = policy.committed
        newly = policy.insert(hypothesis)
        assert policy.committed == before + newly  # insert returns exactly what it appended
        seen.append(text(policy.committed))
    assert seen == case.committed
    if case.flushed is not None:
        policy.flush()
        assert text(policy.committed) == case.flushed
        assert policy.tentative == []


def test_tentative_is_the_uncommitted_rest_of_the_latest_hypothesis() -> None:
    policy = LocalAgreement()
    policy.insert(hyp("the cache"))
    assert text(policy.tentative) == "the cache"
    policy.insert(hyp("the cache was cold"))
    assert text(policy.tentative) == "was cold"
    assert policy.committed_end == pytest.approx(0.9)


def test_normalise_ignores_case_punctuation_and_space() -> None:
    assert normalise(" Outage,") == normalise("outage") == "outage"
    assert normalise(" don't") == "dont"


# --- property: committed text is append-only, whatever the hypotheses ---------------------------

VOCAB = ["the", "cache", "was", "cold", "we", "rolled", "back", "at", "noon", "deploy"]


@st.composite
def noisy_hypotheses(draw: st.DrawFn) -> list[list[Word]]:
    """A spoken word sequence and re-transcriptions of growing, sometimes trimmed, prefixes of it."""
    truth = draw(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=25))
    spoken = [Word(start=i * 0.5, end=i * 0.5 + 0.4, text=" " + w) for i, w in enumerate(truth)]
    out: list[list[Word]] = []
    for _ in range(draw(st.integers(1, 12))):
        begin = draw(st.integers(0, len(spoken)))
        end = draw(st.integers(begin, len(spoken)))
        words = []
        for w in spoken[begin:end]:
            shift = draw(st.floats(-0.3, 0.3))
            token = draw(st.sampled_from([w.text, w.text.upper(), w.text + ".", " " + draw(st.sampled_from(VOCAB))]))
            words.append(Word(start=max(0.0, w.start + shift), end=max(0.0, w.end + shift), text=token))
        out.append(words)
    return out


@settings(max_examples=200, deadline=None)
@given(noisy_hypotheses())
def test_committed_words_are_append_only(hypotheses: list[list[Word]]) -> None:
    policy = LocalAgreement()
    history: list[list[Word]] = []
    for hypothesis in hypotheses:
        policy.insert(hypothesis)
        history.append(policy.committed)
    policy.flush()
    history.append(policy.committed)
    for earlier, later in itertools.pairwise(history):
        assert later[: len(earlier)] == earlier


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=30), st.data())
def test_clean_growing_hypotheses_commit_everything_once(truth: list[str], data: st.DataObject) -> None:
    """With a perfect recogniser, growing buffers plus flush give back exactly what was said."""
    spoken = [Word(start=i * 0.5, end=i * 0.5 + 0.4, text=" " + w) for i, w in enumerate(truth)]
    cuts = sorted(data.draw(st.lists(st.integers(0, len(spoken)), max_size=10)))
    policy = LocalAgreement()
    for cut in [*cuts, len(spoken)]:
        policy.insert(spoken[:cut])
    policy.flush()
    assert [w.text for w in policy.committed] == [w.text for w in spoken]


def test_words_heard_long_enough_ago_commit_without_agreement() -> None:
    policy = LocalAgreement()
    policy.insert(hyp("the pool was full at nine"))
    # The next pass disagrees from the second word on; words ending before 1.5 s are settled anyway.
    newly = policy.insert(hyp("the poll was fall at nine"), settled_before=1.5)
    assert text(newly) == "the poll was"  # the newest pass's spelling: it heard more audio
    assert text(policy.tentative) == "fall at nine"


def test_settling_never_commits_past_its_time_or_twice() -> None:
    policy = LocalAgreement()
    assert policy.insert(hyp("alpha beta gamma"), settled_before=0.3) == []  # nothing ends by 0.3 s
    assert text(policy.insert(hyp("alpha beta gamma"), settled_before=0.0)) == "alpha beta gamma"
    assert policy.insert(hyp("alpha beta gamma"), settled_before=5.0) == []
    assert text(policy.committed) == "alpha beta gamma"
