"""Voiceprints: one mean CAM++ embedding per speaker, kept in memory for the life of a session.

They are biometric data: nothing here writes them to disk. A caller that offers keeping them across
meetings must ask for consent first and give a way to delete them (see README "Speakers").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import numpy.typing as npt

from assistant.speakers.names import SpeakerNames

Embedding = npt.NDArray[np.float32]

MIN_SIMILARITY = 0.35
"""Cosine similarity below which a voice stays anonymous instead of taking the nearest name.

A floor against noise and silence, not a measured separator: on the espeak fixtures
(bench/results/speakers.json) one voice in two meetings scores >= 0.97, different voices 0.72 on
average but two similar voices as much as 0.97 (CAM++ merges them). Live mode should calibrate it
(settings `speakers.min_similarity`)."""


def _unit(vector: npt.ArrayLike) -> Embedding:
    v = np.asarray(vector, dtype=np.float32).reshape(-1)
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v


def cosine(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    return float(np.dot(_unit(a), _unit(b)))


class Voiceprints:
    """Per-label running mean of unit-length embeddings (a centroid per speaker)."""

    def __init__(self, centroids: Mapping[str, npt.ArrayLike] | None = None) -> None:
        self._sums: dict[str, Embedding] = {}
        self._counts: dict[str, int] = {}
        for speaker, centroid in (centroids or {}).items():
            self.add(speaker, centroid)

    @property
    def labels(self) -> list[str]:
        return list(self._sums)

    def __contains__(self, speaker: object) -> bool:
        return speaker in self._sums

    def __len__(self) -> int:
        return len(self._sums)

    def add(self, speaker: str, embedding: npt.ArrayLike) -> None:
        """Fold one more embedding of `speaker` into its centroid."""
        unit = _unit(embedding)
        if speaker in self._sums:
            self._sums[speaker] = self._sums[speaker] + unit
            self._counts[speaker] += 1
        else:
            self._sums[speaker] = unit.copy()
            self._counts[speaker] = 1

    def centroid(self, speaker: str) -> Embedding:
        return _unit(self._sums[speaker])

    def merge(self, source: str, target: str) -> None:
        """`source` turned out to be `target`: one centroid from both (weighted by embeddings seen)."""
        if source not in self._sums or source == target:
            return
        total = self._sums.pop(source)
        count = self._counts.pop(source)
        if target in self._sums:
            self._sums[target] = self._sums[target] + total
            self._counts[target] += count
        else:
            self._sums[target], self._counts[target] = total, count

    def forget(self) -> None:
        """Drop every voiceprint (end of session, or the user asked)."""
        self._sums.clear()
        self._counts.clear()

    def nearest(self, embedding: npt.ArrayLike, among: Iterable[str] | None = None) -> tuple[str | None, float]:
        """The most similar speaker (of `among`, default all) and its cosine similarity."""
        candidates = [s for s in (self.labels if among is None else among) if s in self._sums]
        best: tuple[str | None, float] = (None, -1.0)
        for speaker in candidates:
            score = cosine(embedding, self._sums[speaker])
            if score > best[1]:
                best = (speaker, score)
        return best

    def nearest_named_voice(
        self, embedding: npt.ArrayLike, names: SpeakerNames, min_similarity: float = MIN_SIMILARITY
    ) -> str | None:
        """Live mode: the label of the named voice this embedding sounds like, or None.

        Only voices with a name compete (the facilitator named them by picking a line); an unnamed
        or too-dissimilar voice stays anonymous rather than borrowing a wrong name.
        """
        named = [s for s in self.labels if names.name_of(s)]
        speaker, score = self.nearest(embedding, named)
        return speaker if speaker is not None and score >= min_similarity else None


def carry_names(
    old: Voiceprints, old_names: SpeakerNames, new: Voiceprints, min_similarity: float = MIN_SIMILARITY
) -> dict[str, str]:
    """New label -> name, for re-diarizing a meeting whose voices were already named.

    Each named old voice goes to the most similar new speaker (greedy by similarity, one name per
    new speaker), so the final pass keeps the facilitator's naming.
    """
    pairs = []
    for old_label in old.labels:
        name = old_names.name_of(old_label)
        if not name:
            continue
        for new_label in new.labels:
            pairs.append((cosine(old.centroid(old_label), new.centroid(new_label)), old_label, new_label, name))
    result: dict[str, str] = {}
    used_old: set[str] = set()
    for score, old_label, new_label, name in sorted(pairs, reverse=True):
        if score < min_similarity or old_label in used_old or new_label in result:
            continue
        result[new_label] = name
        used_old.add(old_label)
    return result
