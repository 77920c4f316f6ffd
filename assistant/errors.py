"""One error family whose message is safe to show the user as a single line."""


class AssistantError(Exception):
    """Base for every error the CLI turns into a one-line message and a non-zero exit."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        # Collapse newlines: the contract is one clear line on stderr.
        super().__init__(" ".join(message.split()))

    @property
    def message(self) -> str:
        return str(self.args[0])


class InputAudioError(AssistantError):
    """The recording cannot be read or holds no usable audio."""

    exit_code = 2


class NoSpeechError(InputAudioError):
    """The recording decodes but holds no speech: an empty draft would look like success."""

    def __init__(self, name: str, saved: str | None = None, consequence: str = "nothing to draft") -> None:
        tail = f" (transcript saved: {saved})" if saved else ""
        super().__init__(f"no speech found in {name} — {consequence}{tail}")


class ConfigError(AssistantError):
    """Bad configuration (flags, environment or TOML file)."""

    exit_code = 2


class ModelError(AssistantError):
    """A model (ASR or LLM weights) is missing, corrupt or cannot be loaded."""

    exit_code = 3


class LLMError(AssistantError):
    """The LLM backend failed or answered with something unusable."""

    exit_code = 4


class SessionError(AssistantError):
    """A session folder is missing, unreadable or cannot be written."""

    exit_code = 5


class AudioDeviceError(AssistantError):
    """No usable audio input: PortAudio is missing, there is no input device, or it refused to open."""

    exit_code = 6


class RecordingError(AssistantError):
    """The live recording cannot be written (disk full, read-only, permission) or repaired."""

    exit_code = 7
