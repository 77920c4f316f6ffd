"""Action items from what people commit to, ask each other for, or leave to "someone".

Owners come from the words, never from a guess: "David will…" is David, "I'll…" is the speaker,
"Marco, can you…?" answered "Sure" is Marco, "Dana and I can…" is both until one of them is named,
"someone should…" / "we should…" is nobody (a group: flagged by the checks).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.checks.support import content_words
from assistant.extraction.rules.dialogue import AGREE, REFUSE, Reply, addressee, reply_to
from assistant.extraction.rules.due import due_phrase
from assistant.extraction.rules.lexicon import tidy
from assistant.extraction.rules.sentences import Sentence, next_turns, rest_of_turn

# What follows a commitment and makes it no task: "I'll be honest", "I'll start with the timeline".
_NOT_A_TASK = re.compile(
    r"^(?:just\s+)?(?:be\b|start\b|begin\b|hand\b|pass\b|say\b|admit\b|keep (?:it|this) short|go first|walk (?:you|us)|"
    r"summari[sz]e|recap|read (?:it|that|out)|share my screen|stop sharing|jump\b|let (?:you|someone|others)|"
    r"try to remember|tell you|explain\b|play devil|note\b|leave it there|stop there|wrap up|take (?:a|the) (?:question|look at the clock)|"
    r"turn it over|hand it over|come back to (?:that|this|it)|get (?:back to )?you|see you|talk to you|"
    r"repeat|skip|move on|mention\b|do the (?:timeline|whys|intro)|facilitate|chair|host|"
    r"(?:probably|maybe)\s+(?:be|start|say)\b|never\b|not\b|"
    # What happens to someone is no task: "I'm gonna get kicked if I don't do it".
    r"get (?:kicked|fired|killed|yelled at|told off|in trouble|blamed|sued|paged|woken)\b)",
    re.I,
)
# Requests that run the meeting, not work after it: "David, can you start with the timeline?".
_FACILITATION = re.compile(
    r"\b(?:start(?: us off)? with|walk (?:us|me) through|tell us|take us through|give us|explain|describe|"
    r"summari[sz]e|recap|go first|kick (?:us )?off|read (?:out|it)|share (?:your|the) screen|hear me|"
    r"repeat that|say (?:that|more)|talk (?:us )?through|run (?:us )?through|go over|speak to|add anything|"
    r"remind us|confirm (?:that )?(?:for|to) (?:us|me)|clarify|elaborate|the timeline please)\b",
    re.I,
)
_FIRST_PERSON = re.compile(
    r"\b(?:i'll|i will|i shall|i'm going to|i am going to|i'm gonna|i can take|i can own|i'll take|i can do|"
    r"i volunteer to|i'll make sure|i can handle|i'll handle|i've got|i got|leave it with me|put me down for|"
    r"i'll get|i can get|i'll follow up|i can follow up|i'll look into|i can look into|i'll write|i can write|"
    r"i'll own|i'll pick up|i can pick up|i'll add|i can add|i'll set up|i can set up|"
    r"let me (?!know|think|see|just|be\b|say|finish|stop|start|ask|answer|jump|check (?:quickly|something|that|real quick)|come back to you|get this straight|recap|summari[sz]e|repeat|read|"
    r"park|hold|pause|come back|go back|leave|note|interrupt|bring (?:us|it) back|pull up|put (?:it|that|this) on hold|push back|play))\b\s*",
    re.I,
)
# What a group "has to" do in its head or in this meeting, not a task after it: "we have to consider
# the cost", "we should remember the budget", "we need to start wrapping up".
_MINDSET = (
    r"consider\b|remember\b|think\b|reflect\b|keep in mind|bear in mind|be aware|realis|realiz|understand\b|"
    r"accept\b|admit\b|wrap\b|start wrapping|hurry\b|get started|carry on|continue\b|imagine\b|assume\b|know\b|"
    # Running this meeting, not work after it: "we have to close this meeting".
    r"(?:close|end|finish|adjourn|leave)\b[^.?!]{0,24}\b(?:this|the)\s+(?:\w+\s+)?(?:meeting|call|session)\b"
)
_OWNED_VERB = r"(?:will|'ll|is going to|is gonna|agreed to|has agreed to|volunteered to|offered to|should|needs to|has to|owns|takes|is taking|is on|is owning|can take|can own|will own|will take)"
_GROUP = re.compile(
    r"\b(?P<who>someone|somebody|anyone|anybody|one of us|we all|all of us|everyone|everybody|the team|the whole team|"
    r"the \w+ team|they)\s+(?:really\s+|probably\s+|still\s+|definitely\s+)?(?:should|needs? to|has to|have to|must|ought to|will need to|"
    r"could|would need to|should probably|needs to go and|has got to)\s+(?!be\b|have\b|not\b|never\b|ever\b|"
    + _MINDSET
    + r")",
    re.I,
)
_WE_SHOULD = re.compile(
    r"\b(?P<who>we)\s+(?:really\s+|probably\s+|definitely\s+|also\s+|still\s+)?(?:should|need to|must|have to|ought to|"
    r"'ll need to|will need to|should probably|probably should|really need to|really should|"
    r"need to make sure|have got to|gotta)\s+(?:also\s+|probably\s+)?(?!have\b|be\b|not\b|talk\b|discuss\b|move on|wrap|go through|"
    r"decide|agree|keep (?:it|this) short|stop|get going|finish|" + _MINDSET + r")",
    re.I,
)
_TWO = r"(?:either\s+)?(?P<a>{names})\s+(?:and|or)\s+(?:I|me|myself|(?P<b>{names}))|(?:either\s+)?(?:I|me)\s+(?:and|or)\s+(?P<c>{names})"
_ASSIGN_ONE = (
    r"\b(?P<n>{names})\b,?\s+(?:you\s+(?:own|take|lead|drive|have|do)\b|you're (?:the owner|on (?:it|that|this)(?: one)?|it)|it's yours|"
    r"let's make (?:that|it|this)(?: one)? yours|(?:that|this|it)(?: one)?(?:'s| is) yours|"
    r"(?:then\s+)?owns it|takes it|will own|will lead|will take|is the owner|should own|can own|you can own|leads? it|"
    r"drives? it)|\b(?:let's say|let's have|let's make|put|give (?:it|that) to|assign (?:it|that) to)\s+(?P<m>{names})\b"
)
_SELF_ONE = re.compile(
    r"\b(?:i'll (?:take|own|lead|drive|do) (?:it|that|this)|i can (?:take|own|lead|drive) (?:it|that|this)|"
    r"i'll be the owner|i'll own the|i can own the|put me down|i'll take the lead)\b",
    re.I,
)


# "Marcus, you take that one, Tom's got the checklist": owners for items already said, no new item.
_REASSIGN = re.compile(r"\byou(?:'re)?\s+(?:own|take|do|handle|have|lead|drive|on)\s+(?:that|it|this)(?: one)?\b", re.I)
# Done in the meeting, not after it: "Hang on, I'll pull the logs", "let me confirm before we finish".
_RIGHT_NOW = re.compile(
    r"^(?:hang on|hold on|one sec|one second|give me a (?:sec|second|minute)|wait)\b|"
    r"\b(?:before we (?:finish|end|wrap|close)|by the end of (?:this|the) (?:meeting|call)|right now|in a (?:sec|second|minute))\b",
    re.I,
)
# An agenda names the sections: "Go through the template in order: timeline, impact, causes, then actions".
_SECTION_WORDS = re.compile(r"\b(?:timeline|impact|causes?|actions?|whys|what worked|lessons|damage|sequence)\b", re.I)

_SOCIAL = frozenset({"try", "bye", "goodbye", "thank", "thanks", "later", "everyone", "all", "see", "soon", "sure"})


@dataclass
class ActionFind:
    sentence: int
    action: str
    owner: str | None
    due: str | None
    cited: list[int] = field(default_factory=list)
    """Sentence indices of the evidence (the commitment, and the reply that accepted or dated it)."""


def _names_alt(names: Sequence[str]) -> str:
    firsts = sorted({n.split()[0] for n in names if n.strip()}, key=len, reverse=True)
    return "|".join(re.escape(f) for f in firsts) or r"(?!x)x"


def _canonical(first: str, names: Sequence[str]) -> str:
    return next((n for n in names if n.split()[0].lower() == first.lower()), first)


def _task_text(rest: str, due_span: tuple[int, int] | None, offset: int) -> str:
    text = rest
    if due_span is not None:
        a, b = due_span[0] - offset, due_span[1] - offset
        if 0 <= a <= len(text):
            text = text[:a] + text[b:]
    text = re.sub(r"\b(?:please|as well|too|then|for us|okay|ok)\s*[.?!]*\s*$", "", text.strip(), flags=re.I)
    return tidy(text)


def _due_near(sentences: Sequence[Sentence], i: int, replies: Sequence[Sentence]) -> tuple[str | None, list[int]]:
    due, _ = due_phrase(sentences[i].text)
    if due:
        return due, []
    # The speaker dates it in a sentence of its own: "I'll fix the probe. Before Friday."
    own = [s for s in rest_of_turn(sentences, i)[:3] if len(s.text.split()) <= 6]
    for s in own:
        found, _ = due_phrase(s.text)
        if found:
            return found, [s.index]
    for s in replies[:2]:
        if len(s.text.split()) > 8 and not AGREE.match(s.text):
            continue  # a longer reply is its own statement (often the next item), not this one's date
        found, _ = due_phrase(s.text)
        if found:
            return found, [s.index]
    return None, []


def find_actions(sentences: Sequence[Sentence], names: Sequence[str], skip: set[int]) -> list[ActionFind]:
    alt = _names_alt(names)
    named = re.compile(rf"\b(?P<name>{alt})\s+{_OWNED_VERB}\s+(?!be\b|have\b|not\b|never\b)(?P<rest>.+)$", re.I)
    two = re.compile(_TWO.format(names=alt), re.I)
    assign_one = re.compile(_ASSIGN_ONE.format(names=alt), re.I)
    either = re.compile(
        rf"\b(?:either\s+)?(?P<a>{alt})\s+or\s+(?P<b>{alt})\b(?=\s*(?:[.?!]|$)|,?\s+(?:one of (?:you|them)|whoever|"
        r"it is their|it's their|your call|between you|whichever))",
        re.I,
    )
    ongoing = re.compile(rf"^(?:(?:and|so|okay|also)[,]?\s+)?(?P<name>{alt})\s+is\s+(?P<rest>\w+ing\b.+)$", re.I)
    out: list[ActionFind] = []
    used: set[int] = set()
    """Sentences that resolved an earlier offer's owner: not items of their own."""
    for s in sentences:
        if s.index in skip or s.index in used:
            continue
        text = s.text
        if len(_SECTION_WORDS.findall(text)) >= 3:
            continue  # the agenda
        replies = next_turns(sentences, s.index, 2)
        due, due_span = due_phrase(text)
        # 1. "Dana and I can write it" / "Tom and Ana will…": several owners until one is named.
        m2 = two.search(text)
        if m2 and re.search(
            r"\b(?:can|could|will|'ll|should|are going to|are gonna|would|might)\b", text[m2.end() :][:20], re.I
        ):
            people = [_canonical(x, names) for x in (m2.group("a"), m2.group("b"), m2.group("c")) if x]
            if m2.group("b") is None and s.speaker:
                people.append(s.speaker)
            rest = text[m2.end() :]
            rest = re.sub(
                r"^\s*(?:can|could|will|'ll|should|are going to|are gonna|would|might)\s+(?:probably\s+)?",
                "",
                rest,
                flags=re.I,
            )
            rest = _pair_task(sentences, s, text[: m2.start()], rest)
            owner, cited = _resolve_pair(sentences, s, people, assign_one, rest)
            used.update(cited)
            d, dcited = _due_near(sentences, s.index, replies)
            if cited and d is None:
                # Resolved later ("Tom, you take it. When can you have it?" — "Next Tuesday."): the date
                # comes with the resolution.
                d, dcited = _due_near(sentences, cited[0], next_turns(sentences, cited[0], 2))
            out.append(ActionFind(s.index, _task_text(rest, None, 0), owner, d, [s.index, *cited, *dcited]))
            continue
        # 1b. "<task>: Laura or Priya, one of you?" / "<task>, that is either Tom or Megan": two people
        # named for a task said before them, until one of them is given it.
        m3 = either.search(text)
        if m3:  # (an offer "Tom or I could…" was taken by 1. above)
            task = _PAIR_LEAD_IN.sub("", text[: m3.start()])
            offered = re.match(
                r"\s+(?:has to|have to|should|could|can|will|needs? to|must)\s+(?P<v>.+)$", text[m3.end() :], re.I
            )
            if offered:  # "Sarah or Laura has to sign it, one of you"
                task = _pair_task(sentences, s, task, offered.group("v"))
            if len(content_words(task)) >= 2:
                people = [_canonical(m3.group("a"), names), _canonical(m3.group("b"), names)]
                owner, cited = _resolve_pair(sentences, s, people, assign_one, task)
                used.update(cited)
                where = cited[0] if cited else s.index  # resolved later: the date comes with the resolution
                d, dcited = _due_near(sentences, where, next_turns(sentences, where, 2) if cited else replies)
                out.append(ActionFind(s.index, _task_text(task, None, 0), owner, d, [s.index, *cited, *dcited]))
                continue
        # 1c. "Hannah is changing the cleanup step…, by the nineteenth": in progress, with a date, is owned.
        m4 = ongoing.search(text)
        if m4 and due is not None and not s.is_question:
            # The gerund stays ("Changing the cleanup step…"): it reads as the task, and guessing a base
            # form ("chang"?) would garble it.
            task = _task_text(m4.group("rest"), due_span, m4.start("rest"))
            out.append(ActionFind(s.index, task, _canonical(m4.group("name"), names), due, [s.index]))
            continue
        # 2. "<Name>, can you…?" — owned by the person asked, unless they turn it down.
        who = addressee(text, names)
        if who and re.search(
            r"\b(?:can|could|would|will) you\b|\byou(?:'ll| will| can| should| need to| take| own| have)\b|\bplease\b|\byou're on\b",
            text,
            re.I,
        ):
            if _FACILITATION.search(text) or s.index in used or _REASSIGN.search(text):
                continue
            answer = [r for r in replies if r.speaker == who] or replies[:1]
            if answer and REFUSE.search(answer[0].text):
                continue
            m = re.search(
                r"\b(?:can|could|would|will) you\s+(?:please\s+)?|\byou(?:'ll| will| can| should| need to)\s+|\bplease\s+",
                text,
                re.I,
            )
            rest = text[m.end() :] if m else text
            rest = re.sub(rf",?\s*\b{re.escape(who.split()[0])}\b\s*[?.!]*$", "", rest, flags=re.I)
            offset = m.end() if m else 0
            d, dcited = _due_near(sentences, s.index, answer)
            cited = [s.index, *([answer[0].index] if answer and answer[0].speaker == who else []), *dcited]
            task = _task_text(rest, due_span if d == due else None, offset)
            if re.match(r"^(?:own|take|do|handle|have|lead|drive)\s+(?:that|it|this|that one|this one)\b", task, re.I):
                continue  # "Chris, you own that one": an owner for an item already said, not a new one
            task = re.sub(r"^(?:own|take on|take over|pick up|drive)\s+(?=\w+ing\b)", "", task, flags=re.I)
            task = task[:1].upper() + task[1:]
            out.append(ActionFind(s.index, task, who, d, sorted(set(cited))))
            continue
        # 2b. "Could you send us the slides?" — "Yes, I will.": asked of nobody by name, owned by whoever
        # takes it on in the next turn (their attributed speaker; unresolved while anonymous).
        if who is None and s.is_question and s.index not in used:
            found = _taken_request(s, text, replies)
            if found is not None:
                taker, rest, offset = found
                d, dcited = _due_near(sentences, s.index, [taker])
                task = _task_text(rest, due_span if d == due else None, offset)
                task = task[:1].upper() + task[1:]
                out.append(ActionFind(s.index, task, taker.speaker, d, sorted({s.index, taker.index, *dcited})))
                used.add(taker.index)
                continue
        # 3. "<Name> will…" / "<Name>'ll…".
        m = named.search(text)
        if m and not s.is_question:
            owner = _canonical(m.group("name"), names)
            rest = m.group("rest")
            if not _NOT_A_TASK.match(rest):
                d, dcited = _due_near(sentences, s.index, [])
                task = _task_text(rest, due_span, m.start("rest"))
                out.append(ActionFind(s.index, task, owner, d, [s.index, *dcited]))
                continue
        # 4. "I'll…": the speaker (the checks resolve "I" to the attributed speaker).
        m = _FIRST_PERSON.search(text)
        if m and not s.is_question and not _NOT_A_TASK.match(text[m.end() :]) and not _RIGHT_NOW.search(text):
            rest = text[m.end() :]
            if re.match(r"^(?:it|that|this|one)\b", rest, re.I) or m.group(0).lower().strip() in ("i've got", "i got"):
                # "I'll take that one": the task is what was just asked for.
                continue
            verb = m.group(0).strip()
            if re.search(r"(?:write|add|get|look into|follow up|set up|pick up|own|take|handle)$", verb, re.I):
                rest = verb.split()[-1] + " " + rest
            d, dcited = _due_near(sentences, s.index, [])
            out.append(ActionFind(s.index, _task_text(rest, due_span, m.end()), "I", d, [s.index, *dcited]))
            continue
        # 5. "Someone should…" / "we should…": nobody owns it.
        m = _GROUP.search(text) or _WE_SHOULD.search(text)
        if m and not s.is_question:
            rest = text[m.end() :]
            if len(rest.split()) >= 2 and not re.match(r"^(?:do that|do this|do it)\b", rest, re.I):
                who_word = m.group("who")
                reply = reply_to(s, replies)
                if reply is Reply.REFUSE:
                    continue
                out.append(ActionFind(s.index, _task_text(rest, due_span, m.end()), who_word, due, [s.index]))
            elif re.match(r"^(?:do that|do this|do it)\b", rest, re.I) and s.index > 0:
                # "We should probably do that soon": the task is the sentence before.
                before = sentences[s.index - 1]
                out.append(ActionFind(s.index, tidy(before.text), m.group("who"), due, [before.index, s.index]))
    return [a for a in out if len([w for w in content_words(a.action) if w not in _SOCIAL]) >= 2]


