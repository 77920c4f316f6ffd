"""The only module that imports faster-whisper."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assistant.audio.decode import SAMPLE_RATE, Audio
from assistant.config import AsrSettings
from assistant.domain.transcript import Segment, Transcript, Word
from assistant.errors import ModelError
from assistant.transcription.artefacts import drop_artefacts, is_artefact
from assistant.transcription.bundled import TINY_EN, bundled_model_dir, bundled_name
from assistant.transcription.protocol import ProgressFn


def resolve_model(name: str, cache_dir: Path, allow_download: bool = False) -> str:
    """Map the configured model to what WhisperModel accepts, preferring the bundled offline copies
    (`bundled:tiny.en`, `bundled:base`; the latter is assembled into `cache_dir` once).

    A faster-whisper name (`large-v3`) is looked up in the local Hugging Face cache only, unless
    `allow_download`: the assistant must never reach a model hub on its own (a meeting room may be
    offline, and a multi-GB download mid-meeting is no fallback)."""
    bundled = bundled_name(name)
    if bundled is not None:
        return str(bundled_model_dir(bundled, cache_dir))
    path = Path(name).expanduser()
    if path.exists() or "/" in name:
        if not path.is_dir():
            raise ModelError(f"ASR model folder {path} does not exist")
        if not (path / "model.bin").is_file():
            raise ModelError(f"ASR model folder {path} has no model.bin (not a CTranslate2 Whisper model)")
        check_memory(path / "model.bin")
        return str(path)
    if allow_download:
        return name
    from faster_whisper.utils import download_model

    try:
        # local_files_only: a cache lookup, no network.
        cached = Path(download_model(name, local_files_only=True))
    except Exception as exc:  # hub errors, unknown names: all mean "not available offline"
        raise ModelError(
            f"ASR model {name!r} is not available offline (not in the local model cache); use the bundled "
            "model (--asr-model bundled:tiny.en), a CTranslate2 folder, or set asr.allow_download = true"
        ) from exc
    check_memory(cached / "model.bin")
    return str(cached)


def check_language(model: str, language: str | None) -> str | None:
    """The language to decode in (None = detect), refusing what an English-only model cannot do."""
    lang = None if language in (None, "", "auto") else language.lower()
    english_only = model.endswith(".en") or bundled_name(model) == TINY_EN
    if english_only and lang not in (None, "en"):
        raise ModelError(
            f"ASR model {model!r} is English-only; for --language {lang} use a multilingual model "
            "(--asr-model bundled:base)"
        )
    if lang is not None and lang not in _known_languages():
        raise ModelError(f"unknown language {lang!r} for Whisper (use a code such as en, de, es, or auto)")
    return "en" if english_only else lang


def _known_languages() -> tuple[str, ...]:
    from faster_whisper.tokenizer import _LANGUAGE_CODES  # private, but it is the list the model knows

    return tuple(_LANGUAGE_CODES)


def available_memory() -> int | None:
    """Bytes of memory available to new allocations (Linux MemAvailable); None when unknown."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def check_memory(model_bin: Path, available: int | None = None) -> None:
    """Refuse a model whose weights alone exceed the free memory: loading it would end in the kernel's
    OOM killer (a silent kill -9), not an error message."""
    free = available if available is not None else available_memory()
    try:
        size = model_bin.stat().st_size
    except OSError:
        return
    if free is not None and size > free:
        gb = 1024**3
        raise ModelError(
            f"ASR model {model_bin.parent.name!r} needs about {size / gb:.1f} GB of memory but only "
            f"{free / gb:.1f} GB is available; use a smaller model (e.g. bundled:tiny.en)"
        )


def _device(requested: str) -> str:
    if requested != "auto":
        if requested == "cuda":
            import ctranslate2

            if ctranslate2.get_cuda_device_count() == 0:
                raise ModelError("CUDA requested for ASR but no CUDA device is available (use --asr-device cpu)")
        return requested
    import ctranslate2

    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


_SENTENCE_END = (".", "?", "!")


def _spoken(words: list[Word]) -> list[Word]:
    """`words` without Whisper's non-speech tags ("[BLANK_AUDIO]", "(music)")."""
    keep = drop_artefacts([w.text for w in words])
    return [w for w, k in zip(words, keep, strict=True) if k]


def ends_sentence(word: Word) -> bool:
    return word.text.strip().endswith(_SENTENCE_END)


def split_sentences(words: list[Word], max_words: int = 40) -> list[list[Word]]:
    """Split a Whisper segment (up to 30 s, often several speakers' turns) into sentence lines.

    Evidence then points at the sentence that was said, and speaker changes fall on line borders
    far more often. Very long run-ons are cut at `max_words` so no line becomes a paragraph.
    """
    out: list[list[Word]] = []
    current: list[Word] = []
    for word in words:
        current.append(word)
        if ends_sentence(word) or len(current) >= max_words:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return [s for s in out if "".join(w.text for w in s).strip()]


