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

With more than one speaker (or a named one), a new cue starts where the speaker changes
and carries the speaker's name: WebVTT's voice span on every cue (`<v Anna>`), and in SRT,
which has none, "Anna: " before the first cue of each turn (its length counts in the line).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from voiceedit.timeline.model import Timeline
from voiceedit.timeline.speaker_names import SpeakerName, name_of
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
    speaker: str = ""  # the speaker's name when captions name speakers
    new_speaker: bool = False  # the first cue of the speaker's turn

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def kept_words(timeline: Timeline, transcripts: Iterable[Transcript]) -> list[TimelineWord]:
    """The words heard in the edit, in timeline order and time."""
    words = TimelineWords.build(timeline, transcripts)
    return [words[index] for index in range(len(words))]


def caption_cues(words: Iterable[TimelineWord], names: tuple[SpeakerName, ...] | None = None,
                 width: int = MAX_LINE) -> list[Cue]:
    """The cues, in lines of at most `width` characters; with `names` given (the project's
    speaker names, maybe none yet), cues are split and labelled by speaker when the words
    have more than one or a named one."""
    words = list(words)
    return labelled_cues(words, speaker_labels(words, names), width)


def labelled_cues(words: list[TimelineWord], labels: list[str],
                  width: int = MAX_LINE) -> list[Cue]:
    """The cues of words whose speaker names are `labels` ("" each when unnamed): a new
    cue at each change of label, its lines measured with "Anna: " before the first word."""
    cues: list[Cue] = []
    first = 0
    for index in range(1, len(words) + 1):
        if index == len(words) or _starts_new_cue(words[first:index], words[index],
                                                  labels[first], labels[index], width):
            cues.append(_cue(words[first:index], labels[first], cues, width))
            first = index
    return cues


def speaker_labels(words: list[TimelineWord],
                   names: tuple[SpeakerName, ...] | None) -> list[str]:
    """Each word's speaker name ("" for all when speakers are not to be named); a word of
    unknown speaker stays with the speaker before it."""
    voices = {w.voice for w in words if w.voice}
    named = names and any((n.source, n.number) in voices for n in names)
    if names is None or not (len(voices) > 1 or named):
        return [""] * len(words)
    labels, last = [], ""
    for word in words:
        last = name_of(names, word.voice) if word.voice else last
        labels.append(last)
    return labels


def _starts_new_cue(group: list[TimelineWord], word: TimelineWord, lead: str,
                    label: str, width: int = MAX_LINE) -> bool:
    last = group[-1]
    return (
        ends_sentence(last)
        or word.start - last.end > MAX_PAUSE
        or word.end - group[0].start > MAX_CUE
        or label != lead
        or len(fill_lines(_texts(group + [word], lead), width)) > MAX_LINES
    )


def _texts(group: list[TimelineWord], lead: str) -> list[str]:
    """The words to fill into lines, the first led by "Anna: " when the cue is labelled."""
    texts = [w.text for w in group]
    return [f"{lead}: {texts[0]}", *texts[1:]] if lead else texts


def fill_lines(texts: list[str], width: int = MAX_LINE) -> list[str]:
    """Words filled into lines of at most `width` characters (a longer word stands alone)."""
    lines: list[str] = []
    for text in texts:
        if lines and len(lines[-1]) + 1 + len(text) <= width:
            lines[-1] += " " + text
        else:
            lines.append(text)
    return lines


def _cue(group: list[TimelineWord], speaker: str, before: list[Cue],
         width: int = MAX_LINE) -> Cue:
    start = group[0].start
    lines = fill_lines(_texts(group, speaker), width)
    if speaker:  # the label was only there to measure the lines; the writers add it
        lines[0] = lines[0].removeprefix(f"{speaker}: ")
    new = bool(speaker) and (not before or before[-1].speaker != speaker)
    return Cue(start, max(group[-1].end, start + 1), tuple(lines), speaker, new)


def timestamp(ms: int, separator: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def write_srt(cues: list[Cue]) -> str:
    blocks = [
        f"{number}\n{timestamp(c.start, ',')} --> {timestamp(c.end, ',')}\n"
        + (f"{c.speaker}: " if c.new_speaker else "") + "\n".join(c.lines)
        for number, c in enumerate(cues, 1)
    ]
    return "\n\n".join(blocks) + "\n"


def write_vtt(cues: list[Cue], header: str = "WEBVTT", numbered: bool = False) -> str:
    """The cues as WebVTT under `header` (its first lines), each cue `numbered` from 1 when
    asked (a cue identifier)."""
    blocks = [
        (f"{number}\n" if numbered else "")
        + f"{timestamp(c.start, '.')} --> {timestamp(c.end, '.')}\n"
        + (f"<v {html.escape(c.speaker)}>" if c.speaker else "")
        + "\n".join(html.escape(line, quote=False) for line in c.lines)  # WebVTT is HTML-like
        for number, c in enumerate(cues, 1)
    ]
    return header + "\n\n" + "\n\n".join(blocks) + "\n"
