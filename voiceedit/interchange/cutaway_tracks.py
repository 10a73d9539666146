"""Cutaways in the exports: a second video track above the edit, the b-roll's picture only.

Each format says "picture from another file over the edit, sound from the edit" its own way:

    OTIO, FCP7 XML   a track V2 of gaps and b-roll clips (the FCP7 adapter writes it as a
                     second <track> of the sequence's <video>)
    FCPXML           connected clips, lane 1, picture only (srcEnable="video"), each hung on
                     the spine clip playing where it starts
    MLT              a second playlist of blanks and b-roll entries, its sound hidden, with a
                     `composite` transition over each entry

The pieces arrive flattened (timeline/cutaways.flattened: no two overlap) in timeline ms;
their edges are rounded to frames of the timeline's rate as the clips' are, and a piece's
in-point to frames of the b-roll's own rate.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

from voiceedit.interchange.otio_convert import (
    FrameRange,
    otio_clip,
    source_info,
    source_rate,
    time_range,
    to_frames,
)
from voiceedit.media.probe import MediaInfo
from voiceedit.timeline.cutaways import CutawayPiece


def on_frames(pieces: Sequence[CutawayPiece], rate: Fraction
              ) -> list[tuple[CutawayPiece, int, int]]:
    """Each piece with its first and end frame on the timeline (pieces that round to no
    frame are left out, as on screen)."""
    placed = []
    for piece in pieces:
        first, end = to_frames(piece.start, rate), to_frames(piece.end, rate)
        if end > first:
            placed.append((piece, first, end))
    return placed


def media_frames(piece: CutawayPiece, frames: int, rate: Fraction,
                 info: MediaInfo) -> FrameRange:
    """The b-roll's frames shown by `piece` for `frames` frames of the timeline `rate`."""
    own = source_rate(info, rate)
    first = to_frames(piece.media_in, own)
    return FrameRange(piece.media, own, first, first + round(Fraction(frames) * own / rate))


# --- OpenTimelineIO (and FCP7 XML through its adapter) ------------------------------------


def add_otio_cutaways(document: otio.schema.Timeline, pieces: Sequence[CutawayPiece],
                      sources: Mapping[str, MediaInfo], rate: Fraction,
                      urls: bool = True) -> None:
    """Put track V2 (gaps and b-roll clips) just above the first video track."""
    placed = on_frames(pieces, rate)
    tracks = list(document.tracks)
    video = [n for n, t in enumerate(tracks) if t.kind == otio.schema.TrackKind.Video]
    if not placed or not video:
        return
    track = otio.schema.Track(name="V2", kind=otio.schema.TrackKind.Video)
    at = 0
    for piece, first, end in placed:
        if first > at:
            track.append(otio.schema.Gap(source_range=time_range(0, first - at, rate)))
        info = source_info(sources, piece.media)
        clip = otio_clip(media_frames(piece, end - first, rate, info), info, urls)
        clip.metadata["voiceedit"] = {"cutaway": True}
        track.append(clip)
        at = end
    document.tracks.insert(video[0] + 1, track)


# --- FCPXML ----------------------------------------------------------------------------------


def _seconds(text: str | None) -> Fraction:
    return Fraction((text or "0s").rstrip("s") or "0")


def connect_fcpxml_cutaways(spine: ET.Element, pieces: Sequence[CutawayPiece],
                            asset_ids: Mapping[str, str], sources: Mapping[str, MediaInfo],
                            rate: Fraction, seconds: Callable[[Fraction], str]) -> None:
    """Hang each piece on the spine clip playing where it starts, as a connected clip in
    lane 1 that shows the b-roll's picture only. A connected clip's offset counts in its
    parent's own time: the parent's start plus how far into the parent the piece starts."""
    parents = [(_seconds(c.get("offset")), c) for c in spine if c.tag == "asset-clip"]
    for piece, first, end in on_frames(pieces, rate):
        at = Fraction(first) / rate
        offset, parent = next(((o, c) for o, c in reversed(parents) if o <= at), parents[0])
        info = source_info(sources, piece.media)
        frames = media_frames(piece, end - first, rate, info)
        ET.SubElement(
            parent, "asset-clip", ref=asset_ids[piece.media], lane="1",
            offset=seconds(_seconds(parent.get("start")) + at - offset),
            name=Path(piece.media).name, start=seconds(Fraction(frames.start) / frames.rate),
            duration=seconds(Fraction(end - first) / rate), srcEnable="video")


# --- MLT -------------------------------------------------------------------------------------


def mlt_cutaway_playlist(root: ET.Element, pieces: Sequence[CutawayPiece],
                         producer_ids: dict[str, str], rate: Fraction,
                         add_producer: Callable[[str, str], None]) -> str | None:
    """Write the b-roll producers (`add_producer(id, path)`) and playlist1 of blanks and
    entries; its id, or None without pieces. Written before the tractor that uses it."""
    placed = on_frames(pieces, rate)
    if not placed:
        return None
    for path in dict.fromkeys(piece.media for piece, _, _ in placed):
        if path not in producer_ids:
            producer_ids[path] = f"producer{len(producer_ids)}"
            add_producer(producer_ids[path], path)
    playlist = ET.SubElement(root, "playlist", id="playlist1")
    at = 0
    for piece, first, end in placed:
        if first > at:
            ET.SubElement(playlist, "blank", length=str(first - at))
        start = to_frames(piece.media_in, rate)  # the profile's frames, as every entry's
        ET.SubElement(playlist, "entry", producer=producer_ids[piece.media],
                      **{"in": str(start), "out": str(start + end - first - 1)})
        at = end
    return "playlist1"


def mlt_cutaway_track(tractor: ET.Element, playlist: str, pieces: Sequence[CutawayPiece],
                      rate: Fraction) -> None:
    """The b-roll track (its sound hidden) and a composite over each of its entries, the
    b-roll filling the frame."""
    ET.SubElement(tractor, "track", producer=playlist, hide="audio")
    for _, first, end in on_frames(pieces, rate):
        transition = ET.SubElement(tractor, "transition",
                                   **{"in": str(first), "out": str(end - 1)})
        for name, value in (("a_track", "0"), ("b_track", "1"), ("mlt_service", "composite"),
                            ("geometry", "0%/0%:100%x100%:100"), ("fill", "1"),
                            ("aligned", "1"), ("progressive", "1")):
            ET.SubElement(transition, "property", name=name).text = value
