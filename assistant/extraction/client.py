"""What extraction needs from an LLM client, as a protocol.

`LLMClient` (extraction/llm.py, the only module that imports openai) is the real one, for the embedded
server and any OpenAI-compatible URL; a test passes a fake that answers from canned JSON and runs the
file pipeline or a live meeting end to end without a server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

from pydantic import BaseModel

if TYPE_CHECKING:
    from assistant.extraction.llm import Usage

M = TypeVar("M", bound=BaseModel)


class ChatClient(Protocol):
    @property
    def usage(self) -> Usage:
        """Tokens and calls so far (shared by the clients `with_transport_retries` makes)."""

    @property
    def redact(self) -> bool:
        """Whether callers hide secrets from this server (see extraction/redact.py)."""

    @property
    def api_key(self) -> str:
        """Scrubbed from error messages."""

    def complete(self, messages: list[dict[str, str]], model: type[M], name: str = "answer") -> M:
        """An answer of type `model`; raises LLMError (LLMUnavailable when the server cannot answer now)."""

    def with_transport_retries(self, retries: int) -> ChatClient:
        """The same server with other transport-level retries (live mode retries visibly itself)."""

    def release_idle(self) -> None:
        """No request is expected for a while: a local server may free its memory."""
