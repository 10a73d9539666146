"""A quote -> the places in the whole library where it was said, best first.

Two steps, so a million words answer in milliseconds:
1. candidates from the FTS5 index over sentences: the quote as a phrase (exact), and the
   sentences holding most of the quote's words or words that sound like them (misheard:
   each quote word is widened to the library's words within rapidfuzz `ratio` of it, as the
   single-project quote index does in voiceedit/timeline/quotes.py);
2. ranking with rapidfuzz: every window of about the quote's length inside the candidates
   is scored against the quote over its characters (normalised the same way on both sides),
   never word by word, so a word heard as two ("a lot" / "allot") still matches.

A hit's start and end are the matched words' own times; its text is the sentence around them.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from rapidfuzz import fuzz, process

from voiceedit.library.store import Library
from voiceedit.timeline.quotes import MATCH_THRESHOLD, NEAR_THRESHOLD
from voiceedit.timeline.words import normalize

CANDIDATE_LIMIT = 200  # sentences read from the index for each of the two queries
SENTENCES_SCORED = 24  # the candidates most like the quote, whose windows are scored
NEAR_SCORE = NEAR_THRESHOLD  # partial_ratio a candidate sentence needs to be looked into
ALIKE_LIMIT = 6  # library words a quote word is widened to at most
# Stricter than the project index's WORD_CUTOFF (66): there "for" voting for "folder" costs
# nothing; here it would rank every sentence with "for" in a million words.
ALIKE_CUTOFF = 75
WIDENED_LIMIT = 1000  # sentences read from the widened query (cheap: partial_ratio sorts them)
COMMON_SHARE = 0.005  # a word (with those like it) this share of all words is common
ENOUGH_CANDIDATES = 24  # found by phrase: the costlier widened query is not needed
GROUPS_AT_MOST = 4  # quote words used to find candidates (the rarest; all are scored)
DEFAULT_HITS = 10


@dataclass(frozen=True)
class Hit:
    file: str
    start: int  # ms: the first matched word's start
    end: int  # ms: the last matched word's end
    text: str  # the sentence around the match
    words: str  # the matched words as transcribed
    score: float
    file_id: int
    first: int  # word positions in the file, inclusive
    last: int
    sentence: tuple[int, int] | None = None  # word positions of the sentence around it

    def to_json(self) -> dict:
        return {"file": self.file, "start": self.start / 1000, "end": self.end / 1000,
                "text": self.text, "words": self.words, "score": self.score}


def search(library: Library, quote: str, limit: int = DEFAULT_HITS) -> list[Hit]:
    wanted = normalize(quote).split()
    if not wanted:
        return []
    vocabulary = _vocabulary(library)
    if not vocabulary:
        return []
    candidates = _candidates(library, wanted, vocabulary)
    return _ranked(library, wanted, candidates, limit)


def _vocabulary(library: Library) -> dict[str, int]:
    """The library's words and counts, read once per open library."""
    cached = getattr(library, "_vocabulary", None)
    if cached is None:
        cached = dict(library.db.execute("SELECT term, count FROM terms"))
        library._vocabulary = cached  # type: ignore[attr-defined]
    return cached


def alike_terms(wanted: list[str], vocabulary: dict[str, int]) -> list[list[str]]:
    """For each quote word, the library words that sound like it (itself first if known)."""
    terms = list(vocabulary)
    scores = process.cdist(wanted, terms, scorer=fuzz.ratio, score_cutoff=ALIKE_CUTOFF,
                           dtype="uint8")
    groups = []
    for word, row in zip(wanted, scores, strict=True):
        if len(word) <= 2:  # "a", "in": near neighbours are other words, not mishearings
            groups.append([word] if word in vocabulary else [])
            continue
        near = row.nonzero()[0]
        best = heapq.nlargest(ALIKE_LIMIT, near, key=lambda i: row[i])
        found = [terms[i] for i in best]
        if word in vocabulary and word not in found:
            found.insert(0, word)
        groups.append(found)
    return groups