_REQUEST_OPEN = re.compile(r"\b(?:can|could|would|will) you\s+(?:please\s+)?(?:mind\s+)?", re.I)
# Asking for words, not work: "could you remind me what the threshold was?", "can you hear me?".
_ASKS_FOR_WORDS = re.compile(
    r"^(?:remind|tell|show|let (?:me|us) know|say|hear|see|repeat|confirm|check (?:if|whether|that) (?:i|we|you)|"
    r"clarify|explain|describe|give (?:me|us) (?:a|an|the)? ?(?:sec|second|minute|moment)|hold on|wait|"
    r"believe|imagine|think|guess|recall|remember)\b",
    re.I,
)
# Taking a request on: a yes, or saying they will. Not "Yes, it was ninety percent" (an answer), and not a
# bare "Okay" (how a facilitator moves on as often as how a person agrees).
_TAKES_IT = re.compile(
    r"^(?:(?:well|so|um|uh|oh|okay|ok|right)[,.]?\s+)*(?:yes|yeah|yep|yup|sure|of course|absolutely|certainly|"
    r"will do|on it|no problem|happy to|i can do that|i can do it|i'll do (?:it|that)|i will\b|i can\b|i'll\b|"
    r"i'll take (?:it|that))\b",
    re.I,
)
# "Can you point it this way?", "could you pass that over?": something in the room, not a task.
_ONLY_A_PRONOUN = re.compile(
    r"^\w+\s+(?:it|this|that|them|these|those)\b(?:\s+(?:this|that)\s+way|\s+(?:over|here|there|up|down|off|on|back|"
    r"around|again))*\W*(?:please)?\W*$",
    re.I,
)
_ANSWERS_INSTEAD = re.compile(r"^\W*\w+\W+(?:it|that|there|this|they|he|she)(?:'s| is| was| were| are| had)\b", re.I)


