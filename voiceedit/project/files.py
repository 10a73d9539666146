"""The project file: the single source of truth, saved atomically after every command.

The session's place (playhead, selection, verbosity, the last answer, a waiting question)
is saved too, so that `voiceedit do` in separate processes behaves like one session. A file
that is not valid JSON, is of a newer version, or holds what the code would wrongly trust
(a clip past its source's end, a history that no longer fits) gets one sentence and is
never overwritten.

Saving is atomic: write a temporary file in the same folder, fsync it, os.replace it over
the project, fsync the folder. A process killed at any moment leaves either the old or the
new project on disk, never a mix.

Every writer holds `project_lock` around its read-modify-write, so edits from several
processes or surfaces are applied one after the other and none is lost. The lock is the
kernel's (flock) on the project file itself, so a killed process never leaves a stale lock
and no other file is written beside the project.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import json
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from voiceedit.errors import VoiceEditError, reason
from voiceedit.media.outputs import mode_for, place_new
from voiceedit.project.encoding import FORMAT, VERSION, encode_project, project_from_json
from voiceedit.project.model import Project, Source
from voiceedit.timeline.history import check_history
from voiceedit.timeline.model import Clip, Timeline

STALE_TEMPORARY_S = 600  # a temporary project file this old was left by a killed process


def check_new_path(path: str | Path) -> Path:
    """Where a new project may go: not over an existing file, in a folder that exists."""
    file = Path(path)
    if file.exists():
        raise VoiceEditError(f"{file.name} already exists; choose another project name.")
    if not file.parent.is_dir():
        raise VoiceEditError(f"There is no folder {file.parent} to put {file.name} in.")
    return file


def create_project(path: str | Path, sources: list[Source],
                   timeline: Timeline | None = None) -> Project:
    """Save a new project over `sources`: its timeline is each source whole, in the order
    named (a file named twice is there twice, its media kept once), or `timeline` (an
    imported edit). Written once, and never over a project that appeared at `path`
    meanwhile."""
    file = check_new_path(path)
    if not sources:
        raise VoiceEditError("Name at least one media file for the project.")
    unique = {source.path: source for source in sources}
    project = Project.start(tuple(unique.values()))
    named = Timeline(tuple(Clip(s.path, 0, s.media.duration) for s in sources))
    project = replace(project, timeline=timeline if timeline is not None else named)
    save_project(file, project, new=True)
    return project


# --- reading and writing ---------------------------------------------------------------


Stamp = tuple[int, int, int]  # (inode, modified ns, size): which version of the file


def stamp_of(path: str | Path) -> Stamp | None:
    """Which version of the project file is on disk (a save replaces the inode)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


@contextlib.contextmanager
def project_lock(path: str | Path) -> Iterator[None]:
    """Hold the project for one read-modify-write. A save replaces the file, so after
    waiting for the lock we check that it is still the file at `path`, and try again on the
    new one if not. A missing project is not locked (loading it says so)."""
    file = Path(path)
    while True:
        try:
            handle = _open_for_lock(file)
        except OSError:
            yield
            return
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX)
            except OSError as error:
                raise VoiceEditError(f"I can't lock {file.name} to save it safely: "
                                     f"{reason(error)}. Nothing was changed.") from None
            held = os.fstat(handle)
            current = stamp_of(file)
            if current is not None and current[0] == held.st_ino:
                yield
                return
        finally:
            os.close(handle)  # closing releases the lock


def _open_for_lock(file: Path) -> int:
    """Read-write where we may (some network file systems lock only such handles), else
    read-only: a read-only project still opens, and saving then says why not."""
    try:
        return os.open(file, os.O_RDWR)
    except PermissionError:
        return os.open(file, os.O_RDONLY)


def load_project(path: str | Path) -> Project:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise VoiceEditError(
            f"There is no project called {file.name}. Make one with voiceedit new."
        ) from None
    except IsADirectoryError:
        raise VoiceEditError(f"{file.name} is a folder, not a project file.") from None
    except UnicodeDecodeError:
        raise _damaged(file) from None
    except OSError as error:
        raise VoiceEditError(f"I can't read the project {file.name}: "
                             f"{(error.strerror or 'an error').lower()}.") from None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):  # RecursionError: absurdly deep nesting
        raise _damaged(file) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _damaged(file)
    version = data.get("version")
    if isinstance(version, int) and version > VERSION:
        raise VoiceEditError(
            f"{file.name} was saved by a newer voiceedit (project format {version}); this one "
            f"reads up to format {VERSION}. I left it as it is."
        )
    try:
        project = project_from_json(data)
        check_project(project)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, OverflowError,
            RecursionError):
        raise _damaged(file) from None
    return project


def check_project(project: Project) -> None:
    """What a hand-edited file could get wrong and the code would trust: a clip past its
    source's end, a playhead or selection off the timeline, a history that does not fit."""
    durations = {source.path: source.media.duration for source in project.sources}
    for clip in project.timeline.clips:
        if clip.source_out > durations[clip.source]:
            raise ValueError(f"a clip of {clip.source} goes past its end")
    duration = project.timeline.duration
    if type(project.playhead) is not int or not 0 <= project.playhead <= duration:
        raise ValueError("the playhead is off the timeline")
    if project.selection is not None:
        start, end = project.selection
        if not 0 <= start < end <= duration:
            raise ValueError("the selection is off the timeline")
    check_history(project.history, project.timeline)


def _damaged(file: Path) -> VoiceEditError:
    return VoiceEditError(
        f"The project file {file.name} is damaged and can't be opened; I left it as it is."
    )


def save_project(path: str | Path, project: Project, new: bool = False) -> Stamp:
    """Write atomically, or raise a sentence and leave the old file exactly as it was.
    Returns the stamp of the file written: read from the file itself, not the path, since
    another process may replace the path as soon as ours is in place."""
    file = Path(path)
    folder = file.parent.resolve()
    payload = encode_project(project)
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{file.name}.", suffix=".tmp")
    except OSError as error:
        raise _cannot_save(file, folder, error) from None
    try:
        os.fchmod(handle, mode_for(file))  # not mkstemp's private 0600
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
            written = os.fstat(out.fileno())
        if new:
            place_new(Path(temporary), file)
        else:
            os.replace(temporary, file)
    except FileExistsError:
        Path(temporary).unlink(missing_ok=True)
        raise VoiceEditError(f"{file.name} already exists; choose another project name.") from None
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise _cannot_save(file, folder, error) from None
    _fsync_folder(folder)
    _remove_stale_temporaries(file)
    return written.st_ino, written.st_mtime_ns, written.st_size


def _remove_stale_temporaries(file: Path) -> None:
    """Temporary files left by a process killed while saving. Only old ones: a fresh one
    may belong to another process saving right now."""
    now = time.time()
    for leftover in file.parent.glob(f".{glob.escape(file.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime > STALE_TEMPORARY_S:
                leftover.unlink()


def _cannot_save(file: Path, folder: Path, error: OSError) -> VoiceEditError:
    reason = (error.strerror or "an error").lower()
    return VoiceEditError(
        f"I can't save {file.name} in the folder {folder.name}: {reason}. Nothing was changed."
    )


def _fsync_folder(folder: Path) -> None:
    # The rename is only durable once the folder entry is on disk.
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
