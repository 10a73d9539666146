# Two commands on a fresh machine: `make demo` and `make test`. Both set everything up first.
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock scripts/setup_system.sh
	bash scripts/setup_system.sh
	test -x $(PY) || python3 -m venv $(VENV)
	# torch first, pinned to the CPU build on disk, so nothing pulls a CUDA build.
	$(PIP) install torch==2.13.0
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps openai-whisper==20250625
	$(PIP) install --no-deps -e .
	touch $(STAMP)

demo: setup
	$(VENV)/bin/voiceedit demo

test: setup
	$(VENV)/bin/ruff check voiceedit tests bench samples
	$(VENV)/bin/pytest

lint: setup
	$(VENV)/bin/ruff check voiceedit tests bench samples

# Each prints its figures beside the alternative; bench/RESULTS.md has the latest.
bench: setup
	$(PY) bench/transcription.py
	$(PY) bench/editing.py
	$(PY) bench/matcher_speed.py
	$(PY) bench/commands.py
	$(PY) bench/live.py
	$(PY) bench/render.py

clean:
	rm -rf $(VENV) .pytest_cache
