"""The line detector with the real bundled MiniLM and the shipped weights (no fakes)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import ModelError
from assistant.extraction import detector as detector_module
from assistant.extraction.detector import KINDS, LineDetector, split_sentences
from assistant.extraction.linemodel import DIM, TOKENIZER_SHA256, MiniLMEncoder

SHIPPED = ("tokenizer.json", "detector.npz", "detector.json", "NOTICE.md")

DECISION = "We decided to go with the rubber case."
ACTION = "Can you send me the spec by Friday?"
QUESTION = "What about the battery?"
FILLER = "Mm-hmm."


@pytest.fixture(scope="module")
def detector() -> LineDetector:
    return LineDetector.load(threads=1)


def test_shipped_files_are_in_the_package() -> None:
    data = resources.files("assistant.extraction") / "data"
    for name in SHIPPED:
        assert (data / name).is_file(), name
    assert hashlib.sha256((data / "tokenizer.json").read_bytes()).hexdigest() == TOKENIZER_SHA256
    meta = json.loads((data / "detector.json").read_text())
    assert meta["kinds"] == list(KINDS)
    for kind in KINDS:
        assert 0.0 < meta["thresholds"][kind]["recall"] < 1.0
        assert 0.0 < meta["thresholds"][kind]["f1"] < 1.0


def test_import_needs_no_textual() -> None:
    code = (
        "import sys; sys.modules['textual'] = None\n"  # any `import textual` now raises
        "import assistant.extraction.detector, assistant.extraction.linemodel\n"
        "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules if sys.modules[m])\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_missing_weights_raise_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(detector_module, "data_dir", lambda: tmp_path)
    with pytest.raises(ModelError, match="weights missing"):
        LineDetector.load()


def test_encoder_rows_are_unit_vectors_and_batching_does_not_change_them(detector: LineDetector) -> None:
    encoder = detector.encoder
    assert isinstance(encoder, MiniLMEncoder) and encoder.threads == 1
    texts = [DECISION, FILLER, "", "word " * 400, ACTION]  # "word " * 400 is cut at 128 tokens
    batch = encoder.encode(texts)
    assert batch.shape == (len(texts), DIM) and batch.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-4)
    single = np.stack([encoder.encode([t])[0] for t in texts])
    np.testing.assert_allclose(batch, single, atol=1e-3)
    assert encoder.encode([]).shape == (0, DIM)


def test_orderings_on_hand_written_lines(detector: LineDetector) -> None:
    s = detector.score([DECISION, FILLER, ACTION, QUESTION])
    d, f, a, q = 0, 1, 2, 3
    assert s["decision"][d] > s["decision"][f]
    assert s["action"][a] > s["action"][f]
    assert s["action"][a] > s["action"][d]
    assert s["question"][q] > s["question"][f]
    assert s["question"][q] > s["question"][d]


def test_shapes_ranges_and_empty_input(detector: LineDetector) -> None:
    empty = detector.score([])
    assert set(empty) == set(KINDS) and all(v.shape == (0,) for v in empty.values())
    assert detector.candidates([]) == {k: [] for k in KINDS}
    texts = [FILLER, "", "   ", DECISION, "Okay. So we decided on the rubber case. Right?"]
    s = detector.score(texts)
    for kind in KINDS:
        assert s[kind].shape == (len(texts),)
        assert np.all((s[kind] >= 0.0) & (s[kind] <= 1.0))
    one = detector.score([DECISION])
    for kind in KINDS:  # a line's score does not depend on the other lines of the call
        assert one[kind][0] == pytest.approx(s[kind][3], abs=1e-3)


def test_candidates_apply_the_mode_thresholds(detector: LineDetector) -> None:
    texts = [DECISION, FILLER, ACTION, QUESTION, "Okay.", "Yeah, I think so."]
    s = detector.score(texts)
    for mode in ("recall", "f1"):
        got = detector.candidates(texts, mode=mode)
        for kind in KINDS:
            assert got[kind] == [i for i in range(len(texts)) if s[kind][i] >= detector.thresholds[kind][mode]]
    with pytest.raises(ValueError):
        detector.candidates(texts, mode="both")  # type: ignore[arg-type]


def test_a_long_line_scores_as_its_best_sentence(detector: LineDetector) -> None:
    line = "Okay. Um, right. " * 5 + DECISION
    assert split_sentences(line)[-1] == (len(line) - len(DECISION), len(line))
    s_line, s_alone = detector.score([line]), detector.score([DECISION])
    assert s_line["decision"][0] >= s_alone["decision"][0] - 1e-6
