"""What `understand` hands to `act`: a command name, typed arguments, and a confidence.

Slot values stay symbolic where they depend on the project ("the end", "here"); the act
stage resolves them against the timeline and playhead with `resolve_time`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SpokenTime:
    """A time as said: an absolute offset, or an anchor resolved later."""

    ms: int = 0
    anchor: str = "absolute"  # "absolute" | "start" | "end" | "here"

    def resolve(self, duration: int, playhead: int) -> int:
        if self.anchor == "start":
            return 0
        if self.anchor == "end":
            return duration
        if self.anchor == "here":
            return playhead
        return self.ms


@dataclass(frozen=True)
class Quote:
    """Free words to find in the transcript ("ask not")."""

    text: str
    # The same words as said or typed, in their own case ("O'Brien"): new words for the
    # transcript are taken from here (understand/said.py); "" when not known.
    said: str = field(default="", compare=False)


def said_text(value: Quote | str) -> str:
    """Free words as said or typed, in their own case; the matcher's text when not known."""
    return value.said or value.text if isinstance(value, Quote) else str(value)


@dataclass(frozen=True)
class Command:
    action: str  # the function name on the right of a grammar rule, e.g. "delete_range"
    args: dict = field(default_factory=dict)  # parameter name -> int | str | SpokenTime | Quote
    confidence: float = 1.0  # 0..1, how sure the matcher is
    heard: str = ""  # the text that was matched
    rule: str = ""  # the grammar rule's spoken form, for --json and help
    destructive: bool = False  # removes material: confirm when confidence is low
    # The rule's own words for what was heard, repairs undone ("undo that" for "and do that");
    # "" when the command was not matched from words.
    meant: str = ""
    # A cut whose numbers or quote were repaired, or heard with a sentence after it dropped:
    # what it cuts may not be what was said, so a spoken one is always read back.
    meaning_repaired: bool = False
