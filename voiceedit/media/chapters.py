"""Chapters written into a rendered file, where players and `ffprobe -show_chapters` see them.

ffmpeg reads chapters from an FFMETADATA file given as one more input and mapped with
`-map_chapters`, in the same run that encodes (render.py) or joins (smart_render.py), so a
render with chapters costs no extra pass:

    ;FFMETADATA1
    [CHAPTER]
    TIMEBASE=1/1000
    START=0
    END=65000
    title=Intro

MP4, MOV, M4V, M4A and Matroska hold chapters; other outputs are rendered without them and
`chapters_note` says so in the answer.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from voiceedit.media.ffmpeg import media_url, run_ffmpeg
from voiceedit.media.outputs import temporary_beside
from voiceedit.media.plan import CONTAINER_SUFFIXES

Chapter = tuple[int, int, str]  # start ms, end ms, title (timeline/marks.py chapter_spans)


def holds_chapters(output: Path) -> bool:
    return Path(output).suffix.lower() in CONTAINER_SUFFIXES


def ffmetadata(chapters: Sequence[Chapter], total_ms: int) -> str:
    """The FFMETADATA text; the last chapter is cut to the rendered length `total_ms`
    (cuts snap to frames, so it may differ from the timeline's by a frame)."""
    lines = [";FFMETADATA1"]
    for start, end, title in chapters:
        end = min(end, total_ms)
        if end <= start:
            continue
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={start}", f"END={end}",
                  f"title={_escaped(title)}"]
    return "\n".join(lines) + "\n"


def _escaped(text: str) -> str:
    r"""FFMETADATA escapes `=`, `;`, `#`, `\` and line ends with a backslash."""
    return re.sub(r"([=;#\\\n])", r"\\\1", " ".join(text.split()))


def chapter_inputs(chapters: Sequence[Chapter], total_ms: int, output: Path,
                   work: Path) -> list[str]:
    """ffmpeg input arguments for the chapters (written to `work`), [] when there are none
    or `output` cannot hold them. Put them after every other input; `chapter_map` names
    this one's index."""
    if not chapters or not holds_chapters(output):
        return []
    listing = Path(work) / "chapters.ffmeta"
    listing.write_text(ffmetadata(chapters, total_ms), encoding="utf-8")
    return ["-f", "ffmetadata", "-i", media_url(listing)]


def chapter_map(inputs: list[str], index: int) -> list[str]:
    """The output arguments that take the chapters from input `index` (nothing if
    `chapter_inputs` gave none)."""
    return ["-map_chapters", str(index)] if inputs else []


def add_chapters(target: Path, chapters: Sequence[Chapter], total_ms: int, what: str,
                 protected: Iterable[str | Path] = ()) -> None:
    """Put chapters into an already rendered `target` by a stream copy (moviepy writes no
    chapters of its own); the copy replaces `target` only once complete. The work folder
    beside it is outputs.temporary_beside's, so a killed render's is cleaned up later
    (never touching `protected`)."""
    target = Path(target)
    with temporary_beside(target, directory=True, protected=protected) as work:
        inputs = chapter_inputs(chapters, total_ms, target, work)
        if not inputs:
            return
        copy = work / f"with-chapters{target.suffix}"
        run_ffmpeg(["-i", media_url(target), *inputs, "-map", "0", "-c", "copy",
                    *chapter_map(inputs, 1), "-y", media_url(copy)], 0, None, what)
        os.replace(copy, target)


def chapters_note(chapters: Sequence[Chapter], output: Path) -> str:
    """ " with 3 chapters", or " (.wav files hold no chapters)", or ""."""
    if not chapters:
        return ""
    if not holds_chapters(output):
        return f" ({Path(output).suffix.lower()} files hold no chapters)"
    count = len(chapters)
    return f" with {count} chapter{'s' if count != 1 else ''}"
