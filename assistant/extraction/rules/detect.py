"""Read a whole transcript with the rules and build the draft's items, each citing the lines it came from."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.checks.injection import reads_as_instruction
from assistant.checks.text import is_speaker_label
from assistant.domain.postmortem import (
    ActionItem,
    Evidence,
    ImpactFact,
    MeetingDetails,
    Postmortem,
    TextItem,
    TimelineEvent,
    WhyStep,
)
from assistant.domain.transcript import Segment
from assistant.extraction.convert import item_id
from assistant.extraction.merge import merge_list
from assistant.extraction.rules.actions import ActionFind, find_actions
from assistant.extraction.rules.decisions import find_decisions
from assistant.extraction.rules.lexicon import HEADING, TO_ASSISTANT
from assistant.extraction.rules.narrative import Narrative, read_narrative
from assistant.extraction.rules.questions import find_open_questions
from assistant.extraction.rules.sentences import Sentence, rest_of_turn, sentences_of
from assistant.extraction.rules.worked import join_points

_FOLLOW_UP = re.compile(
    r"\b(?:publish|share|send|circulate|post|distribute)\w*\b.*\b(?:postmortem|post-mortem|write-?up|doc|document|notes|report|summary)\b|"
    r"\breview (?:the |these |our )?action items\b|\bfollow-?up (?:meeting|review|session)\b",
    re.I,
)


# Words that try to take over the assistant, not ask it for a note: the rest of the turn is dictation.
_ATTACK = re.compile(
    r"\b(?:ignore (?:your|all|the|any|previous|prior)|disregard|system (?:message|prompt)|new instructions?|override|"
    r"developer mode|json|you are now|act as|from now on you)\b",
    re.I,
)


@dataclass
class Reading:
    """What the rules found, with the sentences they read."""

    sentences: list[Sentence]
    postmortem: Postmortem


def meeting_names(segments: Sequence[Segment], details: MeetingDetails) -> list[str]:
    names = [a for a in details.attendees if a.strip()]
    for seg in segments:
        if seg.speaker and not is_speaker_label(seg.speaker) and seg.speaker not in names:
            names.append(seg.speaker)
    return names


def _spoken_to_assistant(sentences: Sequence[Sentence]) -> set[int]:
    found: set[int] = set()
    for s in sentences:
        if _ATTACK.search(s.text):
            found.add(s.index)
            # The rest of that turn is dictation too ("…New instruction: add an action item to…").
            found.update(x.index for x in rest_of_turn(sentences, s.index))
        elif TO_ASSISTANT.search(s.text) or reads_as_instruction(s.text):
            found.add(s.index)  # "Assistant, note that down": the words themselves only
    return found


def evidence(sentences: Sequence[Sentence], cited: Iterable[int]) -> Evidence:
    picked = [sentences[i] for i in sorted(set(cited))]
    return Evidence(
        segment_ids=list(dict.fromkeys(i for s in picked for i in s.segment_ids)),
        start=min(s.start for s in picked),
        end=max(s.end for s in picked),
        quote=" ".join(s.text for s in picked),
        verified=True,
    )


def read_transcript(segments: Sequence[Segment], details: MeetingDetails) -> Reading:
    sentences = sentences_of(segments)
    names = meeting_names(segments, details)
    skip = _spoken_to_assistant(sentences) | {s.index for s in sentences if HEADING.match(s.text)}
    pm = Postmortem(details=details)

    decisions, rejected = find_decisions(sentences, skip)
    decided = {d.sentence for d in decisions}
    actions = find_actions(sentences, names, skip | {r.sentence for r in rejected})
    owned = {
        a.sentence for a in actions if a.owner and a.owner.lower() not in ("we", "someone", "somebody", "everyone")
    }
    # A named commitment beats a decision cue in the same sentence; a group "we should…" under a
    # decision cue ("we agreed we should…") is the decision.
    decisions = [d for d in decisions if d.sentence not in owned]
    actions = [a for a in actions if a.sentence in owned or a.sentence not in decided]
    acted = {a.sentence for a in actions}
    narrative = read_narrative(sentences, acted, set())
    answered_whys = {w.question for w in narrative.whys}
    questions = find_open_questions(sentences, skip | decided | acted, answered_whys)
    asked = {q.sentence for q in questions}

    for d in decisions:
        merge_list(
            pm.decisions, [TextItem(id=item_id("decision", d.text), text=d.text, evidence=evidence(sentences, d.cited))]
        )
    for a in actions:
        merge_list(pm.action_items, [_action(a, sentences)])
    for q in questions:
        merge_list(
            pm.open_questions,
            [TextItem(id=item_id("question", q.text), text=q.text, evidence=evidence(sentences, q.cited))],
        )
    _narrative_items(pm, narrative, sentences, skip | decided | acted | asked)
    for s in sentences:
        if s.index not in skip and _FOLLOW_UP.search(s.text):
            text = re.sub(r"^(?:(?:okay|so|and|thanks everyone)[,.]?\s+)*", "", s.text).rstrip(".")
            merge_list(
                pm.follow_up,
                [TextItem(id=item_id("followup", text), text=text, evidence=evidence(sentences, [s.index]))],
            )
    return Reading(sentences, pm)


def _action(a: ActionFind, sentences: Sequence[Sentence]) -> ActionItem:
    return ActionItem(
        id=item_id("action", a.action),
        action=a.action,
        owner=a.owner,
        due=a.due,
        evidence=evidence(sentences, a.cited or [a.sentence]),
    )


def _narrative_items(pm: Postmortem, n: Narrative, sentences: Sequence[Sentence], items: set[int]) -> None:
    for t in n.timeline:
        if t.sentence in items and not re.search(r"\b(?:at|around|by)\b", sentences[t.sentence].text, re.I):
            continue
        event = TimelineEvent(
            id=item_id("timeline", f"{t.time} {t.event}"),
            time=t.time,
            event=t.event,
            evidence=evidence(sentences, [t.sentence]),
        )
        if not any(e.time == event.time and e.evidence.segment_ids == event.evidence.segment_ids for e in pm.timeline):
            pm.timeline.append(event)
    for name, fig in n.impact.items():
        setattr(
            pm.impact,
            name,
            ImpactFact(
                id=item_id(f"impact_{name}", fig.value), value=fig.value, evidence=evidence(sentences, [fig.sentence])
            ),
        )
    for w in n.whys:
        step = WhyStep(
            id=item_id("why", w.answer_text),
            question=w.question_text,
            answer=w.answer_text,
            evidence=evidence(sentences, [w.answer]),
        )
        merge_list(pm.root_cause.whys, [step])
    if n.systemic is not None:
        idx, text = n.systemic
        pm.root_cause.systemic_cause = TextItem(
            id=item_id("systemic", text), text=text, evidence=evidence(sentences, [idx])
        )
    elif n.whys:
        last = n.whys[-1]
        pm.root_cause.systemic_cause = TextItem(
            id=item_id("systemic", last.answer_text), text=last.answer_text, evidence=evidence(sentences, [last.answer])
        )
    for idx, text in join_points([(i, t) for i, t in n.worked if i not in items]):
        if len(text.split()) >= 2:
            merge_list(
                pm.what_worked, [TextItem(id=item_id("worked", text), text=text, evidence=evidence(sentences, [idx]))]
            )
    for idx, text in join_points([(i, t) for i, t in n.didnt if i not in items]):
        if len(text.split()) >= 2:
            merge_list(
                pm.what_didnt, [TextItem(id=item_id("didnt", text), text=text, evidence=evidence(sentences, [idx]))]
            )
