"""Finishing the sound, as layer items (timeline/layers.py): the render's loudness target and
the audio descriptions spoken in the pauses.

`LoudnessTarget` is a setting, not a moment, so it has no anchor: the `loudness` layer holds
none or one. A `Description` is anchored in source time like a chapter, so it stays with the
shot it describes when material before it is cut, and is silent while that shot is cut out.
Its `duration` is the length of its synthesised speech, measured when it was added, so the
render, the list and the WebVTT export need no voice to know where it ends.

Pauses are the gaps between the transcript's words on the timeline (pure arithmetic here).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # layers.py imports this module for its field types
    from voiceedit.timeline.layers import Anchor

DEFAULT_LUFS = -16.0  # the podcast and web video norm (Apple, Spotify, YouTube play near it)
DEFAULT_TRUE_PEAK = -1.5  # dBTP: headroom for lossy encoders' overshoot
SHORTEST_PAUSE = 300  # ms: a gap shorter than this is a breath, not a place to speak
LEAD = 200  # ms after the last word before a description starts, so it never clips a word


@dataclass(frozen=True)
class LoudnessTarget:
    """Normalize the render to `lufs` integrated (EBU R128), true peak at most `true_peak`."""

    lufs: float = DEFAULT_LUFS
    true_peak: float = DEFAULT_TRUE_PEAK

    def to_json(self, sources: tuple[str, ...]) -> dict:
        return {"lufs": self.lufs, "true_peak": self.true_peak}

    @classmethod
    def from_json(cls, data: object, sources: tuple[str, ...]) -> LoudnessTarget:
        if not isinstance(data, dict) or not all(
                isinstance(data.get(key), (int, float)) and not isinstance(data.get(key), bool)
                and -70 <= data[key] <= 0 for key in ("lufs", "true_peak")):
            raise ValueError(f"a loudness target is malformed: {data!r:.40}")
        return cls(float(data["lufs"]), float(data["true_peak"]))


@dataclass(frozen=True)
class Description:
    """Words spoken for a blind audience at `anchor`, `duration` ms long once synthesised."""

    anchor: Anchor
    text: str
    duration: int

    def to_json(self, sources: tuple[str, ...]) -> dict:
        return {"at": self.anchor.to_json(sources), "text": self.text, "duration": self.duration}

    @classmethod
    def from_json(cls, data: object, sources: tuple[str, ...]) -> Description:
        if (not isinstance(data, dict) or not isinstance(data.get("text"), str)
                or not data["text"].strip() or type(data.get("duration")) is not int
                or data["duration"] < 0):
            raise ValueError(f"a description is malformed: {data!r:.40}")
        from voiceedit.timeline.layers import Anchor

        return cls(Anchor.from_json(data.get("at"), sources), data["text"], data["duration"])


@dataclass(frozen=True)
class Pause:
    """A silence on the timeline between words: [start, end) in ms."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start

    def distance(self, time: int) -> int:
        return max(0, self.start - time, time - self.end)


def pauses(starts: Sequence[int], ends: Sequence[int], duration: int,
           shortest: int = SHORTEST_PAUSE) -> list[Pause]:
    """The gaps of at least `shortest` ms between words (timeline times, in order), with the
    silence before the first word and after the last."""
    edges = [0, *(time for pair in zip(starts, ends, strict=True) for time in pair), duration]
    found = []
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        if end - start >= shortest:
            found.append(Pause(start, end))
    return found


def nearest_pause(found: Sequence[Pause], time: int) -> Pause | None:
    """The pause at `time`, else the closest one (the earlier on a tie)."""
    return min(found, key=lambda pause: pause.distance(time), default=None)


def speaking_time(pause: Pause) -> int:
    """Where a description in `pause` starts: a little after the last word, or at the very
    start of the timeline when the pause opens it."""
    return pause.start if pause.start == 0 else pause.start + min(LEAD, pause.length // 4)
