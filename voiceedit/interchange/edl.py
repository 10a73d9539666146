"""CMX 3600 EDL through `otio-cmx3600-adapter`, with the three things the adapter leaves out.

- Reel names: the adapter derives them from the file name and keeps spaces, so a reel like
  "my clip" splits the event line into the wrong number of fields. We give every clip a reel
  of at most eight letters and digits.
- Channels: the adapter writes one track and marks every event "V". An event from a file
  with sound is "B" (picture and sound), from a sound-only file "A", as editors expect.
- The rate: an EDL does not say its rate, and reading one at the wrong rate moves every cut.
  We write the FCM line (drop frame at 29.97) and, when reading, take the rate from the
  media the EDL names.

    001  interview B     C        00:00:00:10 00:00:03:20 00:00:00:00 00:00:03:10
    * FROM CLIP NAME:  interview.mp4
    * FROM CLIP: /footage/interview.mp4
    * LOC: 00:00:01:05 MAGENTA CHAPTER: INTRO

Chapters, markers, shots and picture problems are locators (`* LOC`) under the event they
fall in, at the source timecode of that frame as the adapter reads them back, in their
kind's colour (timeline/marks.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

from voiceedit.errors import VoiceEditError
from voiceedit.interchange.otio_convert import (
    frame_ranges,
    marks_in_clips,
    otio_clip,
    otio_marker,
    source_info,
    standard_rate,
    time_range,
    timeline_rate,
)
from voiceedit.media.probe import MediaInfo
from voiceedit.timeline.marks import Mark
from voiceedit.timeline.model import Timeline

MAX_EVENTS = 999  # edit numbers have three digits
DROP_FRAME_RATES = (Fraction(30000, 1001), Fraction(60000, 1001))
_EVENT_LINE = re.compile(r"^(\d{3}  .{8} )V    ( C )", re.MULTILINE)
_SOURCE_COMMENT = re.compile(r"^\*\s*FROM (?:CLIP|FILE)(?: NAME)?:\s*(.+?)\s*$", re.MULTILINE)


def reel_name(path: str) -> str:
    """Up to eight letters and digits from the file name; "AX" (auxiliary) if none."""
    return re.sub(r"[^A-Za-z0-9]", "", Path(path).stem)[:8] or "AX"


def channel(info: MediaInfo) -> str:
    if info.has_video and info.has_audio:
        return "B"
    return "V" if info.has_video else "A"


def write_edl(timeline: Timeline, sources: Mapping[str, MediaInfo], title: str,
              marks: Sequence[Mark] = ()) -> str:
    ranges = frame_ranges(timeline, sources)
    if len(ranges) > MAX_EVENTS:
        raise VoiceEditError(
            f"An EDL holds at most {MAX_EVENTS} clips and this timeline has {len(ranges)}; "
            "export as XML instead."
        )
    infos = [source_info(sources, r.source) for r in ranges]
    track = otio.schema.Track(name="V", kind=otio.schema.TrackKind.Video)
    for frames, info in zip(ranges, infos, strict=True):
        clip = otio_clip(frames, info, urls=False)
        clip.metadata["cmx_3600"] = {"reel": reel_name(info.path)}
        track.append(clip)
    clips = list(track)
    for index, frame, mark in marks_in_clips(ranges, marks):
        # The locator's words are the whole line's end: one line, no kind lost.
        located = Mark(mark.time, mark.label, mark.kind)
        clips[index].markers.append(otio_marker(
            located, time_range(frame, 0, ranges[index].rate)))
    document = otio.schema.Timeline(name=title or "voiceedit")
    document.tracks.append(track)
    rate = timeline_rate(timeline, sources)
    text = otio.adapters.write_to_string(document, "cmx_3600", rate=float(rate))
    channels = iter(channel(info) for info in infos)
    text = _EVENT_LINE.sub(lambda m: f"{m.group(1)}{next(channels):5}{m.group(2)}", text)
    fcm = "FCM: DROP FRAME" if rate in DROP_FRAME_RATES else "FCM: NON-DROP FRAME"
    title_line, _, events = text.partition("\n\n")  # the adapter writes "TITLE: …\n\n"
    return f"{title_line}\n{fcm}\n\n{events}"


def named_sources(text: str) -> list[str]:
    """The media an EDL names in its FROM CLIP / FROM FILE comments, in order, once each."""
    return list(dict.fromkeys(_SOURCE_COMMENT.findall(text)))


def read_edl(text: str, rate: Fraction) -> otio.schema.Timeline:
    try:
        return otio.adapters.read_from_string(
            text, "cmx_3600", rate=float(standard_rate(rate)), ignore_timecode_mismatch=True
        )
    except (otio.exceptions.OTIOError, ValueError, IndexError) as error:
        raise VoiceEditError(f"That EDL is not one I can read: {error}.") from None


def decode_edl(data: bytes) -> str:
    """EDLs come from old systems: UTF-8 if it decodes, else Latin-1."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")
