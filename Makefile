# Two commands do everything: `make demo` and `make test` (each sets itself up first).
.PHONY: setup demo test lint bench clean

VENV := .venv
BIN := $(VENV)/bin

setup:
	./scripts/bootstrap.sh

demo: setup
	$(BIN)/assistant process fixtures/meetings/demo/meeting.flac -o out/demo \
		--attendees "$$(sed -n 's/^# attendees: //p' fixtures/meetings/demo/script.txt)" \
		--meeting-date "$$(sed -n 's/^# meeting_date: //p' fixtures/meetings/demo/script.txt)"
	@echo "Postmortem draft: out/demo/meeting.postmortem.md"

lint: setup
	$(BIN)/ruff check assistant tests bench
	$(BIN)/ruff format --check assistant tests bench
	$(BIN)/mypy

test: setup lint
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python -m bench.asr_overhead
	$(BIN)/python -m bench.extraction_eval

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
