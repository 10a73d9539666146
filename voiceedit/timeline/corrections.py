"""Corrections to a transcript: a misheard word put right, the media left as it is.

A correction is data, not an edit of the stored transcript: "the `count` words from index
`first` of this source's words become `text`". The source's transcript stays as Whisper
heard it; its corrected words are the transcript with every correction applied in the
order they were made, so a later correction may change words an earlier one wrote. Word
indices (not times) name the words, so two words with touching or overlapping times are
never confused.

New words take the time of the words they replace: one for one when the counts match
("new york" -> "New York"), else spread over the replaced span in proportion to their
length ("Sam" -> "Pam Smith": Pam gets about 40 percent, Smith the rest).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, replace

from voiceedit.timeline.transcript import Segment, Transcript, Word

TYPED = 1.0  # a corrected word's probability: a person said it, no doubt is left


@dataclass(frozen=True)
class Correction:
    source: str  # the source's path
    first: int  # index of the first word replaced, in the words as corrected so far
    count: int  # how many words are replaced (at least one)
    text: str  # the new words, separated by spaces

    def check(self) -> None:
        """A hand-edited project file may hold anything: ValueError unless well formed."""
        if (type(self.first) is not int or type(self.count) is not int or self.first < 0
                or self.count < 1 or not isinstance(self.text, str) or not self.text.split()):
            raise ValueError("a transcript correction is malformed")


def corrected(transcript: Transcript, corrections: Iterable[Correction]) -> Transcript:
    """The transcript with the corrections to its source applied, in order; the same object
    when there are none. ValueError when one does not fit (a damaged project file)."""
    mine = [c for c in corrections if c.source == transcript.media]
    if not mine:
        return transcript
    words = sorted(transcript.words, key=lambda w: w.start)  # the order SourceWords uses
    for correction in mine:
        correction.check()
        end = correction.first + correction.count
        if end > len(words):
            raise ValueError("a transcript correction does not fit its transcript")
        words[correction.first:end] = spread(correction.text, words[correction.first:end])
    return replace(transcript, words=tuple(words), segments=_segments(transcript, words))


def spread(text: str, old: list[Word]) -> list[Word]:
    """The new words over the time of the old ones (see the module's docstring)."""
    tokens = text.split()
    if len(tokens) == len(old):
        return [Word(token, w.start, w.end, TYPED, w.speaker)
                for token, w in zip(tokens, old, strict=True)]
    start, end = old[0].start, max(w.end for w in old)
    weights = [len(token) + 1 for token in tokens]  # +1: even "a" takes a moment to say
    total = sum(weights)
    words, done, at = [], 0, start
    for token, weight in zip(tokens, weights, strict=True):
        done += weight
        until = start + (end - start) * done // total
        words.append(Word(token, at, until, TYPED, old[0].speaker))  # one speaker's span
        at = until
    return words


def _segments(transcript: Transcript, words: list[Word]) -> tuple[Segment, ...]:
    """The segments again, each with the corrected words that start inside it."""
    starts = [w.start for w in words]
    segments = []
    for segment in transcript.segments:
        inside = tuple(words[bisect_left(starts, segment.start):bisect_left(starts, segment.end)])
        text = " ".join(w.text for w in inside) if inside else segment.text
        segments.append(Segment(text, segment.start, segment.end, inside))
    return tuple(segments)


def without_last(corrections: tuple[Correction, ...],
                 correction: Correction) -> tuple[Correction, ...]:
    """The corrections with `correction`, the last one, taken out (undo). Undo goes back in
    order, so it is always the last; anything else is a damaged file (ValueError): a later
    correction's word indices count the words this one wrote."""
    if corrections[-1:] != (correction,):
        raise ValueError("the correction to undo is not the last one made")
    return corrections[:-1]
