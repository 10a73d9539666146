"""Captions to burn into the picture: large, high-contrast, from the edited transcript.

The words and their timeline times are those of the SRT export (captions.kept_words: the
corrected words each clip keeps). Burned-in text must be read at a glance on a phone, so
the cues are shorter than a subtitle file's: at most two lines of about 32 characters
(the BBC's and Netflix's guidance for large type), a new cue after a sentence, a pause of
over a second, or a change of speaker when names are shown.

The style is an ASS file written with pysubs2 for the output's exact size (so libass does
not stretch it): DejaVu Sans Bold at 1/14 of the picture's height (narrower for portrait
video, so 32 characters still fit the width), white on an opaque black box (BorderStyle 3),
bottom centre. media/overlay.py burns it in with ffmpeg's `subtitles` filter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import pysubs2

from voiceedit.interchange.captions import Cue, kept_words, labelled_cues, speaker_labels
from voiceedit.timeline.model import Timeline
from voiceedit.timeline.speaker_names import SpeakerName
from voiceedit.timeline.transcript import Transcript
from voiceedit.timeline.words import TimelineWord

MAX_LINE = 32  # characters
FONT = "DejaVu Sans"  # fonts-dejavu-core: media/overlay.FONTS_DIR


def burned_cues(words: list[TimelineWord], labels: list[str] | None = None) -> list[Cue]:
    """The words grouped into cues of at most two lines of MAX_LINE characters; with
    `labels` (each word's speaker name: captions.speaker_labels), a cue starts at each
    change of speaker and names them. The lines are measured with the "Anna: " label in
    them (captions.labelled_cues), so a labelled cue keeps to two lines too."""
    cues = labelled_cues(words, labels or [""] * len(words), MAX_LINE)
    return [replace(cue, lines=(f"{cue.speaker}: {cue.lines[0]}", *cue.lines[1:]))
            if cue.speaker else cue for cue in cues]


def captions_ass(cues: list[Cue], width: int, height: int) -> str:
    """The cues as an ASS document for a `width` x `height` picture."""
    subs = pysubs2.SSAFile()
    subs.info.update({"PlayResX": str(width), "PlayResY": str(height), "WrapStyle": "0",
                      "ScaledBorderAndShadow": "yes"})
    size = min(height / 14, width / 21)  # 32 bold characters take about 20 font sizes
    black, white = pysubs2.Color(0, 0, 0, 0), pysubs2.Color(255, 255, 255, 0)
    subs.styles["Default"] = pysubs2.SSAStyle(
        fontname=FONT, fontsize=round(size), bold=True, primarycolor=white,
        outlinecolor=black, backcolor=black, borderstyle=3, outline=round(size / 5),
        shadow=0, alignment=pysubs2.Alignment.BOTTOM_CENTER,
        marginl=round(width / 20), marginr=round(width / 20), marginv=round(height / 18))
    for cue in cues:
        event = pysubs2.SSAEvent(start=cue.start, end=cue.end)
        event.plaintext = "\n".join(_plain(line) for line in cue.lines)
        subs.append(event)
    return subs.to_string("ass")


def _plain(text: str) -> str:
    """Text without what ASS reads as commands: {override blocks} and \\ escapes."""
    return text.replace("{", "(").replace("}", ")").replace("\\", "/")


def edit_captions(timeline: Timeline, transcripts: Mapping[str, Transcript],
                  names: tuple[SpeakerName, ...] | None = None) -> list[Cue]:
    """The burned-in cues of the edit, naming speakers as the SRT export does when `names`
    (the project's speaker names) is given; empty when no word is kept."""
    words = kept_words(timeline, transcripts.values())
    return burned_cues(words, speaker_labels(words, names) if names is not None else None)
