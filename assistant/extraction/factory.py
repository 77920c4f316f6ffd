"""The one place an `Extractor` is built from the settings: prompts folder, window size, LLM."""

from __future__ import annotations

from contextlib import ExitStack

from assistant.config import Settings
from assistant.extraction.client import ChatClient
from assistant.extraction.extractor import Extractor, Focus
from assistant.extraction.prompts import PromptLibrary
from assistant.llm_backend import open_llm


def make_extractor(client: ChatClient, settings: Settings, focus: Focus = "full") -> Extractor:
    """An extractor over `client` with the configured prompts (`storage.prompts_dir`, else the packaged
    ones), engine (`llm.engine`) and window size (`llm.window_tokens`)."""
    prompts = PromptLibrary(settings.storage.prompts_dir)
    return Extractor(client, prompts, settings.llm.window_tokens, focus, settings.llm.engine)


def open_extractor(settings: Settings, stack: ExitStack, focus: Focus = "full") -> Extractor:
    """`make_extractor` over the configured LLM; an embedded server is registered on `stack` (it stops
    when the stack closes)."""
    return make_extractor(open_llm(settings, stack), settings, focus)
