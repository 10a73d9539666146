"""The output policy every writer of files follows (render, smart render, export).

Two promises: a write never replaces one of the project's own files (its sources, the
project file), and never replaces any other existing file unless forced. A file is written
under a new, unique temporary name beside the target (`.voiceedit-partial-XXXXXXXX.mp4`,
made by `mkstemp`, so it can never be a file that was already there), checked, flushed to
disk, and renamed over the target in one step; on any failure only that temporary file is
removed, so the target is either untouched or complete. Two writers to one target each
rename a complete file: the last rename wins.

A process that is killed cannot remove its temporary file. It holds a lock (`flock`) on the
file while it lives, and the kernel drops the lock when it dies; the next write into that
folder removes temporaries with our prefix that are unlocked and older than
`STALE_AFTER_S`, and nothing else.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from voiceedit.errors import VoiceEditError

TEMPORARY_PREFIX = ".voiceedit-partial-"
STALE_AFTER_S = 10 * 60
_TEMPORARY_NAME = re.compile(re.escape(TEMPORARY_PREFIX) + r"[a-z0-9_]{8}(\.[^/]*)?")


def check_output(path: Path, protected: Iterable[str | Path], force: bool, verb: str) -> None:
    """Refuse, in one sentence, to write `path` over a protected file (ever), into a missing
    or unwritable folder, over a folder, or over an existing file (unless `force`). `verb`
    says what the writer does ("render", "export")."""
    for own in protected:
        if same_file(path, Path(own)):
            raise VoiceEditError(f"{path.name} is one of the project's own files; I never "
                                 "write over it. Choose another name.")
    if not path.parent.is_dir():
        raise VoiceEditError(f"The folder {path.parent} doesn't exist.")
    if path.is_dir():
        raise VoiceEditError(f"{path.name} is a folder; give a file name to {verb} to.")
    if path.exists() and not force:
        raise VoiceEditError(f"{path.name} already exists; use --force to replace it.")
    if not os.access(path.parent, os.W_OK | os.X_OK):  # root passes; mkstemp tells it then
        raise cannot_write(path.parent, PermissionError(errno.EACCES, "Permission denied"))


def same_file(a: Path, b: Path) -> bool:
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def cannot_write(folder: Path, error: OSError) -> VoiceEditError:
    """The sentence for a folder we may not write in (read-only, immutable, not ours)."""
    if error.errno in (errno.EACCES, errno.EPERM):
        reason = "permission denied"
    else:
        reason = (error.strerror or "it failed").lower()
    return VoiceEditError(f"I can't write in the folder {folder}: {reason}. Nothing was written.")


@contextmanager
def temporary_beside(target: Path, directory: bool = False,
                     protected: Iterable[str | Path] = ()) -> Iterator[Path]:
    """A new file (or folder) with a unique name beside `target`, ending in its suffix so
    ffmpeg picks the same format, locked while we hold it and removed when we leave unless
    `publish` renamed it. Only what this call created is ever removed."""
    folder = target.parent
    remove_stale_temporaries(folder, protected)
    try:
        if directory:
            name = tempfile.mkdtemp(dir=folder, prefix=TEMPORARY_PREFIX)
            handle = os.open(name, os.O_RDONLY | os.O_DIRECTORY)
        else:
            handle, name = tempfile.mkstemp(dir=folder, prefix=TEMPORARY_PREFIX,
                                            suffix=target.suffix)
    except OSError as error:
        raise cannot_write(folder, error) from None
    temporary = Path(name)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        created = os.fstat(handle)
        yield temporary
    finally:
        try:
            if _is_inode(temporary, created):
                if directory:
                    shutil.rmtree(temporary, ignore_errors=True)
                else:
                    temporary.unlink()
        finally:
            os.close(handle)


def place_new(temporary: Path, target: Path) -> None:
    """Give `temporary` the name `target` unless something has that name (FileExistsError):
    a hard link never replaces. Where the file system has no hard links, a rename after a
    last look is the best there is."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError:
        if target.exists():
            raise FileExistsError(target) from None
        os.replace(temporary, target)
        return
    temporary.unlink()


def publish(temporary: Path, target: Path, replace: bool = True) -> None:
    """Flush `temporary` to disk and rename it over `target` in one step, so a reader sees
    the old file or the new one, never half of one. Not `replace`ing, a file that appeared
    at `target` since it was checked is left as it is (a link, which never replaces)."""
    with temporary.open("rb") as written:
        os.fchmod(written.fileno(), mode_for(target))
        os.fsync(written.fileno())
    try:
        if replace:
            os.replace(temporary, target)
        else:
            place_new(temporary, target)
    except FileExistsError:
        raise VoiceEditError(f"{target.name} appeared while I was writing it; I left it as "
                             "it is. Nothing was written.") from None
    except OSError as error:
        if error.errno in (errno.EACCES, errno.EPERM):
            raise VoiceEditError(f"I can't replace {target.name}: permission denied. Nothing "
                                 "was written.") from None
        raise cannot_write(target.parent, error) from None
    try:
        folder = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(folder)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename itself is done
    finally:
        os.close(folder)


def mode_for(target: Path) -> int:
    """The permissions the finished file gets: those of the file it replaces, else what the
    umask gives a new file (a temporary file is created private, 0600)."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def remove_stale_temporaries(folder: Path, protected: Iterable[str | Path] = ()) -> None:
    """Remove what killed writers left in `folder`: names `mkstemp` gave us, older than
    `STALE_AFTER_S`, and unlocked (their writer is gone); never a protected file."""
    keep = [Path(path) for path in protected]
    try:
        names = [name for name in os.listdir(folder) if _TEMPORARY_NAME.fullmatch(name)]
    except OSError:
        return
    for name in names:
        path = folder / name
        if any(same_file(path, own) for own in keep):
            continue
        try:
            handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            found = os.fstat(handle)
            kind_ok = stat.S_ISREG(found.st_mode) or stat.S_ISDIR(found.st_mode)
            if not kind_ok or time.time() - found.st_mtime < STALE_AFTER_S:
                continue
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # OSError: its writer lives
            if not _is_inode(path, found):
                continue
            if stat.S_ISDIR(found.st_mode):
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink()
        except OSError:
            continue
        finally:
            os.close(handle)


def _is_inode(path: Path, expected: os.stat_result) -> bool:
    try:
        found = os.lstat(path)
    except OSError:
        return False
    return (found.st_dev, found.st_ino) == (expected.st_dev, expected.st_ino)


def write_text_atomically(path: Path, text: str, protected: Iterable[str | Path] = (),
                          replace: bool = True) -> None:
    """Write `text` to a temporary file beside `path`, flush it to disk, then rename it."""
    with temporary_beside(path, protected=protected) as temporary:
        with temporary.open("w", encoding="utf-8", newline="") as file:
            file.write(text)
        publish(temporary, path, replace)
