"""Does the quoted evidence actually support the item? A cheap lexical test.

Small models sometimes attach a real, verbatim quote to an item it does not support (an action
item "notify the team" backed by "Tom, the timeline please"). An item that shares almost none of its
content words with the lines it cites is not traceable to what was said, so it is flagged like an
unfound quote. Paraphrases keep their key nouns and verbs, which is what this measures.
"""

from __future__ import annotations

from assistant.checks.text import tokens

_STOPWORD_TEXT = (
    "a an the and or but of to in on at by for with from as is are was were be been being it its this "
    "that these those we our us you your they their he she his her i me my will would should could can "
    "shall may might must do does did done have has had not no yes so then than there here what which who "
    "whom when where why how all any each every some more most other into about over after before again "
    "also just only very too up down out off get got make made let lets need needs going go "
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
MIN_WORDS = 3
MIN_SHARE = 0.25


def _stem(word: str) -> str:
    # Prefix match absorbs inflection (alerts/alerting, renewed/renewal) without a stemmer dependency.
    return word[:5]


def content_words(text: str) -> list[str]:
    return [w for w in tokens(text) if len(w) >= 3 and w not in STOPWORDS]


def supported(item_text: str, evidence_text: str) -> bool:
    words = content_words(item_text)
    if len(words) < MIN_WORDS:
        return True  # too short to judge; the quote check alone applies
    evidence = {_stem(w) for w in content_words(evidence_text)}
    share = sum(1 for w in words if _stem(w) in evidence) / len(words)
    return share >= MIN_SHARE
