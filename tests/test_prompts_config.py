"""Prompt templates load from files with missing variables caught; settings layer correctly."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.config import Settings, load_settings
from assistant.errors import ConfigError
from assistant.extraction.llm import parse_answer, strict_schema
from assistant.extraction.prompts import PromptLibrary
from assistant.extraction.schema import WireExtraction


def test_prompt_missing_variable_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text("Hello $name, $missing")
    lib = PromptLibrary(tmp_path)
    with pytest.raises(ConfigError, match="missing"):
        lib.render("t.txt", name="x")
    assert lib.render("t.txt", name="x", missing="y") == "Hello x, y"


def test_bundled_prompts_render_and_example_is_schema_valid() -> None:
    lib = PromptLibrary()
    system = lib.render(
        "extract_system.txt",
        example_transcript=lib.raw("example_transcript.txt"),
        example_output=lib.raw("example_output.json"),
    )
    assert "$" not in system.replace("$5", "")
    parse_answer(lib.raw("example_output.json"), WireExtraction)


def test_strict_schema_requires_every_property() -> None:
    schema = strict_schema(WireExtraction)

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                assert node["additionalProperties"] is False
                assert set(node["required"]) == set(node["properties"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)


def test_parse_answer_tolerates_fences_and_control_characters() -> None:
    from assistant.extraction.schema import WireNote

    note = parse_answer('```json\n{"text": "a\tb", "quote": "q", "line": 3}\n```', WireNote)
    assert note.text == "a\tb" and note.line == 3


def test_settings_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[llm]\nbase_url = "http://toml:1/v1"\nmodel = "m-toml"\n[asr]\nbeam_size = 3\n')
    monkeypatch.setenv("OPENAI_BASE_URL", "http://openai-env:1/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    s = load_settings(cfg)
    assert s.llm.base_url == "http://toml:1/v1" and s.asr.beam_size == 3
    assert s.llm.api_key is not None and s.llm.api_key.get_secret_value() == "sk-env"
    monkeypatch.setenv("ASSISTANT_LLM__MODEL", "m-env")
    assert load_settings(cfg).llm.model == "m-env"
    s = load_settings(cfg, {"llm": {"model": "m-flag", "base_url": None}})
    assert s.llm.model == "m-flag" and s.llm.base_url == "http://toml:1/v1"
    assert "sk-env" not in repr(s)


def test_each_load_reads_its_own_file_and_nothing_stays_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_CONFIG", str(tmp_path / "none.toml"))
    files = []
    for beams in range(1, 9):
        files.append(tmp_path / f"{beams}.toml")
        files[-1].write_text(f"[asr]\nbeam_size = {beams}\n")
    # No state shared between loads: threads loading different files each get their own. The TOML source
    # used to be a module-level dict filled for the duration of a load: 12-174 of these 400 loads read
    # another thread's file with threads switching this often.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ThreadPoolExecutor(4) as pool:
            got = list(pool.map(lambda path: load_settings(path).asr.beam_size, files * 50))
    finally:
        sys.setswitchinterval(interval)
    assert got == [int(path.stem) for path in files * 50]
    assert load_settings().asr.beam_size == Settings().asr.beam_size == 5


def test_openai_key_alone_never_selects_a_remote_llm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    monkeypatch.setenv("ASSISTANT_CONFIG", str(tmp_path / "none.toml"))
    assert load_settings().llm.embedded


def test_bad_config_is_one_line_error(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("[llm\n")
    with pytest.raises(ConfigError, match="cannot read config"):
        load_settings(cfg)
    cfg.write_text('[asr]\nbeam_size = "many"\n')
    with pytest.raises(ConfigError, match=r"asr\.beam_size"):
        load_settings(cfg)
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.toml")
