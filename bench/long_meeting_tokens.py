"""`python -m bench.long_meeting --tokens M1,M2,...`: the exact LLM input of meetings of those lengths.

Nothing is generated: the fixture's transcript is tiled to each length, cut into windows the way the file
pipeline and the live scheduler cut them, and every prompt the real Extractor builds is counted with the
model's own tokenizer (bench/long_meeting.py's docstring says what the figures show).
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from bench.fixture_script import meeting_script

ROOT = Path(__file__).resolve().parents[1]


def token_budget(meeting: str, minutes_list: list[float], settings: Any) -> dict[str, Any]:
    """Exact LLM input tokens (real prompts, the model's tokenizer) for the fixture tiled to each length."""
    import llama_cpp

    from assistant.domain.postmortem import ActionItem, Evidence, MeetingDetails, Postmortem, TextItem
    from assistant.domain.transcript import Segment
    from assistant.extraction.extractor import Extractor, known_items
    from assistant.extraction.llm import LLMClient
    from assistant.extraction.prompts import PromptLibrary
    from assistant.extraction.weights import bundled_gguf
    from assistant.extraction.windows import Window, estimate_tokens, make_windows
    from assistant.live.scheduler import ExtractionScheduler
    from assistant.transcription.file import transcribe_file

    audio = ROOT / "fixtures" / "meetings" / meeting / "meeting.flac"
    attendees = meeting_script(meeting).attendees
    base = transcribe_file(audio, settings, attendees)
    vocab = llama_cpp.Llama(model_path=str(bundled_gguf(settings.storage.cache_dir)), vocab_only=True, verbose=False)
    extractor = Extractor(LLMClient(base_url="http://127.0.0.1:9/v1", model="x"), PromptLibrary(),
                          settings.llm.window_tokens)  # fmt: skip
    details = MeetingDetails(attendees=attendees)

    def count(window: Window, known: str = "") -> int:
        return sum(len(vocab.tokenize(m["content"].encode(), add_bos=False))
                   for m in extractor.messages(window, details, known))  # fmt: skip

    # A full list of known items (the live prompt shows at most 25): the worst case for the prompt.
    known_pm = Postmortem(
        decisions=[TextItem(id=f"d{i}", text=f"roll back the DNS change number {i} before the next deploy")
                   for i in range(10)],
        action_items=[ActionItem(id=f"a{i}", action=f"add a resolver health alert for cluster {i}", owner="David",
                                 due="Friday", evidence=Evidence(quote="x")) for i in range(15)],
    )  # fmt: skip
    known = known_items(known_pm)
    out: dict[str, Any] = {"meeting": meeting, "window_tokens_setting": settings.llm.window_tokens}
    for minutes in minutes_list:
        reps = int(minutes * 60 // base.duration) + 1
        segments: list[Segment] = []
        for r in range(reps):
            for seg in base.segments:
                start = seg.start + r * base.duration
                if start >= minutes * 60:
                    break
                segments.append(Segment(id=len(segments), start=start, end=seg.end + r * base.duration,
                                        text=seg.text))  # fmt: skip
        file_windows = make_windows(segments, settings.llm.window_tokens)
        file_tokens = [count(w) for w in file_windows]
        sched = ExtractionScheduler(max_tokens=settings.llm.window_tokens)
        sched.add(segments, 0.0)
        live_tokens: list[int] = []
        while sched.pending:
            window = Window(len(live_tokens), tuple(sched.take(reserve_tokens=estimate_tokens(known))), 0)
            live_tokens.append(count(window, known))
            sched.done(True, 0.0)
        out[f"{minutes:g}min"] = {
            "segments": len(segments),
            "file": {"windows": len(file_tokens), "total": sum(file_tokens), "per_window_max": max(file_tokens),
                     "per_window_mean": round(statistics.fmean(file_tokens)),
                     "per_minute": round(sum(file_tokens) / minutes)},
            "live_full_windows": {"windows": len(live_tokens), "total": sum(live_tokens),
                                  "per_window_max": max(live_tokens),
                                  "per_window_mean": round(statistics.fmean(live_tokens)),
                                  "per_minute": round(sum(live_tokens) / minutes)},
        }  # fmt: skip
        print(f"tokens {minutes:g} min: {json.dumps(out[f'{minutes:g}min'])}", flush=True)
    return out