def fts_query(wanted: list[str], groups: list[list[str]], vocabulary: dict[str, int]) -> str:
    """An FTS5 query for sentences holding all but one of the (rarest) quote words, each
    word or one like it: `(a OR a2) AND (b) OR ...`."""
    usable = [g for g in groups if g]
    if not usable:
        return ""
    # The rarest words find the fewest, most telling sentences; "the" and "and" find all.
    usable.sort(key=lambda g: sum(vocabulary.get(t, 0) for t in g))
    usable = usable[:GROUPS_AT_MOST]
    need = len(usable) if len(usable) <= 2 else len(usable) - 1
    ors = [" OR ".join(_quoted(t) for t in group) for group in usable]
    # A combination of common words only ("the ... and") finds every other sentence and
    # ranks nothing: left out, unless there is nothing else.
    total = sum(vocabulary.values()) or 1
    common = [sum(vocabulary.get(t, 0) for t in g) > COMMON_SHARE * total for g in usable]
    combos = list(combinations(range(len(usable)), need))
    telling = [c for c in combos if not all(common[i] for i in c)] or combos
    return " OR ".join("(" + " AND ".join(f"({ors[i]})" for i in combo) + ")"
                       for combo in telling)


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _candidates(library: Library, wanted: list[str],
                vocabulary: dict[str, int]) -> dict[int, str]:
    """Candidate sentences (id -> normalised words) from the full-text index, cheapest
    query first: the quote as a phrase; the quote with any one word left out (the one
    misheard, in its place: NEAR allows the gap); and only when those do not settle it,
    sentences holding most of the quote's words or words like them (ranked by bm25, which
    costs more: every sentence with a common word is ranked)."""
    db = library.db

    def matching(query: str) -> list[tuple[int, str]]:
        return db.execute("SELECT rowid, norm FROM sentence_text WHERE sentence_text MATCH ? "
                          "LIMIT ?", (query, CANDIDATE_LIMIT)).fetchall()

    # Two queries, not one OR: a common pair of words would crowd the whole phrase out of
    # the rows the LIMIT lets through.
    exact = matching(_quoted(" ".join(wanted))) if all(w in vocabulary for w in wanted) else []
    parts = _leave_one_out(wanted, vocabulary)
    near = matching(parts) if parts else []
    found = dict(exact + near)
    # The whole phrase found: nothing can score above it (the parts add near places). A
    # part found in a few sentences: those are the places. A common part ("the seconds")
    # fills the LIMIT with rows that may all be wrong, so the widened query runs as well.
    if exact or (len(found) >= ENOUGH_CANDIDATES and len(near) < CANDIDATE_LIMIT):
        return found
    # One word heard as another like it: the phrase with that word swapped for each library
    # word like it. Phrases stream; no ranking is computed.
    groups = alike_terms(wanted, vocabulary)
    swapped = [row for query in _swapped(wanted, groups, vocabulary) for row in matching(query)]
    found.update(swapped)
    if swapped:
        return found
    query = fts_query(wanted, groups, vocabulary)
    if query:
        found.update(db.execute(
            "SELECT rowid, norm FROM sentence_text WHERE sentence_text MATCH ? ORDER BY rank "
            "LIMIT ?", (query, WIDENED_LIMIT)))
    return found


def _swapped(wanted: list[str], groups: list[list[str]],
             vocabulary: dict[str, int]) -> list[str]:
    """For each quote word, the quote with that word swapped for each library word like it:
    `"a x c" OR "a y c"` (one query a place, so a common phrase crowds out only its own)."""
    queries = []
    for place, group in enumerate(groups):
        rest = wanted[:place] + wanted[place + 1:]
        if not all(word in vocabulary for word in rest):
            continue
        ors = [_quoted(" ".join([*wanted[:place], term, *wanted[place + 1:]]))
               for term in group if term != wanted[place]]
        if ors:
            queries.append(" OR ".join(ors))
    return queries


def _leave_one_out(wanted: list[str], vocabulary: dict[str, int]) -> str:
    """The quote less any one word, in order, with room for it: `"b c" OR NEAR("a" "c", 1)
    OR "a b"` (parts with a word the library lacks left out)."""
    ors = []
    for left_out in range(len(wanted) if len(wanted) >= 2 else 0):
        rest = wanted[:left_out] + wanted[left_out + 1:]
        if not all(word in vocabulary for word in rest):
            continue
        if left_out in (0, len(wanted) - 1):
            ors.append(_quoted(" ".join(rest)))
        else:
            ors.append(f"NEAR({' '.join(_quoted(w) for w in rest)}, 1)")
    return " OR ".join(ors)