def _taken_request(s: Sentence, text: str, replies: Sequence[Sentence]) -> tuple[Sentence, str, int] | None:
    """A "can/could/would you …?" request of someone not named, taken on by the next speaker: (their
    reply, the task words, where they start in `text`); None when nobody took it on or it asks for words."""
    opens = list(_REQUEST_OPEN.finditer(text))
    if not opens or _FACILITATION.search(text) or _REASSIGN.search(text):
        return None
    m = opens[-1]  # "would you mind, at the end, could you send…": the last one asks for the task
    rest = re.sub(r"^(?:if you (?:could|can)\s+)?", "", text[m.end() :], flags=re.I)
    if _ASKS_FOR_WORDS.match(rest) or len(content_words(rest)) < 2 or _ONLY_A_PRONOUN.match(rest):
        return None
    reply = next((r for r in replies if r.speaker and r.speaker != s.speaker), None)
    if reply is None or REFUSE.search(reply.text) or not _TAKES_IT.match(reply.text):
        return None
    if _ANSWERS_INSTEAD.match(reply.text) and not re.search(r"\bi(?:'ll| will| can)\b", reply.text, re.I):
        return None
    return reply, rest, m.end()


# What leads from a task to the two people named for it: "<task>, that is either Tom or Megan", "<task>: Laura or…".
_PAIR_LEAD_IN = re.compile(r"(?:,?\s*(?:that(?:'s| is)|which is|it's|it is|so))?\s*[:,;-]?\s*$", re.I)


