"""MLT XML for Shotcut, Kdenlive and `melt`, written here with the source's own profile.

The otio-mlt-adapter leaves the <profile> out, and melt then renders in its default PAL
profile (720x576, 25 fps), stretching the picture and moving every cut on 29.97 footage.
We describe the first video source exactly: size, frame rate as a fraction, pixel aspect,
colour space and scan. Positions are frames of that profile; MLT's `out` is inclusive.

    <profile width="1920" height="1080" frame_rate_num="30000" frame_rate_den="1001" …/>
    <producer id="producer0"> resource=/footage/interview.mp4 </producer>
    <playlist id="playlist0"> <entry producer="producer0" in="12" out="113"/> … </playlist>
    <tractor id="tractor0"> <track producer="playlist0"/> </tractor>
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from voiceedit.interchange.cutaway_tracks import mlt_cutaway_playlist, mlt_cutaway_track
from voiceedit.interchange.otio_convert import (
    frame_ranges,
    source_info,
    timeline_rate,
    to_frames,
)
from voiceedit.media.probe import MediaInfo, video_stream_fields
from voiceedit.timeline.cutaways import CutawayPiece
from voiceedit.timeline.model import Timeline

MLT_VERSION = "7.12.0"
AUDIO_ONLY_SIZE = (1920, 1080)
# ffprobe's colour spaces → the three MLT knows by number.
COLORSPACES = {"bt709": 709, "smpte170m": 601, "bt470bg": 601, "bt2020nc": 2020, "bt2020c": 2020}


@dataclass(frozen=True)
class Profile:
    width: int
    height: int
    rate: Fraction
    sample_aspect: Fraction = Fraction(1)
    colorspace: int = 709
    progressive: bool = True

    @property
    def display_aspect(self) -> Fraction:
        return Fraction(self.width) * self.sample_aspect / self.height

    def to_attributes(self) -> dict[str, str]:
        rate = f"{float(self.rate):.3f}".rstrip("0").rstrip(".")
        return {
            "description": f"{self.width}x{self.height} {rate} fps",
            "width": str(self.width),
            "height": str(self.height),
            "progressive": "1" if self.progressive else "0",
            "sample_aspect_num": str(self.sample_aspect.numerator),
            "sample_aspect_den": str(self.sample_aspect.denominator),
            "display_aspect_num": str(self.display_aspect.numerator),
            "display_aspect_den": str(self.display_aspect.denominator),
            "frame_rate_num": str(self.rate.numerator),
            "frame_rate_den": str(self.rate.denominator),
            "colorspace": str(self.colorspace),
        }


def profile_for(timeline: Timeline, sources: Mapping[str, MediaInfo]) -> Profile:
    """The profile of the first video source the timeline uses (any video source if none)."""
    rate = timeline_rate(timeline, sources)
    infos = [sources.get(c.source) for c in timeline.clips] + list(sources.values())
    video = next((i for i in infos if i is not None and i.has_video and i.width), None)
    if video is None:
        return Profile(*AUDIO_ONLY_SIZE, rate)
    sample_aspect, colorspace, progressive = _picture_details(video)
    return Profile(video.width, video.height, rate, sample_aspect, colorspace, progressive)


def _picture_details(info: MediaInfo) -> tuple[Fraction, int, bool]:
    """Pixel aspect, MLT colour space and scan of a video file; MediaInfo doesn't carry them.
    Unknown values take the usual ones: square pixels, BT.709 from 720 lines up, progressive."""
    default_colorspace = 709 if info.height >= 720 else 601
    stream = video_stream_fields(info.path, "stream=sample_aspect_ratio,color_space,field_order")
    sample_aspect = _ratio(stream.get("sample_aspect_ratio", ""))
    colorspace = COLORSPACES.get(stream.get("color_space", ""), default_colorspace)
    progressive = stream.get("field_order", "progressive") in ("progressive", "unknown")
    return sample_aspect, colorspace, progressive


def _ratio(text: str) -> Fraction:
    """ "64:45" as a fraction; "0:1", "N/A" or nothing as square pixels."""
    num, _, den = text.partition(":")
    if num.isdigit() and den.isdigit() and int(num) and int(den):
        return Fraction(int(num), int(den))
    return Fraction(1)


def write_mlt(timeline: Timeline, sources: Mapping[str, MediaInfo], title: str,
              cutaways: Sequence[CutawayPiece] = ()) -> str:
    profile = profile_for(timeline, sources)
    ranges = frame_ranges(timeline, sources, rate=profile.rate)
    root = ET.Element(
        "mlt", LC_NUMERIC="C", version=MLT_VERSION, title=title, producer="tractor0"
    )
    ET.SubElement(root, "profile", profile.to_attributes())
    producer_ids: dict[str, str] = {}
    for path in dict.fromkeys(r.source for r in ranges):
        producer_ids[path] = f"producer{len(producer_ids)}"
        _producer(root, producer_ids[path], source_info(sources, path), profile.rate)
    playlist = ET.SubElement(root, "playlist", id="playlist0")
    for frames in ranges:
        ET.SubElement(
            playlist, "entry", producer=producer_ids[frames.source],
            **{"in": str(frames.start), "out": str(frames.end - 1)},
        )
    def add_producer(producer_id: str, path: str) -> None:
        _producer(root, producer_id, source_info(sources, path), profile.rate)

    broll = mlt_cutaway_playlist(root, cutaways, producer_ids, profile.rate, add_producer)
    total = sum(r.duration for r in ranges)
    tractor = ET.SubElement(root, "tractor", id="tractor0", title=title, **{
        "in": "0", "out": str(max(total - 1, 0))})
    ET.SubElement(tractor, "track", producer="playlist0")
    if broll is not None:  # a second track, composited over the first (cutaway_tracks.py)
        mlt_cutaway_track(tractor, broll, cutaways, profile.rate)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _producer(root: ET.Element, producer_id: str, info: MediaInfo, rate: Fraction) -> None:
    length = to_frames(info.duration, rate)
    producer = ET.SubElement(
        root, "producer", id=producer_id, **{"in": "0", "out": str(max(length - 1, 0))}
    )
    for name, value in (
        ("length", str(length)),
        ("eof", "pause"),
        ("resource", info.path),
        ("mlt_service", "avformat"),
        ("seekable", "1"),
    ):
        ET.SubElement(producer, "property", name=name).text = value
