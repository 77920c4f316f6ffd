"""What worked and what did not: the answers to the facilitator's prompts (whatever their words), and
points said with strong cues elsewhere. A point without a verb ("The backup provider.") labels the next."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.extraction.rules.clock import find_times
from assistant.extraction.rules.lexicon import LEADING_FILLER, tidy
from assistant.extraction.rules.sentences import Sentence

# The facilitator's prompts, in the many forms they take: "what went well", "where did we get it right",
# "what did we nail", "what should we keep doing", "any bright spots"…
_ASK_WORKED = re.compile(
    r"\bwhat (?:i|we) (?:really )?liked\b|\bwhat (?:else |really |actually )?(?:worked|went well|went right|helped|saved us|should we keep|did we do well|went our way)|"
    r"\bwhat was good\b|\bany wins\b|\bthe good news\b|\bgive credit\b|"
    r"\b(?:what|where|which (?:bits?|parts?|things?))\b[^?.]{0,30}\b(?:get|got|did|do) (?:it|things|that|anything) right\b|"
    r"\b(?:where|how) did we (?:do well|shine|get lucky|nail it)\b|\bwhat did we (?:nail|get right|do right|do well)\b|"
    r"\bwhat (?:are|were|should) we (?:be )?proud of\b|\bwhat would we do (?:the same )?again\b|\bwhat (?:should|do|would) we keep(?: doing)?\b|"
    r"\bbright spots?\b|\bwhat (?:went|worked|played out) (?:in our favou?r|well for us|nicely)\b|\bwhere were we lucky\b|"
    r"\bany(?:thing)? (?:positives?|good (?:to say|news))\b|\bwhat (?:was|were) (?:the )?(?:positives?|highlights?|good bits?)\b|"
    r"\bwhat (?:are|were) (?:we|you) (?:glad|happy|pleased|grateful|thankful|relieved) (?:about|with|for)\b",
    re.I,
)
_ASK_DIDNT = re.compile(
    r"\bwhat (?:i|we) (?:really )?(?:did not|didn't|do not|don't) like\b|"
    r"\bwhat (?:else |really |actually )?(?:didn't work|did not work|did not\b|didn't\b|made (?:it|things|this) (?:worse|harder)|went wrong|went badly|didn't go well|did not go well|hurt us|slowed us down|"
    r"could we (?:have done|do) better|would we do differently|should we improve|could have gone better)|\bwhere did we struggle\b|"
    r"\bwhere did (?:we|things|it) (?:trip(?: over ourselves| up)?|stumble|struggle|fall (?:down|short|over)|go wrong|lose time|drop the ball|get stuck|come unstuck)\b|"
    r"\bwhat (?:went|go(?:es)?) (?:pear-shaped|sideways|south|off the rails|less well|not so well)\b|"
    r"\bwhat (?:tripped us up|bit us|hurt|stung|slowed us|held us back|got in (?:the|our) way|let us down|cost us (?:the most|time))\b|"
    r"\bwhat (?:was|were) (?:painful|frustrating|the pain points?|the weak (?:spots?|points?)|the low points?)\b|"
    r"\bwhat would (?:we|you) change\b|\bwhere (?:were|was) (?:we|it) (?:slow|weak|unlucky)\b|\bpain points\b|\bthe not so good\b|"
    r"\bwhat (?:are|were) (?:we|you) (?:unhappy|not happy|disappointed|frustrated|annoyed|worried) (?:about|with)\b|"
    r"\b(?:where|how|what) did we (?:make (?:it|things|life) (?:harder|worse|more difficult)|shoot ourselves in the foot|"
    r"get in our own way|mess up|slip up|waste time)\b",
    re.I,
)
_GOOD = re.compile(
    r"\b(?:worked (?:well|great|nicely|fine)|went (?:well|smoothly|great)|(?:was|were) (?:quick|fast|clean|smooth|great|helpful|spot on|solid|excellent)|"
    r"quickly|fast|helped|saved us|thankfully|luckily|fortunately|kudos|credit to|props to|paid off|did (?:its|their) job|"
    r"caught it|good call|great job|nice work|worked as (?:designed|intended|expected))\b",
    re.I,
)
_BAD = re.compile(
    r"\b(?:nobody (?:even )?knew|no one (?:even )?knew|did ?n[o']t work|didn't go well|went wrong|went badly|(?:was|were) (?:too )?slow|took (?:too )?long|too slow|"
    r"didn't help|did not help|nobody (?:saw|noticed|looked)|no one (?:saw|noticed|looked)|lost (?:almost |about |nearly |over )?\d+ minutes|"
    r"wasted|confus\w*|(?:went|sent us) to the wrong|wrong (?:channel|team|place|dashboard|runbook)|outdated|out of date|stale|noisy|"
    r"(?:didn't|did not) have|(?:was|were) missing|no (?:alert|alerting|runbook|dashboard|monitoring|owner)|hard to|painful|"
    r"the problem was|(?:was|were) (?:useless|misleading|broken|unclear)|we had to guess|delayed us|slowed us down|"
    r"(?:couldn't|could not) (?:find|see|tell|reach)|(?:fired|came|arrived|noticed) (?:\d+ minutes |too |very )?late|"
    r"(?:did not|didn't) (?:say|show|tell|catch|fire|page|alert)|not clearly|nothing about)\b",
    re.I,
)
_STRONG_GOOD = re.compile(
    r"\b(?:worked (?:well|great|again|as (?:designed|intended|expected))|went (?:well|smoothly)|saved us|paid off|helped us|"
    r"(?:was|were) (?:quick|fast|solid|great)|(?:only|just) took|took (?:only|just)|kudos|credit to|"
    # "within minutes" is praise only for a response ("fixed within minutes"), not for the damage
    # ("within ten minutes the error rate was at a hundred percent").
    r"(?:fixed|restored|recovered|back|rolled back|caught|spotted|noticed|detected|found|identified|resolved|mitigated|"
    r"gone|responded|acknowledged|answered|replied|joined|up|out|sent|posted|shipped|live|ready)\b[^.]{0,40}\bwithin (?:\w+ )?minutes|"
    r"thankfully|luckily|fortunately|"
    # Said unprompted: "On the bright side, …", "…was the right call", "…kept the damage down".
    r"on the (?:bright|plus|positive) side|the (?:good news|upside|silver lining) (?:is|was)|credit where (?:it's|it is) due|"
    r"(?:was|were) the right (?:call|move|decision)|kept the (?:damage|impact|blast radius) (?:down|small|contained|low)|"
    r"limited the (?:damage|impact|blast radius)|(?:really|massively) helped|helped a lot)\b",
    re.I,
)
_SECTION_SWITCH = re.compile(
    r"\b(?:decisions?|action items?|next steps|open questions?|the whys|why did|timeline|impact|what (?:else )?(?:worked|went well|didn't work|did not work|went wrong))\b|"
    # A proposal ("Could we just…?", "Why don't we…?") moves the meeting on to what to change.
    r"^(?:\w+,\s+)?(?:(?:so|and|but|okay)[,]?\s+)?(?:could|can|should|shall) we (?:just |not |also )?\w+|\bwhy (?:don't|do not) we\b|"
    r"\bwhy not (?:just )?\w{3,}|\bwhat if we\b|\bhow about (?:we|if)\b",
    re.I,
)


# A proposal said as a statement ("Honestly, I would be tempted to switch it off") also moves the meeting on.
_PROPOSAL = re.compile(
    r"^(?:(?:honestly|frankly|so|well|okay)[,]?\s+)*(?:I(?: would|'d) (?:be tempted to|suggest|propose|like us to|rather)|"
    r"(?:we|you) could (?:just|simply)|(?:let's|let us) just|my (?:suggestion|proposal) (?:is|would be)|what if we|"
    r"(?:the )?(?:simplest|easiest|quickest|obvious) (?:thing|fix|option|answer)(?: would be| is)?\s*[:,])",
    re.I,
)
_LEADING_TIME = re.compile(r"^(?:at|around|by)\s+[\d:.]+(?:\s*[ap]\.?m\.?)?,?\s+", re.I)


def _split_points(text: str) -> list[str]:
    text = _LEADING_TIME.sub("", text)
    parts = [p for p in re.split(r",\s+and\s+(?=[a-z]+\s+\w+)|;\s+", text) if len(p.split()) >= 3]
    return parts or [text]


_NEW_POINT = re.compile(
    r"^(?:and|also|plus|another|the other|second(?:ly)?|third(?:ly)?|then|but|however|on top of that|oh|what)\b", re.I
)


# A sentence that decides, agrees or assigns is the meeting moving on, never more of a point.
_MOVES_ON = re.compile(
    r"\b(?:decided|decide|agreed?|agreement|decision|we'll|we will|let's|let us|going forward|from now on|will (?:own|take|do|add|write|fix))\b",
    re.I,
)


def _continues(s: Sentence, sentences: Sequence[Sentence], last_end: int) -> bool:
    """Whether sentence `s` goes on about the point that the sentence before it (`last_end`) ended."""
    if s.index == 0 or last_end != s.index - 1 or sentences[last_end].turn != s.turn:
        return False
    return not (_NEW_POINT.match(s.text) or _MOVES_ON.search(s.text))


def _asked(prompt: re.Pattern[str], s: Sentence) -> re.Match[str] | None:
    """A prompt asked, or one that opens a statement ("What did not work: the alert…"); inside a statement
    ("That's exactly what bit us at 7:25") the words only describe."""
    m = prompt.search(s.text)
    if m is None or s.is_question:
        return m
    lead = len(s.text) - len(LEADING_FILLER.sub("", s.text, count=1))
    return m if m.start() <= lead else None


def worked_didnt(
    sentences: Sequence[Sentence], exclude: set[int]
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    worked: list[tuple[int, str]] = []
    didnt: list[tuple[int, str]] = []
    mode: str | None = None
    last: tuple[list[tuple[int, str]], int] | None = None
    """The list that took the last point in a prompted answer, and the last sentence of that point."""
    turns_left = 0
    last_turn = -1
    for s in sentences:
        if s.turn != last_turn:
            turns_left -= 1
            last_turn = s.turn
        asked_good, asked_bad = _asked(_ASK_WORKED, s), _asked(_ASK_DIDNT, s)
        if asked_good or asked_bad:
            # "What worked, and what didn't?": the answer's own words pick the side.
            mode = "both" if (asked_good and asked_bad) else ("good" if asked_good else "bad")
            turns_left = 4
            # The asking sentence may carry its own answer ("What did not work: the alert…").
            tail = "" if s.is_question else s.text[(asked_bad or asked_good).end() :]  # type: ignore[union-attr]
            tail = re.sub(r"^[\s?:,.-]+(?:was|were|is|are)?\s*", "", tail)
            if len(tail.split()) >= 2 and s.index not in exclude:
                (didnt if asked_bad else worked).append((s.index, tidy(tail)))
            continue
        if mode is not None and (
            turns_left <= 0 or (_SECTION_SWITCH.search(s.text) and s.is_question) or _PROPOSAL.search(s.text)
        ):
            mode = None
        if s.index in exclude or s.is_question:
            continue
        good = bool(_GOOD.search(s.text) or _STRONG_GOOD.search(s.text))
        bad = bool(_BAD.search(s.text))
        if mode == "both" and re.match(r"^(?:but|however|on the other hand|sadly|unfortunately)\b", s.text, re.I):
            mode, bad, good = "bad", True, False
        if mode is not None:
            side = (
                "bad"
                if (mode == "bad" and not good) or (bad and not good)
                else "good"
                if (mode == "good" or good)
                else None
            )
            if mode == "bad" and good and bad:
                side = "bad"
            if side is None:
                continue
            if last is not None and _continues(s, sentences, last[1]) and len(last[0][-1][1].split()) >= 2:
                # The speaker's next sentence goes on about the same point ("The rollback was painless.
                # One command, and the errors were gone."): one point, not two.
                idx, text = last[0][-1]
                more = tidy(s.text)
                last[0][-1] = (idx, f"{text}: {more[:1].lower()}{more[1:]}")
                last = (last[0], s.index)
                continue
            for part in _split_points(s.text):
                pgood, pbad = bool(_GOOD.search(part)), bool(_BAD.search(part))
                target = didnt if (pbad or (side == "bad" and not pgood)) else worked
                target.append((s.index, tidy(part)))
                last = (target, s.index)
        elif bad and re.search(
            r"\b(?:did ?n[o']t (?:work|help)|did not (?:work|help)|lost \d+ minutes|wasted|slowed us down)\b",
            s.text,
            re.I,
        ):
            didnt.append((s.index, tidy(_LEADING_TIME.sub("", s.text))))
        elif good and not find_times(s.text) and _STRONG_GOOD.search(s.text):
            worked.append((s.index, tidy(_LEADING_TIME.sub("", s.text))))
    return worked, didnt


# A point without a finite verb ("And the hour of negative caching on our zones.") is a label for the next.
_FINITE_VERB = re.compile(
    r"\b(?:is|was|were|are|am|be|been|had|has|have|did|does|do|took|got|went|made|fired|said|saw|could|would|should|will|"
    r"can|didn't|wasn't|weren't|isn't|don't|doesn't|couldn't|worked|helped|failed|came|ran|kept|gave|showed|sent|told|"
    r"knew|found|needed|cost|lost|broke|stopped|started|caught|\w+ed)\b",
    re.I,
)


def join_points(points: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """ "What did not work was the rollback. It cost us time." is one point, not two; so is
    "The backup provider. Switching to it took five minutes." (a short label, then what it did)."""
    out: list[tuple[int, str]] = []
    for idx, text in points:
        if len(text.split()) < 2:
            continue
        short_label = (
            bool(out)
            and idx - out[-1][0] == 1
            and len(text.split()) >= 3
            and (len(out[-1][1].split()) <= 4 or not _FINITE_VERB.search(out[-1][1]))
        )
        if out and (short_label or re.match(r"^(?:it|that|this|they)\b", text, re.I)) and idx - out[-1][0] <= 1:
            prev_idx, prev = out[-1]
            out[-1] = (prev_idx, f"{prev}: {text[0].lower()}{text[1:]}")
            continue
        out.append((idx, text))
    return out
