"""The timeline: an ordered sequence of clips, each a range of one untouched source.

Vocabulary from OpenTimelineIO: a clip's `source_range` is [source_in, source_out) in the
source's own time; its position on the timeline is the sum of the durations before it.
All times are integer milliseconds, so cutting and joining never accumulates float error.

    source A: |--------------------------|
    timeline: | A[0:4s] | A[9s:12s] | B[...] |
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate


@dataclass(frozen=True)
class Clip:
    source: str  # absolute path of the source media
    source_in: int  # ms, inclusive
    source_out: int  # ms, exclusive

    def __post_init__(self) -> None:
        if not 0 <= self.source_in < self.source_out:
            raise ValueError(f"empty or inverted clip range {self.source_in}..{self.source_out}")

    @property
    def duration(self) -> int:
        return self.source_out - self.source_in

    def to_json(self) -> dict:
        return {"source": self.source, "in": self.source_in / 1000, "out": self.source_out / 1000}


@dataclass(frozen=True)
class Timeline:
    clips: tuple[Clip, ...] = ()
    # Cumulative clip start times, computed once: lookups are a bisect, not a walk.
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        starts = tuple(accumulate((c.duration for c in self.clips), initial=0))
        object.__setattr__(self, "_starts", starts)

    @property
    def duration(self) -> int:
        return self._starts[-1]

    def clip_start(self, index: int) -> int:
        """Timeline time (ms) where clip `index` begins."""
        return self._starts[index]

    def clip_index_at(self, time: int) -> int:
        """Index of the clip playing at timeline `time`; the last clip for time == duration."""
        if not self.clips:
            raise IndexError("empty timeline")
        index = bisect_right(self._starts, time) - 1
        return max(0, min(index, len(self.clips) - 1))

    def to_json(self) -> dict:
        return {"duration": self.duration / 1000, "clips": [c.to_json() for c in self.clips]}

    @classmethod
    def from_json(cls, data: dict) -> Timeline:
        return cls(
            tuple(
                Clip(c["source"], round(c["in"] * 1000), round(c["out"] * 1000))
                for c in data["clips"]
            )
        )
