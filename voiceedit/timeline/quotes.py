"""A quoted phrase -> a range of the timeline, tolerant of recognition errors in the quote.

The quote comes from a short spoken command (tiny.en mishears words); the transcript comes
from the footage (it mishears others). So both sides are normalised the same way (lower
case, no punctuation, digits as words) and compared with rapidfuzz's `ratio` over the
characters of whole word windows, never word by word.

Scanning every window of a 100,000-word transcript costs tens of milliseconds, so the index
is inverted: each distinct word -> its positions. A lookup finds the transcript words that
sound like each quote word (rapidfuzz `cdist` against the vocabulary, a few thousand
entries), takes the two rarest quote words as anchors (so one misheard word still leaves
an anchor), and scores only the windows those anchors imply. bench/editing.py measures it
against the full scan.

Several matches of about the same score are all returned, in timeline order: the act stage
reads them back as numbered choices and never guesses. Ranges are cut in the silence between
words (`TimelineWords.cut_before`/`cut_after`) so no word loses a syllable.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from itertools import accumulate

import numpy as np
from rapidfuzz import fuzz, process

from voiceedit.timeline.words import TimelineWords, normalize

MATCH_THRESHOLD = 72.0  # rapidfuzz ratio (0..100) a window needs to count as a match
TIE_MARGIN = 5.0  # inexact matches within this of the best are all offered as choices
WORD_CUTOFF = 66.0  # how alike a transcript word must be to a quote word to anchor on it
ANCHOR_BUDGET = 2000  # candidate starts past which no third anchor is added
NEAR_THRESHOLD = MATCH_THRESHOLD - 12  # close enough to try the neighbouring starts
REFINE_LIMIT = 200  # near misses refined at most; more means the quote is too common anyway

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


class QuoteIndex:
    """Fuzzy phrase search over the words of one timeline (build once per timeline)."""

    def __init__(self, words: TimelineWords, duration: int) -> None:
        self.words = words
        self.duration = duration
        self.norm = words.norm
        # Words before each token, so a window can hold a number of words, not tokens.
        self.counted = list(accumulate((len(n.split()) for n in self.norm), initial=0))
        positions: dict[str, list[int]] = defaultdict(list)
        for index, word in enumerate(self.norm):
            if word:
                positions[word].append(index)
        self.positions = dict(positions)
        self.vocabulary = list(self.positions)

    def find(self, quote: str, after: int = 0) -> list[QuoteMatch]:
        """Matches of about the best score, in timeline order; [] when nothing matches.

        `after` skips words before that index ("from A to B" looks for B after A)."""
        wanted = normalize(quote).split()
        if not wanted or not self.vocabulary:
            return []
        scored = self._score(wanted, self._candidate_starts(wanted), after)
        if not scored:
            return []
        top = max(score for score, _first, _last in scored)
        if top < MATCH_THRESHOLD:
            return []
        # An exact match only ties with other exact ones; otherwise close scores are a tie.
        floor = top if top == 100 else top - TIE_MARGIN
        tied = self._distinct([m for m in scored if m[0] >= floor], len(self.norm))
        return sorted((self._match(first, last, score) for score, first, last in tied),
                      key=lambda m: m.first)

    def _candidate_starts(self, wanted: list[str]) -> set[int]:
        """Window starts implied by the rarest quote words found in the transcript: always
        two (so one misheard word still leaves an anchor), more while they stay rare."""
        alike = process.cdist(wanted, self.vocabulary, scorer=fuzz.ratio,
                              score_cutoff=WORD_CUTOFF, dtype="uint8")
        anchors = []
        for offset, (word, row) in enumerate(zip(wanted, alike, strict=True)):
            similar = [self.vocabulary[v] for v in row.nonzero()[0]]
            if len(word) <= 2:  # "a", "in": near neighbours are other words, not mishearings
                similar = [w for w in similar if w == word]
            hits = [self.positions[w] for w in similar]
            if hits:
                anchors.append((sum(len(h) for h in hits), offset, hits))
        anchors.sort(key=lambda a: a[0])
        starts: set[int] = set()
        for number, (_count, offset, hits) in enumerate(anchors):
            if number >= 2 and len(starts) > ANCHOR_BUDGET:
                break
            for positions in hits:
                starts.update(position - offset for position in positions)
        return starts

    def _score(self, wanted: list[str], starts: set[int],
               after: int) -> list[tuple[float, int, int]]:
        """(score, first, last) of the windows that match.

        First every start with the quote's own length; then, only around the near misses,
        one word more or fewer and the neighbouring starts (a quote with a word missing or
        extra before its anchor starts one word off)."""
        size = len(wanted)
        total = len(self.norm)
        spans = [(s, self._last(s, size)) for s in starts if after <= s < total]
        found = self._score_spans(wanted, spans)
        found.sort(reverse=True)
        lengths = [n for n in (size - 1, size, size + 1) if n >= 1]
        near = {s + shift for _score, s, _last in found[:REFINE_LIMIT] for shift in (-1, 0, 1)}
        around = {(s, self._last(s, n)) for s in near if after <= s < total for n in lengths}
        return found + self._score_spans(wanted, list(around.difference(spans)))

    def _last(self, first: int, count: int) -> int:
        """The last token of the window of `count` normalised words from token `first` (a
        token may hold none, like "-", or several, like "1999")."""
        end = bisect_left(self.counted, self.counted[first] + count)
        return max(first, min(end, len(self.norm)) - 1)

    def _score_spans(self, wanted: list[str],
                     spans: list[tuple[int, int]]) -> list[tuple[float, int, int]]:
        """All windows scored in one rapidfuzz call; those near enough to matter kept."""
        if not spans:
            return []
        windows = [" ".join(self.norm[first : last + 1]) for first, last in spans]
        scores = process.cdist([" ".join(wanted)], windows, scorer=fuzz.ratio,
                               score_cutoff=NEAR_THRESHOLD, dtype="float32")[0]
        return [(float(scores[i]), *spans[i]) for i in np.flatnonzero(scores)]

    @staticmethod
    def _distinct(scored: list[tuple[float, int, int]],
                  size: int) -> list[tuple[float, int, int]]:
        """Best first; a window overlapping a better one is the same match, dropped."""
        scored.sort(key=lambda m: (-m[0], m[2] - m[1], m[1]))
        used = bytearray(size)
        taken = []
        for score, first, last in scored:
            if not any(used[first : last + 1]):
                used[first : last + 1] = b"\x01" * (last + 1 - first)
                taken.append((score, first, last))
        return taken

    def _match(self, first: int, last: int, score: float) -> QuoteMatch:
        words = self.words
        return QuoteMatch(
            text=words.text(range(first, last + 1)),
            first=first,
            last=last,
            start=words.cut_before(first),
            end=words.cut_after(last, self.duration),
            at=words.starts[first],
            score=round(score, 1),
        )

    def span(self, first: QuoteMatch, last: QuoteMatch) -> QuoteMatch:
        """From the start of `first` to the end of `last` ("delete from A to B")."""
        return self._match(first.first, last.last, min(first.score, last.score))

    def sentence(self, start: QuoteMatch) -> QuoteMatch:
        """The sentence that starts at `start`'s first word: up to a full stop, question or
        exclamation mark, or a pause of a second, or the end of the timeline."""
        return self._match(start.first, self.words.sentence_end(start.first), start.score)


def scan_all_windows(index: QuoteIndex, quote: str) -> tuple[float, int] | None:
    """The naive alternative, for bench/editing.py: score every window of the quote's length.
    Returns (best score, start) or None."""
    wanted = normalize(quote).split()
    windows = [" ".join(index.norm[i : i + len(wanted)]) for i in range(len(index.norm))]
    found = process.extractOne(" ".join(wanted), windows, scorer=fuzz.ratio,
                               score_cutoff=MATCH_THRESHOLD)
    return (found[1], found[2]) if found else None
