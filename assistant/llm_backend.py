"""Open the configured LLM: the embedded server (default, offline) or a remote OpenAI-compatible URL."""

from __future__ import annotations

from contextlib import ExitStack

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.extraction.embedded import EMBEDDED_MODEL_NAME, EmbeddedServer
from assistant.extraction.llm import LLMClient
from assistant.extraction.redact import redaction_enabled


def open_llm(settings: Settings, stack: ExitStack) -> LLMClient:
    """Return a client; an embedded server is registered on `stack` so it stops with it."""
    llm = settings.llm
    if llm.embedded:
        server = stack.enter_context(EmbeddedServer(llm, settings.storage.cache_dir))
        return LLMClient(
            base_url=server.base_url,
            model=EMBEDDED_MODEL_NAME,
            # llama_cpp.server 0.3.x only understands json_object + schema.
            mode="json_object" if llm.structured_output == "auto" else llm.structured_output,
            # A timed-out request keeps running in the single-slot local server: retrying it only queues
            # the same work again. One retry still covers a dropped connection.
            transport_retries=1,
            timeout_s=llm.request_timeout_s,
            reasks=llm.reasks,
            max_output_tokens=llm.max_output_tokens,
            temperature=llm.temperature,
            # The server is ours: if it dies mid-meeting, the next request restarts it.
            before_request=server.ensure_running,
            release=server.pause,
            redact=redaction_enabled(llm.redact, None, embedded=True),
        )
    if not llm.model:
        raise ConfigError("an LLM base URL is set but no model name: pass --llm-model (or llm.model in config)")
    assert llm.base_url is not None
    return LLMClient(
        base_url=llm.base_url,
        model=llm.model,
        api_key=llm.api_key.get_secret_value() if llm.api_key else "not-needed",
        mode=llm.structured_output,
        timeout_s=llm.request_timeout_s,
        reasks=llm.reasks,
        max_output_tokens=llm.max_output_tokens,
        temperature=llm.temperature,
        redact=redaction_enabled(llm.redact, llm.base_url, embedded=False),
    )
