"""FCPXML (Final Cut Pro), written and read here rather than by `otio-fcpx-xml-adapter`.

The adapter (1.0.0, the only release) looks frame rates up in a table keyed by `int(rate)`,
so 29.97 and 23.976 sources crash its writer, and its reader truncates those rates to 29 and
23, moving every cut. FCPXML keeps times as exact rational seconds ("1001/30000s"), which is
what our frame counts are, so the document is simple to write exactly: one format, one asset
per source, and one `asset-clip` per clip in the project's spine, picture and sound together
as Final Cut itself writes them.

    <spine>
      <asset-clip ref="r2" offset="0s" start="2/5s" duration="17/5s" name="interview.mp4"/>

The adapter still reads our files back (tests check it at 25 and 30 fps), and `read_fcpxml`
turns an FCPXML spine into an OTIO timeline with exact rates for import, refusing any time
or rate it cannot use as it reads it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

from voiceedit.errors import VoiceEditError
from voiceedit.interchange.cutaway_tracks import connect_fcpxml_cutaways
from voiceedit.interchange.otio_convert import (
    FrameRange,
    frame_ranges,
    media_url,
    source_info,
    source_rate,
    standard_rate,
    time_range,
    timeline_rate,
    to_frames,
)
from voiceedit.interchange.untrusted import check_xml, shown
from voiceedit.media.probe import MediaInfo
from voiceedit.timeline.cutaways import CutawayPiece
from voiceedit.timeline.model import Timeline

VERSION = "1.8"  # the last version whose assets carry `src`; Final Cut 10.4 and later read it
DROP_FRAME_RATES = (Fraction(30000, 1001), Fraction(60000, 1001))
AUDIO_ONLY_SIZE = (1920, 1080)
# Time-of-day timecode starts media up to a day in; no source or timeline is months long.
MAX_SECONDS = 1_000_000
_TIME = re.compile(r"^\s*(\d{1,30}(?:\.\d{1,30})?)(?:/(\d{1,30}))?s?\s*$")


def seconds(value: Fraction) -> str:
    """FCPXML time: "0s", "3s", "1001/30000s"."""
    value = Fraction(value)
    if value.denominator == 1:
        return f"{value.numerator}s"
    return f"{value.numerator}/{value.denominator}s"


def read_time(element: ET.Element, attribute: str, name: str, positive: bool = False) -> Fraction:
    """An FCPXML time attribute as exact seconds (absent is 0), or a sentence naming the file
    and the value. Times are plain rationals ("1001/30000s", "3s"), never negative, beyond
    MAX_SECONDS or in exponent form (Fraction would build "1e999999999" digit by digit); a
    `positive` one (a frame duration) is never zero either."""
    text = element.get(attribute)
    if not text and not positive:
        return Fraction(0)
    match = _TIME.match(text or "")
    value = Fraction(match.group(1)) if match else None
    if match and match.group(2):
        denominator = int(match.group(2))
        value = value / denominator if denominator else None
    if value is None or value > MAX_SECONDS or (positive and value == 0):
        raise VoiceEditError(f'{name} has a time I can\'t use: {attribute}="{shown(text or "")}".')
    return value


def write_fcpxml(timeline: Timeline, sources: Mapping[str, MediaInfo], title: str,
                 cutaways: Sequence[CutawayPiece] = ()) -> str:
    rate = timeline_rate(timeline, sources)
    ranges = frame_ranges(timeline, sources)
    root = ET.Element("fcpxml", version=VERSION)
    resources = ET.SubElement(root, "resources")
    video = next((i for i in sources.values() if i.has_video and i.width), None)
    width, height = (video.width, video.height) if video else AUDIO_ONLY_SIZE
    ET.SubElement(
        resources, "format", id="r1", frameDuration=seconds(1 / rate),
        width=str(width), height=str(height),
    )
    asset_ids: dict[str, str] = {}
    for path in dict.fromkeys([*(r.source for r in ranges), *(p.media for p in cutaways)]):
        asset_ids[path] = f"r{len(asset_ids) + 2}"
        _asset(resources, asset_ids[path], source_info(sources, path), rate)
    event = ET.SubElement(ET.SubElement(root, "library"), "event", name=title)
    project = ET.SubElement(event, "project", name=title)
    duration = sum((Fraction(r.duration) / r.rate for r in ranges), Fraction(0))
    sequence = ET.SubElement(
        project, "sequence", format="r1", duration=seconds(duration), tcStart="0s",
        tcFormat="DF" if rate in DROP_FRAME_RATES else "NDF", audioLayout="stereo",
        audioRate="48k",
    )
    spine = ET.SubElement(sequence, "spine")
    offset = Fraction(0)
    for frames in ranges:
        _asset_clip(spine, frames, asset_ids[frames.source], offset)
        offset += Fraction(frames.duration) / frames.rate
    if cutaways:  # connected clips in lane 1 (cutaway_tracks.py)
        connect_fcpxml_cutaways(spine, cutaways, asset_ids, sources, rate, seconds)
    ET.indent(root, space="    ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n{body}\n'


def _asset(resources: ET.Element, asset_id: str, info: MediaInfo, rate: Fraction) -> None:
    own_rate = source_rate(info, rate)
    length = Fraction(to_frames(info.duration, own_rate)) / own_rate
    ET.SubElement(
        resources, "asset", id=asset_id, name=Path(info.path).name, src=media_url(info.path),
        start="0s", duration=seconds(length), hasVideo="1" if info.has_video else "0",
        hasAudio="1" if info.has_audio else "0", format="r1",
        **({"audioRate": str(info.sample_rate)} if info.sample_rate else {}),
    )


def _asset_clip(spine: ET.Element, frames: FrameRange, asset_id: str, offset: Fraction) -> None:
    ET.SubElement(
        spine, "asset-clip", ref=asset_id, offset=seconds(offset),
        name=Path(frames.source).name, start=seconds(Fraction(frames.start) / frames.rate),
        duration=seconds(Fraction(frames.duration) / frames.rate),
    )


def read_fcpxml(data: str | bytes, name: str = "That FCPXML") -> otio.schema.Timeline:
    """The first project's spine as an OTIO timeline, times exact at each clip's format rate.
    Plain clips only: compound, multicam and synchronised clips are refused by name. `data`
    is decoded as its XML declaration or byte-order mark says; `name` names the file in
    what we say."""
    data = data.encode("utf-8") if isinstance(data, str) else data
    check_xml(data, name)
    root = ET.fromstring(data)
    formats = {f.get("id"): f for f in root.iter("format")}
    assets = {a.get("id"): a for a in root.iter("asset")}
    sequence = root.find(".//project/sequence")
    if sequence is None or sequence.find("spine") is None:
        raise VoiceEditError(f"{name} has no project timeline in it.")
    default_format = sequence.get("format")
    document = otio.schema.Timeline(name=root.find(".//project").get("name", ""))
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    for element in sequence.find("spine"):
        if element.tag in ("gap", "transition", "title"):
            continue
        if element.tag not in ("asset-clip", "clip"):
            raise VoiceEditError(
                f"{name} has a {element.tag} in its timeline; I can only import plain "
                "clips. Break it apart in Final Cut first."
            )
        track.append(_clip(element, assets, formats, default_format, name))
    document.tracks.append(track)
    return document


def _clip(
    element: ET.Element, assets: dict, formats: dict, default_format: str | None, name: str
) -> otio.schema.Clip:
    """An asset-clip, or a clip wrapping one video or audio element (as the OTIO adapter
    writes them): its source range in frames of its format's rate."""
    read_time(element, "offset", name)  # unused (gaps close up), but a bad one is a bad file
    start = read_time(element, "start", name)
    media = element
    if element.tag == "clip":
        media = next((c for c in element.iter() if c.tag in ("video", "audio") and c.get("ref")),
                     None)
        if media is None:
            raise VoiceEditError(f"The clip {element.get('name', '')} refers to no media.")
        start += read_time(media, "start", name) - read_time(media, "offset", name)
    asset = assets.get(media.get("ref"))
    if asset is None:
        raise VoiceEditError(f"The clip {element.get('name', '')} refers to missing media.")
    format_element = formats.get(
        element.get("format") or asset.get("format") or default_format
    )
    if format_element is None or not format_element.get("frameDuration"):
        raise VoiceEditError(f"{name} has a clip without a frame rate.")
    rate = standard_rate(1 / read_time(format_element, "frameDuration", name, positive=True))
    start -= read_time(asset, "start", name)
    duration = read_time(element, "duration", name)
    source = asset.get("src") or _media_rep(asset, name)
    reference = otio.schema.ExternalReference(target_url=source)
    reference.name = asset.get("name", "")
    first, length = round(start * rate), round(duration * rate)
    return otio.schema.Clip(
        name=element.get("name") or asset.get("name", ""),
        media_reference=reference,
        source_range=time_range(first, length, rate),
    )


def _media_rep(asset: ET.Element, name: str) -> str:
    """FCPXML 1.9 and later keep the file in <media-rep kind="original-media" src=…>."""
    for rep in asset.iter("media-rep"):
        if rep.get("src"):
            return rep.get("src")
    raise VoiceEditError(f"The media {asset.get('name', '')} has no file named in {name}.")

