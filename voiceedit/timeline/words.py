"""The transcript of the edited timeline, derived from the kept ranges of each source.

A source word belongs to a clip when its midpoint lies inside the clip's source range (so a
word cut in half by a time-based edit is counted once, on the side that has most of it); its
timeline time is its source time shifted by the clip's offset, clamped to the clip.

The words are stored as parallel lists (text, start, end, clip) rather than one object a
word: building them for 100,000 words over 5,000 clips is a few list slices a clip, and
`index_at` is a bisect. Nothing is stored on disk: this is recomputed from the timeline.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from num2words import num2words

from voiceedit.timeline.corrections import Correction
from voiceedit.timeline.model import Timeline
from voiceedit.timeline.transcript import Transcript

_PUNCTUATION = re.compile(r"[^\w' ]+")
SENTENCE_PAUSE = 1000  # ms of silence that ends a sentence even without a full stop
SENTENCE_END = (".", "?", "!")
SNAP_TO_JOIN = 1000  # ms: a clip join this close to a word is where a cut next to it goes


def normalize(text: str) -> str:
    """Lower case, punctuation to spaces, digits spelled out: "Ten-year-old, 10" ->
    "ten year old ten"."""
    return " ".join(filter(None, (normalize_word(word) for word in text.split())))


@lru_cache(maxsize=65536)
def normalize_word(word: str) -> str:
    """One transcript token normalised; may be "" (punctuation) or several words ("1961")."""
    words = []
    for part in _PUNCTUATION.sub(" ", word.lower().replace("-", " ")).split():
        part = part.strip("'")
        if part.isascii() and part.isdigit() and len(part) <= 12:
            spelled = _PUNCTUATION.sub(" ", num2words(int(part)).replace("-", " "))
            part = " ".join(w for w in spelled.split() if w != "and")
        if part:
            words.append(part)
    return " ".join(words)


@dataclass(frozen=True)
class TimelineWord:
    text: str
    start: int  # timeline ms
    end: int  # timeline ms
    clip: int  # 0-based index of the clip it plays in
    voice: tuple[str, int] | None = None  # (source, speaker number) who says it, if known


def _clamped(times: list[int], offset: int, low: int, high: int) -> list[int]:
    """`times` shifted by `offset` and kept inside [low, high]. Only a word at a clip's edge
    can stick out, so the per-word clamp runs only when one does: rebuilding the words of a
    10,000-word timeline after each edit stays a few list operations a clip."""
    shifted = list(map(offset.__add__, times)) if offset else times
    if shifted and (min(shifted) < low or max(shifted) > high):
        return [min(high, max(low, time)) for time in shifted]
    return shifted


class SourceWords:
    """One source's words as sorted lists, with each word's midpoint for clip membership."""

    def __init__(self, transcript: Transcript, corrections: tuple[Correction, ...] = ()) -> None:
        self.corrections = corrections  # those already applied to `transcript`: a cache key
        words = sorted(transcript.words, key=lambda w: w.start)
        self.texts = [w.text.strip() for w in words]
        self.norm = [normalize_word(text) for text in self.texts]
        self.starts = [w.start for w in words]
        self.ends = [w.end for w in words]
        self.mids = [(w.start + w.end) // 2 for w in words]
        self.speakers = [w.speaker for w in words]


class TimelineWords:
    """Every word heard on the timeline, in timeline order, with timeline times."""

    def __init__(self, timeline: Timeline, sources: Mapping[str, SourceWords]) -> None:
        self.texts: list[str] = []
        self.norm: list[str] = []  # normalised for matching (see quotes.normalize_word)
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.clips: list[int] = []
        self.sources: list[str] = []  # each clip's source, by clip index
        self.source_index: list[int] = []  # each word's index among its source's words
        self.speakers: list[int | None] = []  # each word's speaker within its source
        self._clip_starts = [timeline.clip_start(i) for i in range(len(timeline.clips) + 1)]
        for number, clip in enumerate(timeline.clips):
            self.sources.append(clip.source)
            words = sources.get(clip.source)
            if words is None:
                continue
            first = bisect_left(words.mids, clip.source_in)
            last = bisect_left(words.mids, clip.source_out)
            if first == last:
                continue
            offset = timeline.clip_start(number) - clip.source_in
            low, high = timeline.clip_start(number), timeline.clip_start(number) + clip.duration
            self.texts.extend(words.texts[first:last])
            self.norm.extend(words.norm[first:last])
            self.starts.extend(_clamped(words.starts[first:last], offset, low, high))
            self.ends.extend(_clamped(words.ends[first:last], offset, low, high))
            self.clips.extend([number] * (last - first))
            self.source_index.extend(range(first, last))
            self.speakers.extend(words.speakers[first:last])

    @classmethod
    def build(cls, timeline: Timeline, transcripts: Iterable[Transcript]) -> TimelineWords:
        return cls(timeline, {t.media: SourceWords(t) for t in transcripts})

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, index: int) -> TimelineWord:
        speaker = self.speakers[index]
        voice = (self.sources[self.clips[index]], speaker) if speaker is not None else None
        return TimelineWord(self.texts[index], self.starts[index], self.ends[index],
                            self.clips[index], voice)

    def index_at(self, time: int) -> int | None:
        """The word being said at `time`, else the next one after it, else None."""
        index = bisect_right(self.ends, time)
        return index if index < len(self.texts) else None

    def between(self, start: int, end: int) -> range:
        """Indices of the words whose middle lies in [start, end)."""
        first = bisect_left(self.ends, start)
        while first < len(self.texts) and (self.starts[first] + self.ends[first]) // 2 < start:
            first += 1
        last = bisect_left(self.starts, end)
        while last > first and (self.starts[last - 1] + self.ends[last - 1]) // 2 >= end:
            last -= 1
        return range(first, max(first, last))

    def text(self, indices: range, limit: int | None = None) -> str:
        """The words as one string; with `limit`, the first `limit` words and an ellipsis."""
        words = self.texts[indices.start : indices.stop]
        if limit is not None and len(words) > limit:
            return " ".join(words[:limit]) + " …"
        return " ".join(words)

    def gap_before(self, index: int) -> tuple[int, int]:
        """The silence before word `index`: (end of the previous word or 0, start of this)."""
        previous = self.ends[index - 1] if index > 0 else 0
        return min(previous, self.starts[index]), self.starts[index]

    def gap_after(self, index: int, duration: int) -> tuple[int, int]:
        """The silence after word `index`: (its end, start of the next word or `duration`)."""
        following = self.starts[index + 1] if index + 1 < len(self.texts) else duration
        return self.ends[index], max(following, self.ends[index])

    def cut_before(self, index: int) -> int:
        """Where to cut so that word `index` starts the kept part: in the silence before it,
        so neither it nor the word before loses a syllable. The middle of that silence, or
        the clip join inside it if there is one near the word: cutting there again leaves
        no sliver of the other clip behind."""
        low, high = self.gap_before(index)
        join = self._clip_starts[self.clips[index]]
        if low <= join:
            if high - join <= SNAP_TO_JOIN:
                return join
            low = join  # a long silent stretch before the word: keep its first half
        return (low + high) // 2

    def cut_after(self, index: int, duration: int) -> int:
        """Where to cut so that word `index` ends the kept part (see `cut_before`)."""
        low, high = self.gap_after(index, duration)
        join = self._clip_starts[self.clips[index] + 1]
        if join <= high:
            if join - low <= SNAP_TO_JOIN:
                return join
            high = join
        return (low + high) // 2

    def sentence_end(self, first: int) -> int:
        """Index of the last word of the sentence starting at `first`: the next word ending in
        a full stop, question or exclamation mark, or before a pause of a second, or the last
        word of the timeline."""
        last = first
        while not self.ends_sentence(last):
            last += 1
        return last

    def ends_sentence(self, index: int) -> bool:
        """Whether word `index` is the last of its sentence: it ends in a full stop, question
        or exclamation mark, a pause of a second follows, or it is the timeline's last word."""
        if index + 1 >= len(self.texts) or self.texts[index].endswith(SENTENCE_END):
            return True
        return self.starts[index + 1] - self.ends[index] >= SENTENCE_PAUSE

    def sentences(self) -> list[range]:
        """Every sentence on the timeline as a range of word indices."""
        found = []
        first = 0
        while first < len(self.texts):
            last = self.sentence_end(first)
            found.append(range(first, last + 1))
            first = last + 1
        return found
