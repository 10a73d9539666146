"""Captions (.srt, .vtt) of the edited timeline, from the words the edit keeps.

The words come from timeline/words.py, the same derivation the editing commands use: each
clip keeps the words whose middle lies inside its source range, moved to the clip's place on
the timeline and clipped to its edges, so a caption never shows a word that was cut or
outlives the picture it belongs to:

    source:   Ask not what [your country] can do for you      (cut: "your country")
    timeline: Ask not what | can do for you                   → "Ask not what can do for you"

Cues follow common subtitling practice: at most two lines of 42 characters, at most seven
seconds, a new cue after a sentence ends or a pause of over a second. SRT and WebVTT are
written directly (a timestamp format each); tests read them back with pysubs2 and webvtt-py.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from voiceedit.timeline.model import Timeline
from voiceedit.timeline.transcript import Transcript
from voiceedit.timeline.words import TimelineWord, TimelineWords

MAX_LINE = 42  # characters
MAX_LINES = 2
MAX_CUE = 7_000  # ms
MAX_PAUSE = 1_000  # ms of silence that ends a cue
SENTENCE_ENDS = (".", "?", "!", "…")


def ends_sentence(word: TimelineWord) -> bool:
    return word.text.rstrip("\"')”’").endswith(SENTENCE_ENDS)


@dataclass(frozen=True)
class Cue:
    start: int  # ms on the timeline
    end: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def kept_words(timeline: Timeline, transcripts: Iterable[Transcript]) -> list[TimelineWord]:
    """The words heard in the edit, in timeline order and time."""
    words = TimelineWords.build(timeline, transcripts)
    return [words[index] for index in range(len(words))]


def caption_cues(words: Iterable[TimelineWord]) -> list[Cue]:
    cues: list[Cue] = []
    group: list[TimelineWord] = []
    for word in words:
        if group and _starts_new_cue(group, word):
            cues.append(_cue(group))
            group = []
        group.append(word)
    if group:
        cues.append(_cue(group))
    return cues


def _starts_new_cue(group: list[TimelineWord], word: TimelineWord) -> bool:
    last = group[-1]
    return (
        ends_sentence(last)
        or word.start - last.end > MAX_PAUSE
        or word.end - group[0].start > MAX_CUE
        or len(_lines([w.text for w in group] + [word.text])) > MAX_LINES
    )


def _lines(texts: list[str]) -> list[str]:
    """Words filled into lines of at most MAX_LINE characters (a longer word stands alone)."""
    lines: list[str] = []
    for text in texts:
        if lines and len(lines[-1]) + 1 + len(text) <= MAX_LINE:
            lines[-1] += " " + text
        else:
            lines.append(text)
    return lines


def _cue(group: list[TimelineWord]) -> Cue:
    start = group[0].start
    return Cue(start, max(group[-1].end, start + 1), tuple(_lines([w.text for w in group])))


def timestamp(ms: int, separator: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def write_srt(cues: list[Cue]) -> str:
    blocks = [
        f"{number}\n{timestamp(c.start, ',')} --> {timestamp(c.end, ',')}\n" + "\n".join(c.lines)
        for number, c in enumerate(cues, 1)
    ]
    return "\n\n".join(blocks) + "\n"


def write_vtt(cues: list[Cue]) -> str:
    blocks = [
        f"{timestamp(c.start, '.')} --> {timestamp(c.end, '.')}\n"
        + "\n".join(html.escape(line, quote=False) for line in c.lines)  # WebVTT is HTML-like
        for c in cues
    ]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"
