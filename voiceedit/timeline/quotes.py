"""A quoted phrase -> a range of the timeline, tolerant of recognition errors in the quote.

The quote comes from a short spoken command (tiny.en mishears words); the transcript comes
from the footage (it mishears others). So both sides are normalised the same way (lower
case, no punctuation, digits as words) and compared with rapidfuzz's `ratio` over the
characters of whole word windows, never word by word.

Scanning every window of a 100,000-word transcript costs tens of milliseconds, so the index
is inverted: each distinct word -> its positions. A lookup finds the transcript words that
sound like each quote word (rapidfuzz `cdist` against the vocabulary, a few thousand
entries); each of their occurrences votes for the window start it implies (numpy
`bincount`); only the best-voted starts are scored. bench/editing.py measures it against
scoring every window.

Several matches of about the same score are all returned, in timeline order: the act stage
reads them back as numbered choices and never guesses. Ranges are cut in the silence between
words (`TimelineWords.cut_before`/`cut_after`) so no word loses a syllable.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import accumulate

import numpy as np
from rapidfuzz import fuzz, process

from voiceedit.timeline.quote_match import QuoteMatch
from voiceedit.timeline.words import TimelineWords, normalize

MATCH_THRESHOLD = 72.0  # rapidfuzz ratio (0..100) a window needs to count as a match
TIE_MARGIN = 5.0  # inexact matches within this of the best are all offered as choices
WORD_CUTOFF = 66.0  # how alike a transcript word must be to a quote word to anchor on it
VOTE_MARGIN = 2  # candidate starts: at most this many quote words fewer than the best found
CANDIDATE_LIMIT = 400  # the best-voted starts scored at most; more means a very common quote
NEAR_THRESHOLD = MATCH_THRESHOLD - 12  # close enough to try the neighbouring starts
REFINE_LIMIT = 200  # near misses refined at most; more means the quote is too common anyway

__all__ = ["QuoteIndex", "QuoteMatch"]


class QuoteIndex:
    """Fuzzy phrase search over the words of one timeline (build once per timeline)."""

    def __init__(self, words: TimelineWords, duration: int) -> None:
        self.words = words
        self.duration = duration
        self.norm = words.norm
        # Words before each token, so a window can hold a number of words, not tokens.
        self.counted = np.fromiter(accumulate((len(n.split()) for n in self.norm), initial=0),
                                   dtype=np.int64, count=len(self.norm) + 1)
        # Each word -> where it occurs, counted in words (a token like "1999" holds several).
        positions: dict[str, list[int]] = defaultdict(list)
        place = 0
        for token in self.norm:
            for word in token.split():
                positions[word].append(place)
                place += 1
        self.positions = dict(positions)
        self.vocabulary = list(self.positions)
        self._arrays: dict[str, np.ndarray] = {}  # positions as arrays, made when first used

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

    def _candidate_starts(self, wanted: list[str]) -> np.ndarray:
        """Window starts where most quote words are found in place.

        Each quote word votes for the start its occurrences imply (an occurrence at p of
        quote word j votes for p - j), counting occurrences of words that sound alike, so a
        misheard word still votes. Votes are summed over a start and its neighbours (a word
        dropped or added shifts the rest by one); the best-voted starts are scored."""
        alike = process.cdist(wanted, self.vocabulary, scorer=fuzz.ratio,
                              score_cutoff=WORD_CUTOFF, dtype="uint8")
        votes = []
        for offset, (word, row) in enumerate(zip(wanted, alike, strict=True)):
            similar = [self.vocabulary[v] for v in row.nonzero()[0]]
            if len(word) <= 2:  # "a", "in": near neighbours are other words, not mishearings
                similar = [w for w in similar if w == word]
            votes.extend(self._positions(w) - offset for w in similar)
        if not votes:
            return np.empty(0, dtype=np.int64)
        starts = np.concatenate(votes)
        starts = starts[starts >= 0]
        count = np.bincount(starts, minlength=int(self.counted[-1]))
        near = count + np.concatenate(([0], count[:-1])) + np.concatenate((count[1:], [0]))
        candidates = np.flatnonzero(near >= max(1, int(near.max()) - VOTE_MARGIN))
        if len(candidates) > CANDIDATE_LIMIT:
            # Votes in place count twice: a quote heard whole lines up exactly.
            rank = near[candidates] + count[candidates]
            candidates = candidates[np.argpartition(-rank, CANDIDATE_LIMIT)[:CANDIDATE_LIMIT]]
        # Word positions back to tokens: the token that holds each word.
        return np.unique(np.searchsorted(self.counted, candidates, side="right") - 1)

    def _positions(self, word: str) -> np.ndarray:
        found = self._arrays.get(word)
        if found is None:
            found = self._arrays[word] = np.array(self.positions[word], dtype=np.int64)
        return found

    def _score(self, wanted: list[str], starts: np.ndarray,
               after: int) -> list[tuple[float, int, int]]:
        """(score, first, last) of the windows that match.

        First every candidate start with the quote's own length; then, only around the best
        near misses, one word more or fewer and the neighbouring starts."""
        size = len(wanted)
        starts = starts[starts >= after]
        spans = list(zip(starts.tolist(), self._lasts(starts, size).tolist(), strict=True))
        found = self._score_spans(wanted, spans)
        found.sort(reverse=True)
        near = {s + shift for _score, s, _last in found[:REFINE_LIMIT] for shift in (-1, 0, 1)}
        near_starts = np.array(sorted(s for s in near if after <= s < len(self.norm)),
                               dtype=np.int64)
        around = set()
        for length in (size - 1, size, size + 1):
            if length >= 1:
                lasts = self._lasts(near_starts, length).tolist()
                around.update(zip(near_starts.tolist(), lasts, strict=True))
        return found + self._score_spans(wanted, list(around.difference(spans)))

    def _lasts(self, firsts: np.ndarray, count: int) -> np.ndarray:
        """The last token of each window of `count` normalised words starting at `firsts` (a
        token may hold none, like "-", or several, like "1999")."""
        ends = np.searchsorted(self.counted, self.counted[firsts] + count, side="left")
        return np.maximum(firsts, np.minimum(ends, len(self.norm)) - 1)

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
