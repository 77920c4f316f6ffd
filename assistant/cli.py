"""Command line. Headless commands never import the TUI; every error is one line and a non-zero exit."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant import __version__
from assistant.cli_args import (
    add_llm_options,
    add_meeting_options,
    add_model_options,
    add_speaker_options,
    add_storage_options,
    details_of,
    first_speaker,
    name_list,
    playback_speed,
    sessions_root,
    settings_of,
    speaker_mapping,
)
from assistant.cli_batch import add_batch_command
from assistant.cli_queries import add_query_commands
from assistant.errors import AssistantError, ConfigError, NoSpeechError
from assistant.memory import limit_heap_growth

Handler = Callable[[argparse.Namespace], int]


def _check_recording(path: Path) -> None:
    # Before the heavy imports (openai, faster-whisper): a broken file is reported in well under a second.
    from assistant.audio.decode import probe_file

    probe_file(path)


def cmd_process(args: argparse.Namespace) -> int:
    _check_recording(args.recording)
    from assistant.pipeline import SpeakerOptions
    from assistant.progress import ProgressBar
    from assistant.speakers.prompt import ask_speaker_names

    settings = settings_of(args)
    out_dir: Path = args.output or Path.cwd()
    given = args.speaker_names or {}
    speaker_options = SpeakerOptions(
        names=given,
        # Ask only a person at a terminal; scripts and pipes get anonymous S1, S2… (or --speaker-names).
        ask=ask_speaker_names if not given and sys.stdin.isatty() else None,
        notify=lambda line: print(f"assistant: {line}", file=sys.stderr),
    )
    from assistant.session.imports import process_into_session

    # --session: checked now (a taken name fails before transcribing), stored as the app's import stores one.
    result, session = process_into_session(
        args.recording, out_dir, details_of(args), settings, settings.storage.sessions_root, args.session,
        speaker_options, asr_progress=ProgressBar("transcribing").time, llm_progress=ProgressBar("extracting").count,
    )  # fmt: skip
    pm = result.postmortem
    print(f"Markdown: {result.outputs['markdown']}")
    print(f"JSON:     {result.outputs['json']}")
    if session is not None:
        print(f"Session:  {session.name}")
    if result.attribution_off is None:
        shown = [f"{s.label}={s.name}" if s.name else s.label for s in result.speaker_summaries]
        print(f"Speakers: {', '.join(shown) or 'none found'}")
    failed = pm.failed_windows
    if failed and len(failed) == len(pm.windows):
        reason = failed[0].error
        print(f"assistant: error: the LLM could not analyse the meeting ({reason})", file=sys.stderr)
        return 4
    if failed:
        warning = f"{len(failed)} of {len(pm.windows)} transcript windows could not be analysed"
        print(f"assistant: warning: {warning} (marked in the Markdown)", file=sys.stderr)
    return 0


def cmd_transcribe(args: argparse.Namespace) -> int:
    _check_recording(args.recording)
    from assistant.export.transcript import render_transcript
    from assistant.progress import ProgressBar
    from assistant.transcription.file import transcribe_file

    settings = settings_of(args)
    transcript = transcribe_file(args.recording, settings, list(args.attendees), ProgressBar("transcribing").time)
    if not transcript.segments:
        raise NoSpeechError(args.recording.name, consequence="the transcript is empty")
    if settings.speakers.enabled:  # off with --no-speakers
        from assistant.pipeline import SpeakerOptions, attributed_transcript

        options = SpeakerOptions(
            names=args.speaker_names or {}, notify=lambda line: print(f"assistant: {line}", file=sys.stderr)
        )
        transcript = attributed_transcript(args.recording, transcript, settings, options, args.attendees)
    text = render_transcript(transcript, args.format)
    if args.output:
        from assistant.export.atomic import atomic_write_text

        atomic_write_text(args.output, text)
        print(f"Transcript: {args.output}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from assistant.export.jsonexport import postmortem_schema

    print(json.dumps(postmortem_schema(), indent=2))
    return 0


def cmd_sessions(args: argparse.Namespace) -> int:
    from assistant.session.commands import run_sessions

    if args.json:
        from assistant.query_output import run_sessions_json

        return run_sessions_json(sessions_root(args))
    return run_sessions(sessions_root(args))


def cmd_export(args: argparse.Namespace) -> int:
    from assistant.session.commands import export_format, run_export

    fmt = export_format(args.format)
    settings = settings_of(args)
    return run_export(
        settings.storage.sessions_root, args.session, fmt, args.output,
        include_rejected=args.include_rejected, include_proposed=args.include_proposed, people=settings.people,
    )  # fmt: skip


def cmd_speakers(args: argparse.Namespace) -> int:
    from assistant.session.speakers import run_speakers

    return run_speakers(sessions_root(args), args.session, names=args.speaker_names, merges=args.merge)


def cmd_prepare(args: argparse.Namespace) -> int:
    from assistant.draft.prepare import run_prepare

    return run_prepare(sessions_root(args), args.session, args.draft)


def cmd_devices(args: argparse.Namespace) -> int:
    from assistant.audio.commands import cmd_devices as run

    return run(args)


def _tui() -> Any:
    # launch checks the arguments before it imports Textual (and says so if Textual is missing).
    from assistant.tui import launch

    return launch


def cmd_home(args: argparse.Namespace) -> int:
    code: int = _tui().run_home(settings_of(args))
    return code


def cmd_open(args: argparse.Namespace) -> int:
    code: int = _tui().run_open(settings_of(args), args.recording, args.session, details_of(args))
    return code


def cmd_record(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    details = details_of(args)
    if args.continue_session:  # the next session of a postmortem: same document, its recording continued
        from assistant.session.parts import start_next_part

        number = start_next_part(settings.storage.sessions_root, args.continue_session, args.meeting_date)
        print(f"assistant: recording session {number} of {args.continue_session}", file=sys.stderr)
        args.session = args.continue_session
    if args.call and args.from_file is not None:
        raise ConfigError("--call records the live microphone and system output; it cannot be used with --from-file")
    if args.system_device is not None and not args.call:
        raise ConfigError("--system-device needs --call")
    if not args.headless:
        if args.name_first_speaker:
            raise ConfigError("--name-first-speaker needs --headless (in the TUI, press n on a line to name its voice)")
        code: int = _tui().run_record(
            settings, details, session_name=args.session, device=args.device, from_file=args.from_file,
            no_llm=args.no_llm, call=args.call, system_device=args.system_device,
        )  # fmt: skip
        return code
    from assistant.live.headless import run_headless

    return run_headless(
        settings, details, session_name=args.session, device=args.device, from_file=args.from_file, no_llm=args.no_llm,
        speed=args.speed, name_first_speaker=args.name_first_speaker, call=args.call, system_device=args.system_device,
    )  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description="Offline postmortem meeting assistant.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("process", help="transcribe a recording and draft the postmortem (Markdown + JSON)")
    p.add_argument("recording", type=Path)
    p.add_argument("-o", "--output", type=Path, help="output folder (default: current folder)")
    p.add_argument("--session", help="also save the result as this new session (as the app's import does)")
    p.add_argument("--sessions-dir", type=Path, help="where sessions are stored (with --session)")
    add_meeting_options(p)
    add_speaker_options(p)
    add_model_options(p)
    add_llm_options(p)
    p.set_defaults(handler=cmd_process)

    p = sub.add_parser("transcribe", help="transcribe a recording")
    p.add_argument("recording", type=Path)
    p.add_argument("--format", choices=["txt", "srt", "vtt", "json"], default="txt")
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")
    p.add_argument("--attendees", type=name_list, default=[], help="names to pass to Whisper as hotwords")
    add_speaker_options(p)
    add_model_options(p)
    p.set_defaults(handler=cmd_transcribe)

    p = sub.add_parser("sessions", help="list saved sessions")
    p.add_argument("--json", action="store_true", help="versioned JSON (see README, JSON output)")
    add_storage_options(p)
    p.set_defaults(handler=cmd_sessions)

    p = sub.add_parser("export", help="export a saved session's postmortem or transcript")
    p.add_argument("session", help="session name (see `assistant sessions`)")
    p.add_argument(
        "--format",
        # Checked by assistant.session.commands.export_format (one error line, not argparse's usage screen);
        # listed here for --help, kept in sync with its EXPORT_FORMATS (not imported: startup stays light).
        metavar="{md,json,csv,txt,srt,vtt,jira,linear,github,github-json,obsidian}",
        default="md",
        help="md/json: the postmortem; csv: its action items; txt/srt/vtt: the transcript; jira/linear (CSV), "
        "github (gh script), github-json (API JSON lines), obsidian (note): accepted action items (default: md)",
    )
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")
    p.add_argument("--include-rejected", action="store_true", help="keep rejected items in md and csv")
    p.add_argument("--include-proposed", action="store_true",
                   help="tracker formats: export proposed action items too, not only accepted ones")  # fmt: skip
    add_storage_options(p)
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("prepare", help="bring the draft postmortem (template Markdown or JSON export) into a session")
    p.add_argument("session", help="session name (created when new; then record or process into it)")
    p.add_argument("--draft", type=Path, required=True, help="the draft: Markdown as `export` writes it, or JSON")
    add_storage_options(p)
    p.set_defaults(handler=cmd_prepare)

    p = sub.add_parser("speakers", help="list a session's speakers, or name / merge them (saved in the session)")
    p.add_argument("session", help="session name (see `assistant sessions`)")
    p.add_argument("--names", dest="speaker_names", type=speaker_mapping, help='e.g. "S1=Omar,S2=Lena"')
    p.add_argument("--merge", action="append", default=[], metavar="S3=S1", help="merge speaker S3 into S1")
    add_storage_options(p)
    p.set_defaults(handler=cmd_speakers)

    p = sub.add_parser("record", help="record a live meeting (TUI; --headless prints JSON lines)")
    p.add_argument("--headless", action="store_true", help="no TUI: JSON lines on stdout until Ctrl-C/SIGTERM")
    p.add_argument("--device", help="input device index or name (see `assistant devices`)")
    p.add_argument("--call", action="store_true", help="a video call: record the microphone and the system output")
    p.add_argument("--system-device", help="with --call: the call's audio (default: the default output's monitor)")
    p.add_argument("--session", help="session name (resumes it if it exists)")
    p.add_argument("--continue", dest="continue_session", metavar="SESSION",
                   help="record the next session of this postmortem (one document, both recordings)")  # fmt: skip
    p.add_argument("--from-file", type=Path, help="simulate the microphone with a recording played in real time")
    p.add_argument("--speed", type=playback_speed, default=1.0,
                   help="with --from-file --headless: play N times faster than real time (benchmarks)")  # fmt: skip
    p.add_argument("--no-llm", action="store_true", help="transcribe only; no extraction")
    p.add_argument("--no-speakers", action="store_true", help="no live speaker attribution")
    p.add_argument("--name-first-speaker", metavar="NAME", type=first_speaker,
                   help="with --headless: the voice of the first line (2 s or longer) is NAME; later lines in "
                   "that voice get the name (in the TUI, name voices by picking a line)")  # fmt: skip
    p.add_argument("--sessions-dir", type=Path, help="where sessions are stored")
    add_meeting_options(p)
    add_model_options(p)
    add_llm_options(p)
    p.set_defaults(handler=cmd_record)

    p = sub.add_parser("open", help="import a recording into a new session and review it, or reopen a session (TUI)")
    p.add_argument("recording", type=Path, nargs="?", help="a recording to transcribe and draft")
    p.add_argument("--session", help="name of the new session (with RECORDING) or the session to reopen")
    p.add_argument("--sessions-dir", type=Path, help="where sessions are stored")
    add_meeting_options(p)
    add_model_options(p)
    add_llm_options(p)
    p.set_defaults(handler=cmd_open)

    add_query_commands(sub)
    add_batch_command(sub)

    p = sub.add_parser("schema", help="print the JSON Schema of the postmortem JSON")
    p.set_defaults(handler=cmd_schema)

    p = sub.add_parser("devices", help="list the audio input devices (microphones) for live capture")
    p.set_defaults(handler=cmd_devices)
    return parser


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="assistant: %(levelname)s: %(message)s")
    logging.getLogger("faster_whisper").setLevel(logging.ERROR)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # SIGTERM ends us like Ctrl-C, so cleanup (stopping the LLM server, closing files) runs.
    signal.signal(signal.SIGTERM, _terminate)
    # Python leaves SIGINT ignored when it starts ignored, as for `assistant record --headless &` from
    # a script: `kill -INT` (a scripted Ctrl-C) must still end a recording cleanly.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    limit_heap_growth()  # before any model allocates: long meetings must not grow the process
    parser = build_parser()
    args = parser.parse_args(argv)
    # Bare `assistant` opens the home screen (recent sessions, new meeting, import).
    handler: Handler = getattr(args, "handler", None) or cmd_home
    try:
        return handler(args)
    except AssistantError as exc:
        print(f"assistant: error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("assistant: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: one line, never a traceback, unless asked for
        if os.environ.get("ASSISTANT_DEBUG"):
            raise
        print(f"assistant: error: unexpected {type(exc).__name__}: {' '.join(str(exc).split())[:200]} "
              "(set ASSISTANT_DEBUG=1 for details)", file=sys.stderr)  # fmt: skip
        return 1
