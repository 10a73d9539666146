"""Cleanup commands: remove filler words, shorten long pauses, remove repeated takes.

Each finds ranges on the timeline's words and removes them all with one `delete_ranges`,
so it is one undoable step, and returns a `Removal` saying what went, for the answer
("Removed five fillers, two seconds"). Cuts fall in the silence between words
(`TimelineWords.cut_before`/`cut_after`), never inside a word that stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from voiceedit.timeline.edits import Range, delete_ranges, merge_ranges
from voiceedit.timeline.model import Timeline
from voiceedit.timeline.words import TimelineWords

FILLERS_FILE = Path(__file__).resolve().parents[1] / "grammars" / "lists" / "fillers.list"
REPEAT_SIMILARITY = 80.0  # rapidfuzz ratio above which two sentences are the same take
FALSE_START_SIMILARITY = 90.0  # the end of a sentence this close to the start of the next
MIN_TAKE_WORDS = 3  # "Yes. Yes." is an answer, not a retake


@dataclass(frozen=True)
class Removal:
    timeline: Timeline  # the new timeline
    ranges: tuple[Range, ...]  # what was removed, in the old timeline's times, merged
    pieces: tuple[str, ...]  # what was removed, said: each filler, or each sentence

    @property
    def removed(self) -> int:
        """Total ms removed."""
        return sum(end - start for start, end in self.ranges)


def load_fillers(path: Path = FILLERS_FILE) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines
                     if line.strip() and not line.lstrip().startswith("#"))


def _removal(timeline: Timeline, ranges: list[Range], pieces: list[str]) -> Removal:
    merged = merge_ranges(r for r in ranges if r[0] < r[1])
    if not merged:
        return Removal(timeline, (), ())
    return Removal(delete_ranges(timeline, merged), tuple(merged), tuple(pieces))


def remove_fillers(timeline: Timeline, words: TimelineWords,
                   fillers: frozenset[str] | None = None) -> Removal:
    """Cut each filler word from the middle of the silence before it to the middle of the
    silence after it; a run of fillers goes as one cut.

        | so  um  anyway |  ->  | so anyway |
    """
    fillers = load_fillers() if fillers is None else fillers
    ranges, pieces = [], []
    for index, text in enumerate(words.norm):
        if text in fillers:
            ranges.append((words.cut_before(index), words.cut_after(index, timeline.duration)))
            pieces.append(words.texts[index].strip(",.?!").lower())
    return _removal(timeline, ranges, pieces)


def shorten_pauses(timeline: Timeline, words: TimelineWords, longer: int,
                   to: int) -> Removal:
    """Every silence between two words longer than `longer` ms becomes `to` ms, keeping
    half of `to` after the first word and half before the next.

        | word ........ word |  ->  | word .. word |
    """
    ranges, pieces = [], []
    for index in range(1, len(words)):
        gap_start, gap_end = words.ends[index - 1], words.starts[index]
        if gap_end - gap_start > longer:
            ranges.append((gap_start + to // 2, gap_end - (to - to // 2)))
            pieces.append(f"{words.texts[index - 1]} … {words.texts[index]}")
    return _removal(timeline, ranges, pieces)


def remove_repeated_takes(timeline: Timeline, words: TimelineWords) -> Removal:
    """Where a sentence is said again, remove the earlier take with the pause after it.

    A take is retaken when the next sentence is near-identical to it, or when the end of it
    (at least three words) is said again at the start of the next sentence: a false start,
    or a speaker who went back a few words.

        | So, ask not wh-. Ask not what your country. |  ->  | So, Ask not what your country. |
    """
    sentences = words.sentences()
    ranges, pieces = [], []
    for earlier, later in zip(sentences, sentences[1:], strict=False):
        repeated = _retaken_words(words.norm[earlier.start : earlier.stop],
                                  words.norm[later.start : later.stop])
        if repeated:
            first = earlier.stop - repeated
            ranges.append((words.cut_before(first), words.cut_before(later.start)))
            pieces.append(words.text(range(first, earlier.stop)))
    return _removal(timeline, ranges, pieces)


def _retaken_words(earlier: list[str], later: list[str]) -> int:
    """How many words at the end of `earlier` are said again by `later` (0 if none)."""
    earlier, later = [w for w in earlier if w], [w for w in later if w]
    if len(earlier) >= MIN_TAKE_WORDS and fuzz.ratio(" ".join(earlier),
                                                     " ".join(later)) >= REPEAT_SIMILARITY:
        return len(earlier)
    for count in range(len(earlier), MIN_TAKE_WORDS - 1, -1):
        tail, head = " ".join(earlier[-count:]), " ".join(later[:count])
        if fuzz.ratio(tail, head) >= FALSE_START_SIMILARITY:
            return count
    return 0
