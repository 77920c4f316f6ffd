"""Secrets and privacy: the API key never shows up in output, files or error messages; sessions are
owner-only; with a remote LLM, secrets said in the meeting are redacted from what is sent."""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import json
import socket
import socketserver
import stat
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.config import Settings, load_settings
from assistant.domain.postmortem import MeetingDetails
from assistant.domain.transcript import Segment, Transcript
from assistant.export import write_outputs
from assistant.extraction.embedded import EMBEDDED_MODEL_NAME
from assistant.extraction.extractor import Extractor
from assistant.extraction.llm import LLMClient
from assistant.extraction.prompts import PromptLibrary
from assistant.extraction.windows import make_windows
from assistant.pipeline import draft_postmortem
from assistant.session import Session
from tests.support.bad_inputs import speech_clip, write_audio
from tests.support.cli import NO_CONFIG, ROOT, run_cli
from tests.support.guarantees import assert_evidence_checked, assert_windows_accounted
from tests.support.openai_proxy import OpenAIProxy

DEMO = ROOT / "fixtures" / "meetings" / "demo" / "meeting.flac"
KEY = "sk-test-SECRET0123456789abcdefXYZ"
URL_PASSWORD = "urlPASSWORD9876"

pytestmark = pytest.mark.timeout(900)


def local_address() -> str:
    """This machine's address on its outward interface (not loopback), or skip."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s, contextlib.suppress(OSError):
        s.connect(("192.0.2.123", 9))  # UDP connect sends nothing; it only picks the route
        addr = str(s.getsockname()[0])
        if not ipaddress.ip_address(addr).is_loopback and addr != "0.0.0.0":
            return addr
    pytest.skip("no non-loopback network interface to stand in for a remote LLM")


def leaks(folder: Path, *texts: str) -> list[str]:
    """Every place under `folder` (names and bytes) and in `texts` that holds the key or URL password."""
    found = []
    for secret in (KEY, URL_PASSWORD):
        found += [f"output holds {secret}" for t in texts if secret in t]
        for path in folder.rglob("*"):
            if secret in path.name or (path.is_file() and secret.encode() in path.read_bytes()):
                found.append(f"{path} holds {secret}")
    return found


WITH_KEY = {"OPENAI_API_KEY": KEY}
WINDOWS_ENGINE = {"ASSISTANT_LLM__ENGINE": "windows"}
"""The engine that sends the transcript itself to the LLM, window by window (and fails when it is down)."""


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clip") / "standup.flac"
    write_audio(path, speech_clip(DEMO, seconds=12.0), 16_000)
    return path


def test_settings_never_show_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("ASSISTANT_CONFIG", str(NO_CONFIG))
    settings = load_settings()
    assert settings.llm.api_key is not None and settings.llm.api_key.get_secret_value() == KEY
    for shown in (
        repr(settings),
        str(settings),
        repr(settings.llm),
        settings.model_dump_json(),
        str(settings.model_dump()),
    ):
        assert KEY not in shown


class _EchoAuthHandler(BaseHTTPRequestHandler):
    """A broken server that quotes the request's Authorization header in its error (some proxies do)."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        body = json.dumps({"error": {"message": f"upstream refused {self.headers.get('Authorization')}"}}).encode()
        self.send_response(500 if self.path.endswith("/completions") else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_an_error_that_quotes_the_key_is_scrubbed_before_it_is_stored_or_shown() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoAuthHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = LLMClient(
            base_url=f"http://127.0.0.1:{server.server_address[1]}/v1", model="m", api_key=KEY,
            mode="json_schema", transport_retries=0,
        )  # fmt: skip
        extractor = Extractor(client, PromptLibrary(None), 900, engine="windows")
        (window,) = make_windows([Segment(id=1, start=0.0, end=2.0, text="We rolled back.")], 900)
        _, status = extractor.extract_window(window, MeetingDetails())
    finally:
        server.shutdown()
        server.server_close()
    assert not status.ok and status.error is not None
    assert "upstream refused" in status.error  # the server's words are kept ...
    assert KEY not in status.error and "[REDACTED]" in status.error  # ... minus the key


@pytest.mark.slow
def test_process_against_an_unreachable_remote_llm_leaks_no_key(clip: Path, tmp_path: Path) -> None:
    host = local_address()
    out = tmp_path / "out"
    url = f"http://deploy:{URL_PASSWORD}@{host}:9/v1"  # nothing listens on port 9: refused at once
    proc = run_cli("process", str(clip), "-o", str(out), "--llm-url", url, "--llm-model", "gpt-test", "--no-speakers",
                   env=WITH_KEY | WINDOWS_ENGINE, timeout=600)  # fmt: skip
    assert proc.returncode == 4, proc.stderr
    assert "Traceback" not in proc.stderr and "cannot reach the LLM server" in proc.stderr
    assert (out / "standup.transcript.json").exists()  # the transcript is kept
    assert not leaks(out, proc.stdout, proc.stderr)


def _modes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): stat.S_IMODE(p.lstat().st_mode) for p in [folder, *folder.rglob("*")]}


