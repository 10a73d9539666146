"""The text Whisper writes and reads: its loops dropped, its prompt kept short.

In a window shorter than 30 s, the decoder sometimes goes round again after the command
("Split here. Split here. Split"); what it said once is what was said.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
REPEAT_RATIO = 75  # rapidfuzz ratio from which a later sentence counts as a repeat


def drop_repeats(text: str) -> str:
    """Whisper in a short window sometimes goes round again after the command: "Delete the
    repeated takes. Delete the repeat. Delete the" → "Delete the repeated takes.".

    A sentence is dropped when it is nearly an earlier one (rapidfuzz ratio) or the start of
    one; within a sentence, a phrase said over and over is said once (`collapse_repeats`).
    Two different sentences stay: "Delete from one minute. To two minutes."
    """
    kept: list[str] = []
    for sentence in SENTENCE_END.split(text.strip()):
        sentence = collapse_repeats(sentence)
        if sentence and not any(_repeats(sentence, earlier) for earlier in kept):
            kept.append(sentence)
    return " ".join(kept)


def collapse_repeats(text: str) -> str:
    """"Help help help help" → "Help": the decoder looping on one phrase without punctuation.

    The text is cut to its shortest leading phrase when the rest only repeats that phrase,
    comparing words without case or punctuation; the last repeat may be cut short, even
    mid-word, by `max_length`. A cut-short repeat must run at least three words, so
    "clip two and clip" stays whole.
    """
    words = text.split()
    plain = [bare(word) for word in words]
    for period in range(1, len(words)):
        tail = plain[period:]
        if len(tail) < min(period, 3):
            continue
        again = [plain[i % period] for i in range(period, len(words))]
        if tail[:-1] == again[:-1] and again[-1].startswith(tail[-1]):
            return " ".join(words[:period])
    return text


def shortened(prompt: str | None, max_words: int) -> str | None:
    """The prompt's first sentences, up to `max_words` words: the search within the grammar
    runs PyTorch over every prompt token for every beam, and the grammar already does most
    of what the prompt's vocabulary does."""
    if not prompt:
        return prompt
    kept: list[str] = []
    for sentence in SENTENCE_END.split(prompt.strip()):
        if len(kept) + len(sentence.split()) > max_words:
            break
        kept.extend(sentence.split())
    return " ".join(kept) or None


def bare(text: str) -> str:
    """Words only: no case, no punctuation, single spaces."""
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def _repeats(sentence: str, earlier: str) -> bool:
    later, before = bare(sentence), bare(earlier)
    return before.startswith(later) or fuzz.ratio(later, before) >= REPEAT_RATIO
