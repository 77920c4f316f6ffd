"""Live meeting engine (headless): capture → durable recording → streaming ASR → scheduled extraction.

Threads only produce events; the one owner thread (the CLI main thread, or the TUI's UI thread)
applies them to the session through `LiveController`. No locks in the core.
"""
