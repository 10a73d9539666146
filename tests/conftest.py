"""Shared fixtures: the bundled sample, its known word timings, and an isolated cache.

Every test run gets its own voiceedit cache (transcripts, joined models), so "cached on the
second run" is tested honestly and nothing leaks between runs or into the user's cache.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def pytest_configure(config: pytest.Config) -> None:
    if "VOICEEDIT_TEST_CACHE" not in os.environ:
        os.environ["VOICEEDIT_TEST_CACHE"] = tempfile.mkdtemp(prefix="voiceedit-test-cache-")
    os.environ["VOICEEDIT_CACHE"] = os.environ["VOICEEDIT_TEST_CACHE"]
    # Nobody's own settings or grammar files: a fresh config folder for the whole run.
    os.environ["VOICEEDIT_CONFIG"] = tempfile.mkdtemp(prefix="voiceedit-test-config-")
    os.environ["VOICEEDIT_DATA"] = tempfile.mkdtemp(prefix="voiceedit-test-data-")
    os.environ["HF_HUB_OFFLINE"] = "1"  # a test must never reach for the network


@pytest.fixture(scope="session")
def sample_video() -> Path:
    return SAMPLES / "interview.mp4"


@pytest.fixture(scope="session")
def sample_truth() -> dict:
    """The sample's script with every word's true start and end (from Piper's alignments)."""
    return json.loads((SAMPLES / "interview.json").read_text())


@pytest.fixture(scope="session")
def sample_transcript(sample_video):
    """The sample transcribed once with tiny.en (the default) for the whole session."""
    from voiceedit.hear.transcribe import transcribe

    return transcribe(sample_video)


def run_voiceedit(*args: str, stdin: str | None = None, cwd: Path | None = None,
                  timeout: float = 300) -> subprocess.CompletedProcess:
    """The real CLI in a subprocess, as a user runs it (no terminal: plain output)."""
    return subprocess.run(
        [sys.executable, "-m", "voiceedit", *args],
        input=stdin, capture_output=True, text=True, cwd=cwd, timeout=timeout,
    )


@pytest.fixture
def voiceedit_cli():
    return run_voiceedit


# --- the browser editor (tests/web_server.py) -------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per test module."""
    from playwright.sync_api import sync_playwright
    from web_server import chromium_path

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def served(tmp_path, sample_video, sample_transcript):
    """`voiceedit serve` on a fresh project over the bundled interview."""
    from web_server import sample_project, serving

    with serving(sample_project(tmp_path, sample_video, sample_transcript)) as served:
        yield served


# --- pictures (tests/picture_media.py) ------------------------------------------------------


@pytest.fixture(scope="session")
def known_footage(tmp_path_factory) -> Path:
    """The generated footage whose every shot is known, made once a session."""
    from picture_media import make_picture_test

    return make_picture_test(tmp_path_factory.mktemp("picture") / "known.mp4")


@pytest.fixture(scope="session")
def known_picture(known_footage):
    """Its analysis, made once (not from the cache: the analysis itself is under test)."""
    from voiceedit.picture.analyse import analyse_picture

    return analyse_picture(known_footage, use_cache=False)


@pytest.fixture(scope="session")
def sample_picture(sample_video):
    """The bundled interview's picture: one shot whose burnt-in timecode keeps changing."""
    from voiceedit.picture.analyse import analyse_picture

    return analyse_picture(sample_video)
