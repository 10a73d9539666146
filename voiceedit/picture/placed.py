"""Shots as they fall on the edited timeline.

Each clip shows a range of one source, so a source's shots are cut to that range and moved
to where the clip sits: a shot an edit cut in two is two timeline shots, a removed part is
gone with its problems. Two clips that continue each other in the same source (nothing
removed between them) show one shot unbroken, so they make one timeline shot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from voiceedit.picture.shots import Picture, Problem, Shot, joined_seen, seen_text
from voiceedit.timeline.model import Timeline


@dataclass(frozen=True)
class PlacedShot:
    shot: Shot  # times on the timeline, problems cut to what the timeline keeps
    source: str  # the source's path
    number: int  # which shot of that source (Picture.shots index): the same on both
    #              sides of a cut means a jump cut
    source_start: int  # ms in the source where the timeline's part of the shot begins

    def to_json(self) -> dict:
        """The `voiceedit shots --json` entry, in timeline seconds."""
        shot = self.shot
        return {"start": shot.start / 1000, "end": shot.end / 1000, "text": shot.text,
                "faces": shot.faces, "face_positions": list(shot.face_positions),
                "flags": list(shot.flags), "description": shot.description,
                "source": self.source, "source_start": self.source_start / 1000}


def place_shots(timeline: Timeline, pictures: Mapping[str, Picture]) -> tuple[PlacedShot, ...]:
    """The timeline's shots in order. A clip whose source has no picture analysis (sound
    only, or added before shots were kept) shows no shots."""
    placed: list[PlacedShot] = []
    last_source, last_out = "", -1
    for index, clip in enumerate(timeline.clips):
        picture = pictures.get(clip.source)
        if picture is None or not picture.shots:
            last_source = ""
            continue
        offset = timeline.clip_start(index) - clip.source_in
        first = picture.shot_at(clip.source_in)
        continues = clip.source == last_source and clip.source_in == last_out
        for number in range(first, len(picture.shots)):
            part = picture.shots[number].within(clip.source_in, clip.source_out)
            if part is None:
                break
            here = PlacedShot(part.moved(offset), clip.source, number, part.start)
            if continues and number == first and placed[-1].number == number:
                here = _joined(placed.pop(), here)
            placed.append(here)
        last_source, last_out = clip.source, clip.source_out
    return tuple(placed)


def _joined(before: PlacedShot, after: PlacedShot) -> PlacedShot:
    """One shot from two pieces that meet on the timeline and in the source; a problem
    running across the join is one problem."""
    problems = list(before.shot.problems)
    for problem in after.shot.problems:
        touching = [k for k, p in enumerate(problems)
                    if p.flag == problem.flag and p.end == problem.start]
        if touching:
            problems[touching[0]] = Problem(problem.flag, problems[touching[0]].start,
                                            problem.end)
        else:
            problems.append(problem)
    seen = joined_seen(before.shot.seen, after.shot.seen)
    text = seen_text(seen) if seen else before.shot.text
    shot = replace(before.shot, end=after.shot.end, problems=tuple(problems), seen=seen,
                   text=text)
    return replace(before, shot=shot)
