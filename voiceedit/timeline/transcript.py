"""Word-level transcripts: plain dataclasses, times in integer milliseconds.

Milliseconds keep every later edit exact (no float drift when ranges are cut and joined);
JSON output converts to seconds because that is what people and other tools expect.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    text: str  # as recognised, without surrounding spaces ("Ask", "not", "um,")
    start: int  # ms from the start of the source media
    end: int  # ms
    probability: float = 1.0
    speaker: int | None = None  # who says it, 1, 2, ... within its source; None: unknown

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "start": self.start / 1000,
            "end": self.end / 1000,
            "probability": round(self.probability, 4),
            "speaker": self.speaker,
        }

    @classmethod
    def from_json(cls, data: dict) -> Word:
        return cls(
            text=data["text"],
            start=round(data["start"] * 1000),
            end=round(data["end"] * 1000),
            probability=data.get("probability", 1.0),
            speaker=_speaker(data.get("speaker")),
        )


def _speaker(value: object) -> int | None:
    if value is not None and (type(value) is not int or value < 1):
        raise ValueError(f"a speaker is a whole number from 1, not {value!r:.20}")
    return value


@dataclass(frozen=True)
class Segment:
    text: str
    start: int  # ms
    end: int  # ms
    words: tuple[Word, ...] = ()

    def to_json(self) -> dict:
        return {"text": self.text, "start": self.start / 1000, "end": self.end / 1000}


@dataclass(frozen=True)
class Transcript:
    media: str  # absolute path of the source
    duration: int  # ms, of the whole source
    words: tuple[Word, ...]
    segments: tuple[Segment, ...] = ()
    model: str = ""
    engine: str = ""
    language: str = "en"
    meta: dict = field(default_factory=dict, compare=False)

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    def to_json(self) -> dict:
        return {
            "media": self.media,
            "duration": self.duration / 1000,
            "model": self.model,
            "engine": self.engine,
            "language": self.language,
            "words": [word.to_json() for word in self.words],
            "segments": [segment.to_json() for segment in self.segments],
        }

    @classmethod
    def from_json(cls, data: dict) -> Transcript:
        words = tuple(Word.from_json(w) for w in data["words"])
        segments = []
        for s in data.get("segments", []):
            start, end = round(s["start"] * 1000), round(s["end"] * 1000)
            inside = tuple(w for w in words if start <= w.start < end)
            segments.append(Segment(s["text"], start, end, inside))
        return cls(
            media=data["media"],
            duration=round(data["duration"] * 1000),
            words=words,
            segments=tuple(segments),
            model=data.get("model", ""),
            engine=data.get("engine", ""),
            language=data.get("language", "en"),
        )
