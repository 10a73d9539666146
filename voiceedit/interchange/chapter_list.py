"""The chapters as a video description lists them: one `00:00 Intro` line each.

YouTube (and most players reading a description) take a line starting with a time as a
chapter, and show chapters only when the first is at 00:00, there are at least three, and
each is at least 10 seconds long. We write the chapters as they are and never invent one:
a list that breaks a rule comes with one sentence saying which (`chapter_list_note`), so
the person adds the chapter at the start themselves ("go to the start", "add a chapter
called Intro here") rather than find an "Intro" they never made.

Times are cut to the whole second (a chapter never starts later than its moment), written
mm:ss, and h:mm:ss from an hour on.
"""

from __future__ import annotations

from collections.abc import Iterable

from voiceedit.timeline.marks import Mark, chapters_of

YOUTUBE_LEAST = 3  # chapters
YOUTUBE_SHORTEST = 10_000  # ms


def description_time(ms: int) -> str:
    """00:00, 01:05, 1:02:03."""
    seconds = ms // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes:02d}:{seconds:02d}"


def chapter_lines(marks: Iterable[Mark]) -> list[str]:
    return [f"{description_time(m.time)} {' '.join(m.name.split())}" for m in chapters_of(marks)]


def chapter_list_note(marks: Iterable[Mark], duration: int) -> str:
    """One sentence when the list won't show as chapters on YouTube; "" when it will."""
    chapters = chapters_of(marks)
    if not chapters:
        return "There are no chapters; say add a chapter called, then a name."
    if chapters[0].time >= 1000:
        return (f"YouTube needs the first chapter at 00:00; the first here is at "
                f"{description_time(chapters[0].time)}. Add a chapter at the start.")
    if len(chapters) < YOUTUBE_LEAST:
        return f"YouTube needs at least {YOUTUBE_LEAST} chapters; there are {len(chapters)}."
    ends = [c.time for c in chapters[1:]] + [duration]
    short = [n for n, (c, end) in enumerate(zip(chapters, ends, strict=True), start=1)
             if end - c.time < YOUTUBE_SHORTEST]
    if short:
        return (f"YouTube needs every chapter at least 10 seconds long; chapter {short[0]} "
                "is shorter.")
    return ""


def write_chapter_list(marks: Iterable[Mark]) -> str:
    lines = chapter_lines(marks)
    return "\n".join(lines) + "\n" if lines else ""
