"""The one place that finds ffmpeg and ffprobe, and runs ffmpeg.

ffmpeg: the build pinned with imageio-ffmpeg first, then one on PATH. The pinned build is
newer than a distribution's, so every caller gets the same features (`-/filter_complex`,
`-display_rotation`) and the threaded pipeline that renders faster (docs/design.md,
"Rendering and interchange"); moviepy uses the same build. `IMAGEIO_FFMPEG_EXE` chooses
another. ffprobe comes only with a system package, so it is looked for on PATH.

Every failure becomes one plain sentence in a VoiceEditError. Every path goes to ffmpeg and
ffprobe as a `file:` URL (`media_url`), so a file named `-report` or `http://host/x` is never
read as an option or fetched from the network. On Linux every child asks the kernel to kill
it when its parent dies (`PR_SET_PDEATHSIG`), so a killed `voiceedit render` leaves no
ffmpeg writing on behind it.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from voiceedit.errors import VoiceEditError

# progress(done_ms, total_ms), called as a run advances.
Progress = Callable[[int, int], None]

NOT_INSTALLED = "{} is not installed. Run make setup, or apt-get install ffmpeg."
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def media_url(path: str | os.PathLike[str]) -> str:
    """`path` as ffmpeg's `file:` URL: never an option, never another protocol."""
    return "file:" + os.path.abspath(path)


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _kill_me_with_parent(parent: int) -> Callable[[], None] | None:
    """A `preexec_fn` for Linux: the child gets SIGKILL when the thread that started it ends.

    The signal is tied to the starting thread, not the process, so a child must be waited
    for on the thread that started it (run_ffmpeg does). If the parent is already gone by
    the time the child runs this, the child stops at once.
    """
    if not sys.platform.startswith("linux"):
        return None
    prctl = _libc().prctl  # looked up before the fork, not in the child

    def arrange() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:
            os._exit(1)

    return arrange


def start_child(command: list[str], **popen: object) -> subprocess.Popen:
    """Start a program that dies with this process (see `_kill_me_with_parent`)."""
    return subprocess.Popen(command, preexec_fn=_kill_me_with_parent(os.getpid()), **popen)


def run_child(command: list[str], timeout: float, what: str) -> subprocess.CompletedProcess:
    """Run a short program (ffprobe) to its end, text out, or say in one sentence that it
    took longer than `timeout` seconds, so a file that never ends cannot hang us."""
    with start_child(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                     stdin=subprocess.DEVNULL, text=True) as process:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise VoiceEditError(f"I gave up reading {what} after {timeout:g} seconds; it may "
                                 "not be a media file, or its disk is too slow.") from None
    return subprocess.CompletedProcess(command, process.returncode, out, err)


@lru_cache(maxsize=1)
def ffmpeg_path() -> str:
    """The ffmpeg to run: the pinned build, else the one on PATH."""
    try:
        import imageio_ffmpeg  # pulls in importlib.metadata: only when ffmpeg is wanted

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
    before (it was removed in 8). The script is ours, in a temporary folder."""
    if ffmpeg_major() >= 7:
        return ["-/filter_complex", os.path.abspath(script)]
    return ["-filter_complex_script", os.path.abspath(script)]


def run_ffmpeg(args: list[str], total_ms: int, progress: Progress | None, what: str) -> None:
    """Run ffmpeg with `-progress` on a pipe, report progress, and turn failure into a sentence."""
    command = [ffmpeg_path(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
               "-progress", "pipe:1", *args]
    with tempfile.TemporaryFile(mode="w+") as errors:
        with start_child(command, stdout=subprocess.PIPE, stderr=errors,
                         stdin=subprocess.DEVNULL, text=True) as process:
            try:
                for line in process.stdout:
                    key, _, value = line.strip().partition("=")
                    if progress and key == "out_time_us" and value.lstrip("-").isdigit():
                        progress(min(total_ms, max(0, int(value) // 1000)), total_ms)
            except BaseException:  # interrupted, or progress failed: ffmpeg stops with us
                process.kill()
                raise
            process.wait()
        errors.seek(0)
        message = errors.read().strip()
    if process.returncode != 0:
        reason = message.splitlines()[-1] if message else f"exit status {process.returncode}"
        raise VoiceEditError(f"ffmpeg could not render {what}: {reason.rstrip('.')}.")
    if progress:
        progress(total_ms, total_ms)
