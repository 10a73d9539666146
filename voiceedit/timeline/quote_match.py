"""Where a quote was found: plain data, kept apart from the search (quotes.py, which
needs numpy and rapidfuzz) so that a project can be read without loading them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QuoteMatch:
    """Words first..last (inclusive, timeline word indices) and the range to cut for them."""

    text: str  # the words as the transcript has them
    first: int
    last: int
    start: int  # ms, the cut before the first word
    end: int  # ms, the cut after the last word
    at: int  # ms, where the first word begins (what we say: "one at twelve seconds")
    score: float

    def to_json(self) -> dict:
        return {"text": self.text, "first": self.first, "last": self.last, "start": self.start,
                "end": self.end, "at": self.at, "score": self.score}

    @classmethod
    def from_json(cls, data: dict) -> QuoteMatch:
        return cls(data["text"], data["first"], data["last"], data["start"], data["end"],
                   data["at"], data["score"])
