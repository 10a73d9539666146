"""The one place that finds ffmpeg and ffprobe, and runs ffmpeg.

ffmpeg: the build pinned with imageio-ffmpeg first, then one on PATH. The pinned build is
newer than a distribution's, so every caller gets the same features (`-/filter_complex`,
`-display_rotation`) and the threaded pipeline that renders faster (docs/design.md,
"Rendering and interchange"); moviepy uses the same build. `IMAGEIO_FFMPEG_EXE` chooses
another. ffprobe comes only with a system package, so it is looked for on PATH.

Every failure becomes one plain sentence in a VoiceEditError.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import imageio_ffmpeg

from voiceedit.errors import VoiceEditError

# progress(done_ms, total_ms), called as a run advances.
Progress = Callable[[int, int], None]

NOT_INSTALLED = "{} is not installed. Run make setup, or apt-get install ffmpeg."


@lru_cache(maxsize=1)
def ffmpeg_path() -> str:
    """The ffmpeg to run: the pinned build, else the one on PATH."""
    try:
        candidates = [imageio_ffmpeg.get_ffmpeg_exe()]
    except RuntimeError:
        candidates = []
    candidates.append(shutil.which("ffmpeg"))
    for path in candidates:
        if path and Path(path).is_file():
            return path
    raise VoiceEditError(NOT_INSTALLED.format("ffmpeg"))


@lru_cache(maxsize=1)
def ffprobe_path() -> str:
    path = shutil.which("ffprobe")
    if path is None:
        raise VoiceEditError(NOT_INSTALLED.format("ffprobe"))
    return path


@lru_cache(maxsize=1)
def ffmpeg_major() -> int:
    """The major version of `ffmpeg_path()` (0 when it does not say)."""
    version = subprocess.run([ffmpeg_path(), "-version"], capture_output=True, text=True)
    found = re.search(r"version n?(\d+)\.", version.stdout)
    return int(found.group(1)) if found else 0


def forget_paths() -> None:
    """Find the programs again on next use (after `IMAGEIO_FFMPEG_EXE` or PATH changed)."""
    for cached in (ffmpeg_path, ffprobe_path, ffmpeg_major):
        cached.cache_clear()


def filter_script_args(script: Path) -> list[str]:
    """Read the filter graph from a file: `-/filter_complex` since ffmpeg 7, the old option
    before (it was removed in 8)."""
    if ffmpeg_major() >= 7:
        return ["-/filter_complex", str(script)]
    return ["-filter_complex_script", str(script)]


def run_ffmpeg(args: list[str], total_ms: int, progress: Progress | None, what: str) -> None:
    """Run ffmpeg with `-progress` on a pipe, report progress, and turn failure into a sentence."""
    command = [ffmpeg_path(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
               "-progress", "pipe:1", *args]
    with tempfile.TemporaryFile(mode="w+") as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
        for line in process.stdout:
            key, _, value = line.strip().partition("=")
            if progress and key == "out_time_us" and value.lstrip("-").isdigit():
                progress(min(total_ms, max(0, int(value) // 1000)), total_ms)
        process.wait()
        errors.seek(0)
        message = errors.read().strip()
    if process.returncode != 0:
        reason = message.splitlines()[-1] if message else f"exit status {process.returncode}"
        raise VoiceEditError(f"ffmpeg could not render {what}: {reason.rstrip('.')}.")
    if progress:
        progress(total_ms, total_ms)
