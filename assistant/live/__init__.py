"""Live meetings: capture → durable recording → streaming ASR → scheduled extraction → final pass → exports.

`meeting.Meeting` is the one orchestration, run by `record --headless` (`headless`) and by the app's
live screen alike; `models` opens the input and loads the models first. Threads only produce events;
the one owner thread (the CLI main thread, or the TUI's UI thread) applies them to the session through
the meeting's `LiveController`. No locks in the core.
"""
