"""A source's picture in words: its shots, each with what is on screen and what is wrong.

Plain frozen dataclasses, times in integer milliseconds of the source (like transcripts),
so a shot maps through the timeline's clips exactly. Problems keep their own span inside
the shot, not only a flag: a frozen second at a shot's end is gone once that end is cut,
and "next problem" (spoken) needs a place to go to. On-screen text does the same: each
frame read leaves a `Seen` span (the time nearest that frame), so a piece of a shot kept on
the timeline carries only the text read inside what it keeps.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

# The fixed vocabulary of problems, in the order they are read out.
FLAGS = ("black", "dark", "bright", "blurry", "shaky", "frozen")
POSITIONS = ("left", "centre", "right")


@dataclass(frozen=True)
class Problem:
    flag: str  # one of FLAGS
    start: int  # ms
    end: int  # ms, exclusive

    def __post_init__(self) -> None:
        if self.flag not in FLAGS:
            raise ValueError(f"unknown picture problem {self.flag!r}")


@dataclass(frozen=True)
class Seen:
    """Text read on one frame, standing for the span of the shot nearest that frame."""

    start: int  # ms
    end: int  # ms, exclusive
    text: str  # lines joined by " / "


def seen_text(seen: tuple[Seen, ...]) -> str:
    """Every line of the spans, each once, in order: a shot's `text`."""
    lines: list[str] = []
    for span in seen:
        lines += [line for line in span.text.split(" / ") if line and line not in lines]
    return " / ".join(lines)


def joined_seen(first: tuple[Seen, ...], then: tuple[Seen, ...]) -> tuple[Seen, ...]:
    """Two runs of spans one after the other; the same text across the join is one span."""
    spans = list(first)
    for span in then:
        if spans and spans[-1].text == span.text and spans[-1].end == span.start:
            spans[-1] = Seen(spans[-1].start, span.end, span.text)
        else:
            spans.append(span)
    return tuple(spans)


