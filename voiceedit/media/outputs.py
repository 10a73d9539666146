"""The output policy every writer of files follows (render, smart render, export).

Two promises: a write never replaces one of the project's own files (its sources, the
project file), and never replaces any other existing file unless forced. Files are written
under a temporary name beside the target and renamed when complete, so a failure leaves
nothing half-written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from voiceedit.errors import VoiceEditError


def check_output(path: Path, protected: Iterable[str | Path], force: bool, verb: str) -> None:
    """Refuse, in one sentence, to write `path` over a protected file (ever), into a missing
    folder, over a folder, or over an existing file (unless `force`). `verb` says what the
    writer does ("render", "export")."""
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


def same_file(a: Path, b: Path) -> bool:
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def partial_path(output: Path) -> Path:
    """Where a render is written before it replaces `output`, so a failure leaves no half file."""
    return output.with_name(f".{output.stem}.partial{output.suffix}")


def write_text_atomically(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, flush it to disk, then rename it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
