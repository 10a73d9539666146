"""The timeline's shots and picture problems as marks for the exports (timeline/marks.py):
each shot a "Shot N" mark at its first frame, noted with what it shows; each problem a
"Problem: black" mark over its span. An editor opening the export sees where the picture
changes and what to look at, as a blind editor hears it."""

from __future__ import annotations

from collections.abc import Sequence

from voiceedit.picture.placed import PlacedShot
from voiceedit.spoken_time import print_time
from voiceedit.timeline.marks import Mark


def shot_marks(placed: Sequence[PlacedShot], problems: bool = True) -> tuple[Mark, ...]:
    """A mark per shot and, with `problems`, per problem, in timeline order."""
    marks: list[Mark] = []
    for number, one in enumerate(placed, start=1):
        shot = one.shot
        marks.append(Mark(shot.start, f"Shot {number}", "shot", shot.description))
        if problems:
            marks += [Mark(p.start, f"Problem: {p.flag}", "problem",
                           f"for {print_time(p.end - p.start)}, in shot {number}",
                           p.end - p.start) for p in shot.problems]
    return tuple(sorted(marks, key=lambda m: (m.time, m.kind != "shot")))
