"""The command line's shared arguments: value types, option groups (meeting details, models, LLM,
speakers, storage) and what they become (Settings, MeetingDetails). Light: no model is imported here."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def playback_speed(value: str) -> float:
    try:
        speed = float(value)
    except ValueError:
        speed = 0.0
    if not 0 < speed <= 100:
        raise argparse.ArgumentTypeError(f"not a speed between 0 and 100: {value!r}")
    return speed


def language_code(value: str) -> str:
    """`auto` or a language code's shape (`de`, `haw`); the speech model checks that it knows it."""
    code = value.strip().lower()
    if code != "auto" and not (code.isascii() and code.isalpha() and 2 <= len(code) <= 3):
        raise argparse.ArgumentTypeError(f"not a language code (en, de, es, … or auto): {value!r}")
    return code


def name_list(value: str) -> list[str]:
    return [n.strip() for n in value.split(",") if n.strip()]


def speaker_mapping(value: str) -> dict[str, str]:
    from assistant.speakers.names import SpeakerNameError, parse_speaker_names

    try:
        return parse_speaker_names(value)
    except SpeakerNameError as exc:
        raise argparse.ArgumentTypeError(exc.message) from exc


def first_speaker(value: str) -> str:
    from assistant.speakers.names import clean_name

    name = clean_name(value)
    if not name:
        raise argparse.ArgumentTypeError("give a name")
    return name


def add_speaker_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("speakers (needs the `speakers` extra; see README)")
    g.add_argument(
        "--speaker-names",
        type=speaker_mapping,
        help='name the diarized voices, e.g. "S1=Omar,S2=Lena" (same name twice merges; default: ask when interactive)',
    )
    g.add_argument("--no-speakers", action="store_true", help="do not attribute lines to speakers")


def add_model_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("speech recognition")
    g.add_argument(
        "--asr-model",
        help="bundled:tiny.en or bundled:base (offline), a faster-whisper name or a folder "
        "(default: tiny.en live, asr.file_model for recordings)",
    )
    g.add_argument(
        "--language", type=language_code, help="spoken language: en (default), de, es, … or auto (detected once)"
    )
    g.add_argument("--asr-device", choices=["auto", "cpu", "cuda"])
    g.add_argument("--vocabulary", type=name_list, help="comma-separated service names and jargon (hotwords)")
    g.add_argument("--config", type=Path, help="TOML config file (default ~/.config/postmortem-assistant/config.toml)")


def add_llm_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("LLM (default: the embedded local model; nothing leaves the machine)")
    g.add_argument("--llm-url", help="OpenAI-compatible base URL (or OPENAI_BASE_URL)")
    g.add_argument("--llm-model", help="model name on that server")
    g.add_argument("--llm-api-key", help="API key (prefer OPENAI_API_KEY: command lines are visible to other users)")
    g.add_argument("--structured-output", choices=["auto", "json_schema", "json_object"])
    g.add_argument("--window-tokens", type=int, help="transcript tokens per extraction window")
    g.add_argument(
        "--redact",
        choices=["auto", "on", "off"],
        help="hide e-mails, keys/tokens and phone numbers from the LLM (default auto: on unless local)",
    )


def add_meeting_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("meeting details")
    g.add_argument("--attendees", type=name_list, default=[], help='comma-separated names, e.g. "Ana,Ben"')
    g.add_argument("--meeting-date", type=iso_date, help="YYYY-MM-DD; resolves 'Friday' into a date")
    g.add_argument("--facilitator")
    g.add_argument("--incident-id")
    g.add_argument("--severity")
    g.add_argument("--title")


def add_storage_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sessions-dir", type=Path, help="folder of sessions (default: settings storage.sessions_dir)")
    p.add_argument("--config", type=Path, help="TOML config file (as for `process`)")


def overrides(args: argparse.Namespace) -> dict[str, Any]:
    def get(name: str) -> Any:
        return getattr(args, name, None)

    return {
        "asr": {
            # One model named on the command line is the model for this job, live or imported.
            "model": get("asr_model"),
            "file_model": get("asr_model"),
            "device": get("asr_device"),
            "vocabulary": get("vocabulary"),
            "language": get("language"),
        },
        "llm": {
            "base_url": get("llm_url"),
            "model": get("llm_model"),
            "api_key": get("llm_api_key"),
            "structured_output": get("structured_output"),
            "window_tokens": get("window_tokens"),
            "redact": get("redact"),
        },
        "storage": {"sessions_dir": get("sessions_dir")},
        "speakers": {"enabled": False if get("no_speakers") else None},
    }


def settings_of(args: argparse.Namespace) -> Any:
    from assistant.config import load_settings

    return load_settings(getattr(args, "config", None), overrides(args))


def sessions_root(args: argparse.Namespace) -> Path:
    """The sessions folder the command's settings name (`--sessions-dir`, config, default)."""
    return Path(settings_of(args).storage.sessions_root)


def details_of(args: argparse.Namespace) -> Any:
    from assistant.domain.postmortem import MeetingDetails

    return MeetingDetails(
        title=args.title,
        date=args.meeting_date,
        facilitator=args.facilitator,
        attendees=args.attendees,
        incident_id=args.incident_id,
        severity=args.severity,
    )