class WhisperTranscriber:
    """One recording's speech model. `model` overrides `settings.model` (imports use `settings.file_model`).

    With `language = "auto"` the language is detected on the first audio that has speech and then kept
    for the rest of the recording: Whisper's own per-call detection flips between languages on short
    or noisy pieces, which would split one meeting's transcript into several languages."""

    def __init__(self, settings: AsrSettings, cache_dir: Path, model: str | None = None) -> None:
        from faster_whisper import WhisperModel

        self.settings = settings
        self.model_name = model or settings.model
        self.language = check_language(self.model_name, settings.language)
        model_ref = resolve_model(self.model_name, cache_dir, settings.allow_download)
        self.device = _device(settings.device)
        compute = settings.compute_type
        if compute == "default":
            compute = "float16" if self.device == "cuda" else "int8"
        threads = settings.cpu_threads or (os.cpu_count() or 1)
        try:
            self.model = WhisperModel(model_ref, device=self.device, compute_type=compute, cpu_threads=threads)
        except Exception as exc:  # ctranslate2/hub raise many unrelated types; all mean "cannot load"
            reason = " ".join(str(exc).split())[:160]
            raise ModelError(f"cannot load ASR model {self.model_name!r} (corrupt or incompatible): {reason}") from exc

    def transcribe_kwargs(self, hotwords: Iterable[str]) -> dict[str, Any]:
        """The decoding options, shared with the streaming engine and the ASR overhead benchmark."""
        words = [w for w in dict.fromkeys([*hotwords, *self.settings.vocabulary]) if w.strip()]
        kwargs: dict[str, Any] = {
            "language": self.language,
            "beam_size": self.settings.beam_size,
            "vad_filter": self.settings.vad,
            "word_timestamps": True,
            # Conditioning on previous text makes tiny models loop and hallucinate in silence.
            "condition_on_previous_text": False,
        }
        if words:
            # Names and jargon go in the initial prompt only. faster-whisper's `hotwords` on top of it
            # (with word timestamps) made tiny.en loop ("David, David, …") on 1 of 4 fixture meetings;
            # the prompt alone measured WER 0.09-0.11 on them, no worse than no hints at all.
            kwargs["initial_prompt"] = "Incident postmortem meeting with " + ", ".join(words) + "."
        return kwargs

    def transcribe_words(
        self,
        audio: Audio,
        *,
        hotwords: Iterable[str] = (),
        prompt: str | None = None,
        beam_size: int | None = None,
        offset: float = 0.0,
    ) -> list[Word]:
        """Timed words of one streaming buffer; times are `offset` + seconds into the buffer.

        `prompt` (committed text that preceded the buffer) follows the names sentence in the
        initial prompt, so names stay hinted all meeting long. VAD is always on here: a live buffer is often
        all silence, and without VAD tiny models fill it with "Thank you." and the like.
        """
        kwargs = self.transcribe_kwargs(hotwords)
        kwargs["vad_filter"] = True
        if prompt:
            kwargs["initial_prompt"] = " ".join(p for p in (kwargs.get("initial_prompt"), prompt) if p)
        if beam_size is not None:
            kwargs["beam_size"] = beam_size
        segments, info = self.model.transcribe(audio, **kwargs)
        words = _spoken(
            [
                Word(start=w.start + offset, end=w.end + offset, text=w.word, probability=w.probability)
                for seg in segments
                for w in (seg.words or [])
            ]
        )
        if words:
            self._keep_language(info.language)
        return words

    def _keep_language(self, detected: str | None) -> None:
        if self.language is None and detected:
            self.language = detected

    def transcribe(
        self,
        audio: Audio,
        *,
        hotwords: Iterable[str] = (),
        first_id: int = 0,
        offset: float = 0.0,
        progress: ProgressFn | None = None,
    ) -> Transcript:
        duration = audio.size / SAMPLE_RATE
        segments_iter, info = self.model.transcribe(audio, **self.transcribe_kwargs(hotwords))
        segments: list[Segment] = []
        # transcribe() is lazy: the decoding happens while iterating.
        for seg in segments_iter:
            words = _spoken(
                [
                    Word(start=w.start + offset, end=w.end + offset, text=w.word, probability=w.probability)
                    for w in (seg.words or [])
                ]
            )
            for sentence in split_sentences(words):
                segments.append(
                    Segment(
                        id=first_id + len(segments),
                        start=sentence[0].start,
                        end=sentence[-1].end,
                        text="".join(w.text for w in sentence).strip(),
                        words=sentence,
                    )
                )
            if not seg.words and seg.text.strip() and not is_artefact(seg.text):
                segments.append(
                    Segment(id=first_id + len(segments), start=seg.start + offset, end=seg.end + offset,
                            text=seg.text.strip())
                )  # fmt: skip
            if progress:
                progress(min(seg.end, duration), duration)
        if progress:
            progress(duration, duration)
        if segments:
            self._keep_language(info.language)
        return Transcript(segments=segments, duration=duration, language=self.language or info.language or "en")
