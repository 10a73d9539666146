"""The browser editor as a user runs it, for the browser tests: `voiceedit serve` in a
subprocess on a free port, a project over the bundled sample, and the system Chromium."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Served:
    url: str  # the address serve printed, with its token
    project: Path
    process: subprocess.Popen

    @property
    def origin(self) -> str:
        return self.url.split("/?")[0]

    @property
    def token(self) -> str:
        return self.url.split("token=")[1]


def sample_project(folder: Path, video: Path, transcript) -> Path:
    """A project over the bundled interview, made without transcribing again."""
    from voiceedit.media.probe import probe
    from voiceedit.project import Source, create_project

    path = folder / "interview.voiceedit"
    create_project(path, [Source(probe(video), transcript)])
    return path


@contextmanager
def serving(project: Path, *args: str) -> Iterator[Served]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "voiceedit", "serve", str(project), "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        assert ready, "voiceedit serve printed no address within a minute"
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), (url, process.stderr.read())
        yield Served(url, project, process)
    finally:
        process.terminate()
        process.wait(timeout=10)


def chromium_path() -> str:
    path = shutil.which("chromium")
    assert path, "Debian's chromium is missing: scripts/setup_system.sh installs it"
    return path
