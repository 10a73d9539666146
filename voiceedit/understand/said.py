"""Free words as they were said or typed, case and apostrophes kept.

The matcher works on lower-case words without apostrophes ("obrien"), which is right for
finding a quote in the transcript and wrong for new words to put into it: a correction
to "O'Brien" or "iPhone" must keep what the person wrote. `said_as` finds the stretch of
the original text that reads as a slot's words.
"""

from __future__ import annotations

import re

from voiceedit.understand.rules import words

_EDGE_PUNCTUATION = " .,;:!?\"()[]{}\u201c\u201d"


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
    """The stretch without the punctuation around it ("Pam." -> "Pam", "'Sam, Jr'" ->
    "Sam, Jr"), but brackets and quotes kept whole when the words hold one of the pair
    ("Pam (the host)", '"Pam" Smith')."""
    start, end = 0, len(stretch)
    while start < end and stretch[start] in _EDGE_PUNCTUATION:
        start += 1
    while end > start and stretch[end - 1] in _EDGE_PUNCTUATION:
        end -= 1
    if end - start > 1 and stretch[start] == stretch[end - 1] == "'":
        return _unwrapped(stretch[start + 1:end - 1])
    for opening, closing in ("()", "[]", "{}", '""', "\u201c\u201d"):
        inner = stretch[start:end]
        opened = inner.count(opening) - (0 if opening == closing else inner.count(closing))
        if opening == closing:
            opened %= 2
        if opened > 0 and opening != closing and closing in stretch[end:]:
            end = stretch.index(closing, end) + 1  # "Pam (the host" + ")"
        elif opened and stretch[:start].endswith(opening):
            start -= 1  # '"' + 'Pam" Smith'
        elif opened < 0 and stretch[:start].endswith(opening):
            start -= 1  # "(" + "the host)"
    return stretch[start:end]
