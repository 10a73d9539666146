"""A wake word said before every command ("editor, undo that"), so voiceedit can listen
beside Talon or Dragon without both acting on one phrase.

Whisper writes the word as it likes ("Editor.", "editor,", "Editors"), so case and
punctuation are ignored and a near spelling is taken (rapidfuzz ratio PREFIX_FROM); the
words after it are what is understood. Text that does not begin with it is for someone
else: the session ignores it without a word, as it does while asleep.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rapidfuzz import fuzz

from voiceedit.understand.command import Command
from voiceedit.understand.matcher import NotUnderstood, understand
from voiceedit.understand.rules import words

PREFIX_FROM = 85  # "Editors" (92) and "edit or" pass; "edit" and "editorial" (80) do not
_CHUNK = re.compile(r"\S+")
_LEADING = re.compile(r"^[\s,.;:!?\-\u2013\u2014]+")


def after_prefix(text: str, prefix: str) -> str | None:
    """The text after the prefix, punctuation after it dropped ("Editor, undo that." ->
    "undo that."); "" when nothing follows it; None when the text does not begin with it.
    An empty prefix lets everything through."""
    wanted = "".join(words(prefix))
    if not wanted:
        return text.strip()
    heard: list[tuple[str, int]] = []  # each heard word, and where its chunk ends in text
    for chunk in _CHUNK.finditer(text):
        heard += [(word, chunk.end()) for word in words(chunk.group())]
    count = len(words(prefix))
    best: tuple[float, int] | None = None
    for taken in sorted({count, count + 1, max(1, count - 1)}):
        if taken > len(heard):
            continue
        score = fuzz.ratio("".join(word for word, _ in heard[:taken]), wanted)
        if score >= PREFIX_FROM and (best is None or score > best[0]):
            best = (score, heard[taken - 1][1])
    if best is None:
        return None
    return _LEADING.sub("", text[best[1] :]).strip()


def understand_after(prefix: str) -> Callable[[str], Command]:
    """`understand`, for text that must begin with the prefix: what a recogniser is given
    to judge its readings by when the session has a wake word."""

    def understand_addressed(text: str) -> Command:
        after = after_prefix(text, prefix)
        if not after:
            raise NotUnderstood(f'Not for me: it does not begin with "{prefix}".', [])
        return understand(after)

    return understand_addressed
