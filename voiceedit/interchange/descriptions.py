"""Audio descriptions as a WebVTT file of kind "descriptions" (`x.descriptions.vtt`).

A player that supports text descriptions (`<track kind="descriptions">` in HTML) reads
each cue to a blind viewer with its own screen reader or voice; it is also the script a
describer or a dubbing house works from. Each cue lies where its description plays on the
edited timeline and lasts as long as its synthesised speech; one cut out of the edit is
left out, as a caption of cut words is.
"""

from __future__ import annotations

from voiceedit.interchange.captions import Cue, write_vtt
from voiceedit.timeline.finishing import Description
from voiceedit.timeline.layers import timeline_time
from voiceedit.timeline.model import Timeline


def description_cues(timeline: Timeline,
                     descriptions: tuple[Description, ...]) -> list[tuple[int, int, str]]:
    """(start, end, text) on the timeline, in order, for the descriptions the edit keeps."""
    cues = []
    for item in descriptions:
        start = timeline_time(item.anchor, timeline)
        if start is not None:
            cues.append((start, start + max(1, item.duration), item.text))
    return sorted(cues)


def write_descriptions_vtt(cues: list[tuple[int, int, str]]) -> str:
    return write_vtt([Cue(start, end, (" ".join(text.split()),)) for start, end, text in cues],
                     header="WEBVTT\nKind: descriptions", numbered=True)