@pytest.mark.slow
def test_headless_recording_with_a_remote_llm_down_is_private_and_leaks_no_key(clip: Path, tmp_path: Path) -> None:
    host = local_address()
    sessions = tmp_path / "sessions"
    proc = run_cli("record", "--headless", "--from-file", str(clip), "--session", "s1", "--sessions-dir", str(sessions),
                   "--llm-url", f"http://{host}:9/v1", "--llm-model", "gpt-test", "--no-speakers",
                   env=WITH_KEY | {"ASSISTANT_LLM__TIMEOUT_S": "5"}, timeout=600)  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr
    session = sessions / "s1"
    assert (session / "audio.wav").stat().st_size > 12 * 16_000 * 2 * 0.9
    assert not leaks(sessions, proc.stdout, proc.stderr)
    modes = _modes(session)
    assert (session / "exports").is_dir(), modes  # finalised even though the LLM never answered
    for name, mode in modes.items():
        is_dir = (session / name).is_dir()
        assert mode == (0o700 if is_dir else 0o600), (name, oct(mode))


class _Relay(socketserver.ThreadingTCPServer):
    """A TCP relay on a non-loopback address to a loopback port: the test's stand-in for a remote host."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str, target: tuple[str, int]) -> None:
        self.target = target
        super().__init__((host, 0), _RelayHandler)


class _RelayHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server = self.server
        assert isinstance(server, _Relay)
        with socket.create_connection(server.target) as upstream:

            def pump(src: socket.socket, dst: socket.socket) -> None:
                with contextlib.suppress(OSError):
                    while data := src.recv(65536):
                        dst.sendall(data)
                with contextlib.suppress(OSError):
                    dst.shutdown(socket.SHUT_WR)

            back = threading.Thread(target=pump, args=(upstream, self.request), daemon=True)
            back.start()
            pump(self.request, upstream)
            back.join(timeout=900)


@contextlib.contextmanager
def relay(host: str, base_url: str) -> Iterator[str]:
    port = int(base_url.split(":")[2].split("/")[0])
    server = _Relay(host, ("127.0.0.1", port))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://{host}:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


SAID = [
    (0.0, "Ana: OK, the leaked key was sk-test-SECRET0123456789abcdefXYZ in the deploy logs."),
    (5.0, "Ana: Ben will rotate the AWS key AKIAIOSFODNN7EXAMPLE by Friday."),
    (10.0, "Ben: Yes, I will rotate it by Friday and mail the details to security@example.com."),
    (15.0, "Ana: If anything breaks, page me on +44 20 7946 0958."),
]
SECRETS = ["sk-test-SECRET0123456789abcdefXYZ", "AKIAIOSFODNN7EXAMPLE", "security@example.com", "+44 20 7946 0958"]


@pytest.mark.slow
@pytest.mark.llm
def test_secrets_said_in_a_meeting_never_reach_a_remote_llm(
    embedded_server: str, settings: Settings, tmp_path: Path
) -> None:
    """Through the recording proxy in front of the real embedded model, reached on a non-loopback
    address with default settings (redact = auto): no secret in any request; the session on disk and
    the draft keep what was said."""
    host = local_address()
    details = MeetingDetails(attendees=["Ana", "Ben"], date=dt.date(2025, 4, 2))
    segments = [Segment(id=i, start=t, end=t + 4.5, text=text) for i, (t, text) in enumerate(SAID, 1)]
    with Session.create(tmp_path / "sessions", details, "m") as session:
        session.add_segments(segments)
        with OpenAIProxy(embedded_server) as proxy, relay(host, proxy.base_url) as remote_url:
            remote = settings.model_copy(
                update={"llm": settings.llm.model_copy(update={"base_url": remote_url, "model": EMBEDDED_MODEL_NAME,
                                                               "structured_output": "json_object",
                                                               "engine": "windows"})}
            )  # fmt: skip
            assert remote.llm.redact == "auto"
            pm = draft_postmortem(Transcript(segments=segments), details, remote)
        session.merge_proposals(pm)
        write_outputs(session.postmortem, session.path / "exports", "meeting", private=True)
        folder = session.path
    assert proxy.requests, "the model was never asked"
    sent = json.dumps(proxy.requests)
    for secret in SECRETS:
        assert secret not in sent, secret
    assert "[REDACTED_API_KEY_1]" in sent and "[REDACTED_EMAIL_1]" in sent and "[REDACTED_PHONE_1]" in sent
    assert_windows_accounted(pm)
    on_disk = (folder / "transcript.jsonl").read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret in on_disk, secret  # the record keeps what was said
    # The answer was mapped back: no placeholder in the draft, and quotes still match the transcript.
    draft = "\n".join(p.read_text(encoding="utf-8") for p in (folder / "exports").iterdir())
    assert "REDACTED" not in draft
    assert "REDACTED" not in pm.model_dump_json()
    # Whatever the model proposed, its evidence was checked against the real (unredacted) transcript.
    assert_evidence_checked(pm, segments)
