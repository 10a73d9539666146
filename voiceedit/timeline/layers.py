"""What lies over the clips without being a clip: chapters and markers, and, as they come,
speaker names, cutaways, audio descriptions and finishing settings.

Items are anchored in a source's own time (`Anchor`), not in timeline time, so a chapter
stays with its words when material before it is cut, and is hidden while its moment is cut
out (undo brings it back). The timeline time of an anchor is worked out when it is needed.

`Layers` holds one tuple per kind of item. A new kind is a field with `= ()` whose item
class has `to_json(sources)` and `from_json(data, sources)`; the project file stores every
non-empty field by name, so older files (without the field) still open. A change of the
layers is one undo step that holds the layers before and after it (timeline/history.py).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TypeVar, get_args, get_type_hints

from voiceedit.timeline.burned_captions import BurnedCaptions
from voiceedit.timeline.cutaways import Cutaway
from voiceedit.timeline.finishing import Description, LoudnessTarget
from voiceedit.timeline.model import Timeline
from voiceedit.timeline.speaker_names import SpeakerName

T = TypeVar("T")


@dataclass(frozen=True)
class Anchor:
    """A moment of one source: `time` ms into the file at `source`."""

    source: str
    time: int

    def to_json(self, sources: tuple[str, ...]) -> list[int]:
        return [sources.index(self.source), self.time]

    @classmethod
    def from_json(cls, data: object, sources: tuple[str, ...]) -> Anchor:
        if (not isinstance(data, list) or len(data) != 2
                or any(type(v) is not int for v in data)):
            raise ValueError(f"an anchor must be [source, ms], not {data!r:.40}")
        number, time = data
        if not 0 <= number < len(sources) or time < 0:
            raise ValueError(f"no place {data!r:.40} in the sources")
        return cls(sources[number], time)


def timeline_time(anchor: Anchor, timeline: Timeline) -> int | None:
    """Where the anchored moment plays on the timeline (its first appearance), or None while
    it is cut out. An anchor at a clip's very end counts as that clip's end, so a marker
    placed at the end of the edit stays there."""
    for index, clip in enumerate(timeline.clips):
        if clip.source == anchor.source and clip.source_in <= anchor.time <= clip.source_out:
            return timeline.clip_start(index) + anchor.time - clip.source_in
    return None


def anchor_at(timeline: Timeline, time: int) -> Anchor:
    """The source moment playing at timeline `time` (the end of the last clip for the
    timeline's end). IndexError on an empty timeline."""
    index = timeline.clip_index_at(time)
    clip = timeline.clips[index]
    offset = min(max(0, time - timeline.clip_start(index)), clip.duration)
    return Anchor(clip.source, clip.source_in + offset)


@dataclass(frozen=True)
class Marker:
    """A named moment: a chapter (`kind="chapter"`, exported as a chapter) or a marker."""

    anchor: Anchor
    name: str = ""
    kind: str = "marker"  # "marker" | "chapter"

    def to_json(self, sources: tuple[str, ...]) -> dict:
        return {"at": self.anchor.to_json(sources), "name": self.name, "kind": self.kind}

    @classmethod
    def from_json(cls, data: object, sources: tuple[str, ...]) -> Marker:
        if not isinstance(data, dict) or data.get("kind") not in ("marker", "chapter") \
                or not isinstance(data.get("name", ""), str):
            raise ValueError(f"a marker is malformed: {data!r:.40}")
        return cls(Anchor.from_json(data.get("at"), sources), data.get("name", ""), data["kind"])


@dataclass(frozen=True)
class Layers:
    markers: tuple[Marker, ...] = ()
    loudness: tuple[LoudnessTarget, ...] = ()  # none or one: the render's target
    descriptions: tuple[Description, ...] = ()
    cutaways: tuple[Cutaway, ...] = ()  # timeline/cutaways.py
    burned_captions: tuple[BurnedCaptions, ...] = ()  # timeline/burned_captions.py
    speakers: tuple[SpeakerName, ...] = ()  # names of the speakers hear/diarize.py found

    def to_json(self, sources: tuple[str, ...]) -> dict:
        return {f.name: [item.to_json(sources) for item in getattr(self, f.name)]
                for f in fields(self) if getattr(self, f.name)}

    @classmethod
    def from_json(cls, data: object, sources: tuple[str, ...]) -> Layers:
        """The layers a project file stored; ValueError for an unknown kind or a bad item."""
        if not isinstance(data, dict):
            raise ValueError("the layers must be an object")
        kinds = _item_types()
        unknown = set(data) - set(kinds)
        if unknown:
            raise ValueError(f"unknown layer {sorted(unknown)[0]!r:.40}")
        values = {}
        for name, rows in data.items():
            if not isinstance(rows, list):
                raise ValueError(f"the layer {name} must be a list")
            values[name] = tuple(kinds[name].from_json(row, sources) for row in rows)
        return cls(**values)


def _item_types() -> dict[str, type]:
    """Each field's item class, from its `tuple[Item, ...]` annotation."""
    hints = get_type_hints(Layers)
    return {f.name: get_args(hints[f.name])[0] for f in fields(Layers)}


def replaced(items: tuple[T, ...], old: T, new: T | None = None) -> tuple[T, ...]:
    """`items` with `old` (found by identity: equal items may stand apart) replaced by
    `new`, or left out without one."""
    index = next(i for i, item in enumerate(items) if item is old)
    return items[:index] + ((new,) if new is not None else ()) + items[index + 1:]