def _pair_task(sentences: Sequence[Sentence], s: Sentence, before: str, rest: str) -> str:
    """What two people are offered for: the words before them when they name the task ("Moving the
    alerts out of the muted channel, Nadia or I can sort that out"), else the verb phrase, with what
    "it" points at ("Tom or I could audit it" after "Does the library make other calls like that?")."""
    rest = re.sub(r",?\s*(?:one of (?:you|them|us)|whoever.*|between (?:you|us|them).*)\W*$", "", rest, flags=re.I)
    before = _PAIR_LEAD_IN.sub("", before)
    if len(content_words(before)) >= 2:
        return before
    if re.match(r"^\s*\w+(?:\s+(?:up|out|off|over))?\s+(?:it|that|this)\b", rest, re.I) and s.index > 0:
        return f"{rest}: {tidy(sentences[s.index - 1].text)}"
    return rest


def _resolve_pair(
    sentences: Sequence[Sentence], offer: Sentence, people: list[str], assign_one: re.Pattern[str], task: str
) -> tuple[str, list[int]]:
    """One of the offered owners when the next turns name one; otherwise all of them. Close by, any
    assignment counts; further on, only one that names the task ("On the checklist: Tom, you take it")."""
    lowered = [p.lower() for p in people]
    task_words = set(content_words(task))
    for s in next_turns(sentences, offer.index, 12):
        near = s.turn - offer.turn <= 3
        said = s.text + " " + (sentences[s.index - 1].text if s.index and sentences[s.index - 1].turn == s.turn else "")
        if not near and not task_words & set(content_words(said)):
            continue
        m = assign_one.search(s.text)
        if m:
            name = (m.group("n") or m.group("m") or "").lower()
            match = next((p for p in people if p.split()[0].lower() == name), None)
            if match:
                return match, [s.index]
        if s.speaker and s.speaker.lower() in lowered and _SELF_ONE.search(s.text):
            return next(p for p in people if p.lower() == s.speaker.lower()), [s.index]
    return " and ".join(dict.fromkeys(people)), []
