"""The live status bar: recording state, elapsed vs planned time, input level, ASR lag, dropped audio."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from assistant.live.controller import LiveState
from assistant.tui.format import call_meters, clock, level_meter

LAG_SHOWN_S = 3.0
"""Below this the lag is normal streaming latency and not shown; `behind` always shows it."""


class LiveStatus(Horizontal):
    def compose(self) -> ComposeResult:
        yield Static(Text("◌ starting"), id="rec", markup=False)
        yield Static(Text("00:00"), id="elapsed", markup=False)
        yield Static(level_meter(-100.0), id="meter", markup=False)
        yield Static(Text(""), id="llm", markup=False)
        yield Static(Text(""), id="lag", markup=False)
        yield Static(Text(""), id="dropped", markup=False)

    def set_phase(self, label: str, style: str) -> None:
        self.query_one("#rec", Static).update(Text(label, style=style))

    def set_elapsed(self, elapsed_s: float, planned_min: int | None) -> None:
        text = Text(clock(elapsed_s))
        if planned_min:
            planned_s = planned_min * 60
            text.append(f" / {clock(planned_s)}", style="dim")
            if elapsed_s > planned_s:
                text.stylize("bold yellow")
        self.query_one("#elapsed", Static).update(text)

    def set_extracting(self, busy: bool) -> None:
        """Whether the LLM is reading a window now: a slow model is visible, not mistaken for a stuck one."""
        llm = self.query_one("#llm", Static)
        llm.display = busy
        llm.update(Text("◆ extracting", style="cyan"))

    def set_state(self, state: LiveState) -> None:
        if state.levels is None:
            meter = level_meter(state.level_dbfs)
        else:  # a call: both inputs, and which one has been silent for a minute
            meter = call_meters(state.levels, (state.silence.silent(0), state.silence.silent(1)))
        self.query_one("#meter", Static).update(meter)
        lag = self.query_one("#lag", Static)
        visible = state.behind or state.lag_s >= LAG_SHOWN_S
        lag.set_class(visible, "-visible")
        lag.set_class(state.behind, "-warning")
        lag.update(Text(f"⚠ transcript {state.lag_s:.0f} s behind" if visible else ""))
        dropped = self.query_one("#dropped", Static)
        dropped.set_class(state.dropped_s > 0, "-visible")
        dropped.update(Text(f"⚠ {state.dropped_s:.1f} s audio dropped" if state.dropped_s > 0 else ""))
