"""Whisper's subtitle annotations are not speech; speech in brackets is."""

from __future__ import annotations

import pytest

from assistant.transcription.artefacts import drop_artefacts, is_artefact


@pytest.mark.parametrize(
    "text", ["[BLANK_AUDIO]", " [Music] ", "(music)", "(silence).", "*sighs*", "♪ ♪", "[ Silence ]"]
)
def test_annotations_are_artefacts(text: str) -> None:
    assert is_artefact(text)


@pytest.mark.parametrize("text", ["", "We decided.", "[Ben] said so", "(for example) the cache", "2*3*4"])
def test_speech_is_not(text: str) -> None:
    assert not is_artefact(text)


@pytest.mark.parametrize(
    ("words", "keep"),
    [
        ([" [BLANK", "_AUDIO]"], [False, False]),
        ([" (upbeat", " music)", " okay"], [False, False, True]),
        ([" hello", " *sighs*", " world."], [True, False, True]),
        # A bracket that does not close within a few words was said: kept whole.
        ([" (for", " example,", " the", " cache", " was", " cold)"], [True] * 6),
        ([" the", " (old", " one"], [True, True, True]),
    ],
)
def test_split_tags_are_dropped_whole(words: list[str], keep: list[bool]) -> None:
    assert drop_artefacts(words) == keep