@dataclass(frozen=True)
class Shot:
    start: int  # ms, the time of the shot's first frame
    end: int  # ms, exclusive: the next shot's first frame, or the end of the media
    text: str = ""  # on-screen text read by OCR, lines joined by " / "
    faces: int = 0
    face_positions: tuple[str, ...] = ()  # one of POSITIONS per face, left to right
    looks: tuple[str, ...] = ()  # brightness and colour in words: "dark", "mostly white"
    motion: str = ""  # "still", "pans left", "handheld", ...
    problems: tuple[Problem, ...] = ()
    # Where each text was read; () for an analysis made before they were kept (version 1):
    # then `text` stands for the whole shot.
    seen: tuple[Seen, ...] = ()

    @property
    def flags(self) -> tuple[str, ...]:
        """The problems' flags, each once, in FLAGS order."""
        found = {p.flag for p in self.problems}
        return tuple(flag for flag in FLAGS if flag in found)

    @property
    def description(self) -> str:
        """What the shot shows, briefest first: "text 'CHAPTER TWO'; 1 face, centre; dark;
        blurry". A flag already said as a look ("dark") is not said twice."""
        parts = []
        if self.text:
            parts.append(f"text '{self.text}'")
        if self.faces:
            where = ", ".join(self.face_positions)
            parts.append(f"{self.faces} face{'s' if self.faces > 1 else ''}"
                         + (f", {where}" if where else ""))
        if "black" not in self.flags:  # "black" says all there is about looks and motion
            parts += [look for look in self.looks if look not in self.flags]
            if self.motion and not ("shaky" in self.flags and self.motion == "camera still"):
                parts.append(self.motion)
        parts += self.flags
        return "; ".join(parts)

    def within(self, start: int, end: int) -> Shot | None:
        """The part of this shot inside [start, end), its problems cut to it; None if none."""
        start, end = max(start, self.start), min(end, self.end)
        if start >= end:
            return None
        problems = tuple(Problem(p.flag, max(p.start, start), min(p.end, end))
                         for p in self.problems if p.start < end and p.end > start)
        seen = tuple(Seen(max(r.start, start), min(r.end, end), r.text)
                     for r in self.seen if r.start < end and r.end > start)
        text = seen_text(seen) if self.seen else self.text
        return Shot(start, end, text, self.faces, self.face_positions, self.looks,
                    self.motion, problems, seen)

    def moved(self, offset: int) -> Shot:
        """The same shot `offset` ms later (from source time to timeline time)."""
        return Shot(self.start + offset, self.end + offset, self.text, self.faces,
                    self.face_positions, self.looks, self.motion,
                    tuple(Problem(p.flag, p.start + offset, p.end + offset)
                          for p in self.problems),
                    tuple(Seen(r.start + offset, r.end + offset, r.text) for r in self.seen))

    def to_json(self) -> dict:
        """Seconds, as people and scripts read them (the issue's `--json` shape)."""
        return {
            "start": self.start / 1000,
            "end": self.end / 1000,
            "text": self.text,
            "faces": self.faces,
            "face_positions": list(self.face_positions),
            "looks": list(self.looks),
            "motion": self.motion,
            "flags": list(self.flags),
            "problems": [{"flag": p.flag, "start": p.start / 1000, "end": p.end / 1000}
                         for p in self.problems],
            "seen": [{"start": r.start / 1000, "end": r.end / 1000, "text": r.text}
                     for r in self.seen],
            "description": self.description,
        }

    @classmethod
    def from_json(cls, data: dict) -> Shot:
        return cls(
            start=round(data["start"] * 1000),
            end=round(data["end"] * 1000),
            text=data.get("text", ""),
            faces=data.get("faces", 0),
            face_positions=tuple(data.get("face_positions", ())),
            looks=tuple(data.get("looks", ())),
            motion=data.get("motion", ""),
            problems=tuple(Problem(p["flag"], round(p["start"] * 1000), round(p["end"] * 1000))
                           for p in data.get("problems", ())),
            seen=tuple(Seen(round(r["start"] * 1000), round(r["end"] * 1000), str(r["text"]))
                       for r in data.get("seen", ())),
        )

    def to_compact(self) -> list:
        """For the project file: [start, end, text, faces, positions, looks, motion,
        [[flag, start, end], ...], [[start, end, text], ...]] in ms; a long film's shots
        stay a few kilobytes. The last (where text was seen) is left out when there is none,
        so a file written before it existed reads the same."""
        compact = [self.start, self.end, self.text, self.faces, list(self.face_positions),
                   list(self.looks), self.motion,
                   [[p.flag, p.start, p.end] for p in self.problems]]
        if self.seen:
            compact.append([[r.start, r.end, r.text] for r in self.seen])
        return compact

    @classmethod
    def from_compact(cls, data: list) -> Shot:
        start, end, text, faces, positions, looks, motion, problems, *rest = data
        if len(rest) > 1:
            raise ValueError("a shot has too many fields")
        seen = tuple(Seen(int(s), int(e), str(t)) for s, e, t in (rest[0] if rest else ()))
        if type(start) is not int or type(end) is not int or not 0 <= start < end:
            raise ValueError("a shot is [start ms, end ms, ...], start before end")
        if not isinstance(text, str) or not isinstance(motion, str) or type(faces) is not int:
            raise ValueError("a shot's text, faces or motion is damaged")
        if any(p not in POSITIONS for p in positions):
            raise ValueError("unknown face position")
        return cls(start, end, text, faces, tuple(positions), tuple(map(str, looks)), motion,
                   tuple(Problem(flag, int(s), int(e)) for flag, s, e in problems), seen)


@dataclass(frozen=True)
class Picture:
    """One source's picture analysis: its shots in order, covering [0, duration)."""

    media: str  # absolute path of the source
    duration: int  # ms
    shots: tuple[Shot, ...]
    version: int = 0  # the analysis that made it (analyse.ANALYSIS_VERSION)
    meta: dict = field(default_factory=dict, compare=False)  # {"cached": bool}

    def shot_at(self, ms: int) -> int:
        """Index of the shot showing at source time `ms` (the last one at the very end)."""
        if not self.shots:
            raise IndexError("no shots")
        index = bisect_right([s.start for s in self.shots], ms) - 1
        return max(0, min(index, len(self.shots) - 1))

    def to_json(self) -> dict:
        return {"media": self.media, "duration": self.duration / 1000, "version": self.version,
                "shots": [s.to_json() for s in self.shots]}

    @classmethod
    def from_json(cls, data: dict) -> Picture:
        return cls(media=data["media"], duration=round(data["duration"] * 1000),
                   shots=tuple(Shot.from_json(s) for s in data["shots"]),
                   version=data.get("version", 0))

    def to_compact(self) -> dict:
        return {"version": self.version, "shots": [s.to_compact() for s in self.shots]}

    @classmethod
    def from_compact(cls, media: str, duration: int, data: dict) -> Picture:
        return cls(media, duration, tuple(Shot.from_compact(s) for s in data["shots"]),
                   version=int(data.get("version", 0)))
