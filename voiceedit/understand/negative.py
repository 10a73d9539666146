"""A time said below zero ("go to minus five", "go to -5"): one plain sentence, not a search.

Without this, "minus five" is no time, so "go to minus five" is taken as words to find ("I
can't find 'minus five' in the transcript"), and "-5" loses its sign to punctuation and goes
to five seconds. A minus is only a time's when the same words without it say a time in that
place; "delete minus five degrees" stays a quote of the transcript.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from voiceedit.errors import VoiceEditError
from voiceedit.understand.command import Command, SpokenTime

NEGATIVE_TIME = "Times can't be negative."
# "minus" / "negative" before a number word or figure, or a minus sign before a figure.
_MINUS = re.compile(
    r"(?:\b(?:minus|negative)\s+(?=[\w.]))|(?:(?<![\w.:])[-\u2212\u2013]\s*(?=\d))",
    re.IGNORECASE,
)


def without_minus(text: str) -> str | None:
    """The text with its minus words and signs taken out; None when it has none."""
    stripped, count = _MINUS.subn("", text)
    return stripped if count else None


def says_negative_time(text: str, understand: Callable[[str], Command]) -> bool:
    """Whether `text` says a time below zero: without its minus, it is a command with a time
    (a number of seconds, a clock time) where the minus stood."""
    unsigned = without_minus(text)
    if unsigned is None:
        return False
    try:
        command = understand(unsigned)
    except VoiceEditError:
        return False
    return any(
        isinstance(value, SpokenTime) and value.anchor == "absolute"
        for value in command.args.values()
    )