Window = tuple[int, int, int]  # file id, first and last word position


def _ranked(library: Library, wanted: list[str], candidates: dict[int, str],
            limit: int) -> list[Hit]:
    """The candidate sentences most like the quote anywhere inside them (rapidfuzz
    `partial_ratio`, one call for all); in those, every window of len(wanted) - 1 .. + 1
    words (running on into the next sentence) scored in one `ratio` call; the best windows
    that do not overlap a better one, first."""
    if not candidates:
        return []
    db, size, quote = library.db, len(wanted), " ".join(wanted)
    ids = list(candidates)
    rough = process.cdist([quote], list(candidates.values()), scorer=fuzz.partial_ratio,
                          score_cutoff=NEAR_SCORE, dtype="float32")[0]
    keep = [ids[i] for i in np.argsort(-rough, kind="stable")[:SENTENCES_SCORED] if rough[i]]
    windows: list[Window] = []
    texts: list[str] = []
    for sentence in keep:
        file_id, first, last = db.execute(
            "SELECT file, first, last FROM sentences WHERE id = ?", (sentence,)).fetchone()
        tokens = [(p, n) for p, n in db.execute(
            "SELECT position, norm FROM words WHERE file = ? AND position BETWEEN ? AND ? "
            "ORDER BY position", (file_id, first, last + size)) if n]
        inside = sum(1 for p, _ in tokens if p <= last)
        norms = [n for _, n in tokens]
        for start in range(inside):
            for length in (size - 1, size, size + 1):
                if length >= 1 and start + length <= len(tokens):
                    windows.append((file_id, tokens[start][0], tokens[start + length - 1][0]))
                    texts.append(" ".join(norms[start:start + length]))
    if not windows:
        return []
    scores = process.cdist([quote], texts, scorer=fuzz.ratio, score_cutoff=MATCH_THRESHOLD,
                           dtype="float32")[0]
    order = sorted(scores.nonzero()[0].tolist(),
                   key=lambda i: (-scores[i], abs(windows[i][2] - windows[i][1] + 1 - size),
                                  windows[i][0], windows[i][1]))
    taken: list[tuple[Window, float]] = []
    used: dict[int, list[tuple[int, int]]] = {}
    for i in order:
        file_id, first, last = windows[i]
        spans = used.setdefault(file_id, [])
        if any(first <= b and a <= last for a, b in spans):
            continue
        spans.append((first, last))
        taken.append((windows[i], float(scores[i])))
        if len(taken) == limit:
            break
    return [_hit(library, window, score) for window, score in taken]


def _hit(library: Library, window: Window, score: float) -> Hit:
    db = library.db
    file_id, first, last = window
    path = db.execute("SELECT path FROM files WHERE id = ?", (file_id,)).fetchone()[0]
    rows = db.execute("SELECT text, start, end FROM words WHERE file = ? AND position BETWEEN "
                      "? AND ? ORDER BY position", (file_id, first, last)).fetchall()
    sentence = db.execute("SELECT first, last, text FROM sentences WHERE file = ? AND "
                          "first <= ? ORDER BY first DESC LIMIT 1", (file_id, first)).fetchone()
    return Hit(file=path, start=rows[0][1], end=rows[-1][2],
               text=sentence[2] if sentence else " ".join(r[0] for r in rows),
               words=" ".join(r[0] for r in rows), score=round(score, 1),
               file_id=file_id, first=first, last=last,
               sentence=(sentence[0], sentence[1]) if sentence else None)


def sentence_range(library: Library, hit: Hit) -> tuple[int, int, str]:
    """The sentence holding a hit's first word: (start ms, end ms, its text) in its file."""
    first, last = hit.sentence or (hit.first, hit.last)  # hit.text is the sentence's
    last = max(last, hit.last)
    start = library.db.execute("SELECT start FROM words WHERE file = ? AND position = ?",
                               (hit.file_id, first)).fetchone()[0]
    end = library.db.execute("SELECT end FROM words WHERE file = ? AND position = ?",
                             (hit.file_id, last)).fetchone()[0]
    return start, end, hit.text
