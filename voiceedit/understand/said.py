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
                return " ".join(pieces[first:last]).strip(_EDGE_PUNCTUATION)
            if len(heard) >= len(wanted) or heard != wanted[len(wanted) - len(heard):]:
                break
    return ""
