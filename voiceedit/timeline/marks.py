"""Chapters and markers as they fall on the edited timeline, numbered as people say them.

A `Marker` (timeline/layers.py) is anchored in source time; here the layer is placed: each
item gets its timeline time, chapters and markers are numbered separately in timeline
order ("chapter two" is the second chapter that plays), and an item whose moment is cut
out is left out of the numbering and counted as hidden. Exports and renders read the same
placing as `Mark`s, a plain (time, name, kind) that shots and picture problems also become
(picture/marks.py), so every writer takes one shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from voiceedit.timeline.layers import Marker, timeline_time
from voiceedit.timeline.model import Timeline

KINDS = ("chapter", "marker", "shot", "problem")
# The colour each kind takes in editors that colour markers: OTIO's MarkerColor names that
# are also Avid's locator colours, so an EDL's `* LOC` line carries the same one (FCPXML
# has only chapter markers and plain markers).
COLOURS = {"chapter": "MAGENTA", "marker": "BLUE", "shot": "GREEN", "problem": "RED"}


@dataclass(frozen=True)
class Placed:
    """One layer item on the timeline: its number among its kind, its time, the item."""

    number: int
    time: int  # timeline ms
    marker: Marker


@dataclass(frozen=True)
class Placing:
    """The items of one kind that play, in timeline order, and how many are cut out."""

    shown: tuple[Placed, ...]
    hidden: int


def place(markers: Iterable[Marker], timeline: Timeline, kind: str) -> Placing:
    """The items of `kind` ("chapter" or "marker") placed on `timeline`, numbered from 1 in
    timeline order (ties keep the order they were added in)."""
    found: list[tuple[int, int, Marker]] = []
    hidden = 0
    for order, marker in enumerate(m for m in markers if m.kind == kind):
        time = timeline_time(marker.anchor, timeline)
        if time is None:
            hidden += 1
        else:
            found.append((time, order, marker))
    found.sort(key=lambda row: row[:2])
    return Placing(tuple(Placed(n, time, marker)
                         for n, (time, _, marker) in enumerate(found, start=1)), hidden)


def all_placed(markers: Iterable[Marker], timeline: Timeline) -> list[Placed]:
    """Chapters and markers together, in timeline order (chapters first at one time)."""
    markers = tuple(markers)
    both = [*place(markers, timeline, "chapter").shown, *place(markers, timeline, "marker").shown]
    return sorted(both, key=lambda p: (p.time, p.marker.kind != "chapter"))


@dataclass(frozen=True)
class Mark:
    """A named moment for exports: timeline ms, a name, a kind of KINDS, and a note (what a
    shot shows, what the problem is) and a length (a problem's span; 0 for a moment)."""

    time: int
    name: str
    kind: str
    note: str = ""
    duration: int = 0

    @property
    def colour(self) -> str:
        return COLOURS.get(self.kind, "BLUE")

    @property
    def label(self) -> str:
        """One line naming the kind too, for formats with only a name: "Chapter: Intro",
        "Shot 3: text 'CHAPTER TWO'", "Problem: black for 1.2 s, in shot 3"."""
        if self.kind == "chapter":
            text = f"Chapter: {self.name}"
        elif self.kind == "problem":
            text = f"{self.name} {self.note}"
        elif self.note:
            text = f"{self.name}: {self.note}"
        else:
            text = self.name
        return " ".join(text.split())


def layer_marks(markers: Iterable[Marker], timeline: Timeline) -> tuple[Mark, ...]:
    """The chapters and markers that play, as exports write them: a marker without a name
    is "Marker N"."""
    return tuple(Mark(p.time, p.marker.name or f"{p.marker.kind.capitalize()} {p.number}",
                      p.marker.kind) for p in all_placed(markers, timeline))


def chapters_of(marks: Iterable[Mark]) -> list[Mark]:
    return sorted((m for m in marks if m.kind == "chapter"), key=lambda m: m.time)


def chapter_spans(marks: Iterable[Mark], duration: int) -> list[tuple[int, int, str]]:
    """(start, end, name) of each chapter, each running to the next one (the last to the
    end); a chapter at or past the end, or at the same time as the next, is left out."""
    chapters = [m for m in chapters_of(marks) if m.time < duration]
    spans = []
    for number, chapter in enumerate(chapters):
        end = chapters[number + 1].time if number + 1 < len(chapters) else duration
        if end > chapter.time:
            spans.append((chapter.time, end, chapter.name))
    return spans
