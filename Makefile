# Two commands on a fresh machine: `make demo` and `make test`. Both set everything up first.
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
STAMP := $(VENV)/.installed
LOCKS := requirements-torch.lock requirements.lock requirements-nodeps.lock

.PHONY: setup demo test lint bench screenshot clean

setup: $(STAMP)

$(STAMP): pyproject.toml $(LOCKS) scripts/setup_system.sh
	bash scripts/setup_system.sh
	test -x $(PY) || python3 -m venv $(VENV)
	# Every file pip installs must match a sha256 in a lock (requirements.lock's header says why
	# three). torch first, the CPU build on disk, so nothing pulls a CUDA build.
	$(PIP) install --require-hashes --no-deps -r requirements-torch.lock
	$(PIP) install --require-hashes -r requirements.lock
	$(PIP) install --require-hashes --no-deps --no-build-isolation -r requirements-nodeps.lock
	# voiceedit itself cannot be hashed; it builds with the hashed setuptools, fetching nothing.
	$(PIP) install --no-deps --no-build-isolation -e .
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
	$(PY) bench/startup.py
	$(PY) bench/reliability.py
	$(PY) bench/web.py

# The README's picture of the browser editor, taken by its test.
screenshot: setup
	VOICEEDIT_SCREENSHOT=1 $(VENV)/bin/pytest -q tests/test_web.py -k help_lists_every_key

clean:
	rm -rf $(VENV) .pytest_cache
