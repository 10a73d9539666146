"""Free words as they were said or typed, case and apostrophes kept.

The matcher works on lower-case words without apostrophes ("obrien"), which is right for
finding a quote in the transcript and wrong for new words to put into it: a correction
to "O'Brien" or "iPhone" must keep what the person wrote. `said_as` finds the stretch of
the original text that reads as a slot's words.
"""

from __future__ import annotations

import re

from voiceedit.understand.rules import words


def said_as(text: str, tokens: list[str] | tuple[str, ...]) -> str:
    """The last stretch of whole space-separated pieces of `text` whose words are `tokens`,
    as written there (punctuation at its two ends dropped); "" when none reads so exactly
    ("Correct Sam to O'Brien." with ["obrien"] -> "O'Brien")."""
    pieces = re.findall(r"\S+", text)
    wanted = list(tokens)
    for last in range(len(pieces), 0, -1):
        heard: list[str] = []
        for first in range(last - 1, -1, -1):
            heard = words(pieces[first]) + heard
            if heard == wanted:
                return _unwrapped(" ".join(pieces[first:last]))
            if len(heard) >= len(wanted) or heard != wanted[len(wanted) - len(heard):]:
                break
    return ""


def _unwrapped(stretch: str) -> str:
    """The stretch without the punctuation around it ("Pam." -> "Pam"), brackets and quotes
    taken off only as a pair around it all ("(Pam)", "'Sam, Jr'") or when left alone
    ("Pam (the" of "(the host"), so "Pam (the host)" and "(a) and (b)" stay whole."""
    text = stretch.strip(_SENTENCE_MARKS)
    changed = True
    while changed and text:
        changed = False
        for opening, closing in _PAIRS:
            inner = text[1:-1]
            if len(text) > 1 and text[0] == opening and text[-1] == closing and (
                    _balanced(inner, opening, closing)
                    and (opening != closing or opening not in inner)):
                text, changed = inner.strip(_SENTENCE_MARKS), True
            elif text[0] == opening and not _balanced(text, opening, closing):
                text, changed = text[1:].strip(_SENTENCE_MARKS), True
            elif text and text[-1] == closing and not _balanced(text, opening, closing):
                text, changed = text[:-1].strip(_SENTENCE_MARKS), True
            if not text:
                break
    return text


_SENTENCE_MARKS = " .,;:!?"
_PAIRS = ("()", "[]", "{}", '""', "\u201c\u201d", "''")


def _balanced(text: str, opening: str, closing: str) -> bool:
    """Whether every `opening` in the text is closed after it (for a quote mark that is
    its own closing, an even count; an apostrophe inside a word is no quote)."""
    if opening == closing:
        marks = [i for i, c in enumerate(text) if c == opening and not (
            0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum())]
        return len(marks) % 2 == 0
    depth = 0
    for c in text:
        depth += (c == opening) - (c == closing)
        if depth < 0:
            return False
    return depth == 0
