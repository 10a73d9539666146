"""The files a command writes besides the project (`--speak-to`, `--play-to`) follow the
output policy every render and export follows (media/outputs.py): never one of the
project's own files or an input of this command, never an existing file without --force."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from voiceedit.core import Editor


def what_else(what: str) -> str:
    return "speech" if what == "playback" else "playback"


def check_written(path: Path | None, editor: Editor, inputs: Iterable[Path] = (),
                  force: bool = False, what: str = "speech",
                  also_written: Iterable[Path] = ()) -> None:
    if path is None:
        return
    from voiceedit.errors import VoiceEditError
    from voiceedit.media.outputs import check_output, same_file

    for given in inputs:
        if same_file(path, given):
            raise VoiceEditError(f"{path.name} is what I am reading commands from; I never "
                                 "write over it. Choose another name.")
    for other in also_written:
        if same_file(path, other):
            raise VoiceEditError(f"{path.name} is already where I write the {what_else(what)}; "
                                 "give each its own file.")
    own = [editor.path, *(source.path for source in editor.state.project.sources)]
    check_output(path, own, force, f"write {what}")
