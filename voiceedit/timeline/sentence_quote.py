"""A quote found word for word only by taking one word of another sentence.

Whisper adds a word in noise ("you", "thank you") at the end of a spoken command. When that
word happens to follow the quoted words in the transcript, across a sentence end ("... a
story worth telling. You need ..."), the quote is found exactly, and a cut would take one
word more than the person said. Such a match is not exact for the doubt rules: the cut is
read back (bench/RESULTS.md, "Spoken commands, fewer questions (issue 17)").

A quote that holds whole sentences, or a sentence end with two words or more on each side,
may well be meant, and stays exact; so does one said with a break at that place.
"""

from __future__ import annotations

import re

from voiceedit.timeline.quote_match import QuoteMatch
from voiceedit.timeline.quotes import QuoteIndex
from voiceedit.timeline.words import SENTENCE_END, TimelineWords

EXACT = 100.0  # QuoteIndex's score when every word was found as said
# What a match with a stray word counts as: below the recogniser's exact_fit (0.95), so the
# cut is read back, and well above MATCH_THRESHOLD, so it can still be done after a yes.
STRAY_SCORE = 90.0
SAID_BREAK = re.compile(r"\w[.?!]+\s+\w")  # "telling. You": the person's words break there


def stray_word(words: TimelineWords, match: QuoteMatch) -> bool:
    """Whether the match crosses a sentence end (a full stop, question or exclamation mark
    between two of its words) with only one word of the other sentence on one side, a word
    that is not a whole sentence itself: "worth telling. You" (the next sentence goes on
    after "You"), "you. A story worth telling" (a longer sentence ends at "you")."""
    inner = [i for i in range(match.first, match.last) if _ends(words, i)]
    if not inner:
        return False
    leading = inner[0] == match.first and match.first > 0 and not _ends(words, match.first - 1)
    trailing = inner[-1] == match.last - 1 and not words.ends_sentence(match.last)
    return leading or trailing


def found_score(index: QuoteIndex, text: str, said: str = "") -> float:
    """How well a quote is found (0..100): the best match's score, where an exact match that
    takes a stray word of another sentence counts STRAY_SCORE, unless the person's own words
    (`said`, with Whisper's punctuation) break a sentence in the quote."""
    matches = index.find(text)
    if not matches:
        return 0.0
    if SAID_BREAK.search(said):
        return max(m.score for m in matches)
    return max(
        STRAY_SCORE if m.score >= EXACT and stray_word(index.words, m) else m.score
        for m in matches
    )


def _ends(words: TimelineWords, index: int) -> bool:
    return words.texts[index].endswith(SENTENCE_END)
