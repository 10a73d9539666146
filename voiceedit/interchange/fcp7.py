"""FCP7 XML (Premiere, Resolve) through `otio-fcp-adapter`, with the sequence's picture size.

The adapter writes an empty <format/> for the sequence, and Premiere and Resolve then make a
sequence of their default size. The adapter builds the <sequence> element from the OTIO
timeline's "fcp_xml" metadata, which is where its reader keeps what it read, so we put the
source's size and rate there:

    <sequence> <media> <video> <format> <samplecharacteristics>
        <width>1920</width> <height>1080</height> <rate><timebase>30</timebase><ntsc>TRUE</ntsc>

Reading goes through the adapter too, after untrusted.py has bounded the file and every
<timebase> is checked to be a positive number: the adapter divides by it, and a zero
there would come out as a NaN deep inside the conversion. The adapter is given the document
as text, re-written from the tree, so whatever encoding the file declared it reads as UTF-8.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from fractions import Fraction

import opentimelineio as otio

from voiceedit.errors import VoiceEditError
from voiceedit.interchange.otio_convert import timeline_rate, to_otio
from voiceedit.interchange.untrusted import check_xml, shown
from voiceedit.media.probe import MediaInfo
from voiceedit.timeline.cutaways import CutawayPiece
from voiceedit.timeline.model import Timeline

AUDIO_ONLY_SIZE = (1920, 1080)


def fcp7_rate(rate: Fraction) -> dict[str, str]:
    """FCP7 rates are a whole timebase and an NTSC flag: 30000/1001 is 30, TRUE."""
    timebase = math.ceil(rate)
    return {"timebase": str(timebase), "ntsc": "FALSE" if rate == timebase else "TRUE"}


def write_fcp7_xml(timeline: Timeline, sources: Mapping[str, MediaInfo], title: str,
                   cutaways: Sequence[CutawayPiece] = ()) -> str:
    document = to_otio(timeline, sources, title, cutaways=cutaways)  # cutaways: track V2
    infos = [sources.get(c.source) for c in timeline.clips] + list(sources.values())
    video = next((i for i in infos if i is not None and i.has_video and i.width), None)
    width, height = (video.width, video.height) if video else AUDIO_ONLY_SIZE
    characteristics = {
        "rate": fcp7_rate(timeline_rate(timeline, sources)),
        "width": str(width),
        "height": str(height),
        "anamorphic": "FALSE",
        "pixelaspectratio": "square",
        "fielddominance": "none",
    }
    document.metadata["fcp_xml"] = {
        "media": {"video": {"format": {"samplecharacteristics": characteristics}}}
    }
    return otio.adapters.write_to_string(document, "fcp_xml")


def read_fcp7_xml(data: bytes, name: str) -> otio.core.SerializableObject:
    """The FCP7 XML document in `data` as OTIO (a timeline or a collection of them)."""
    check_xml(data, name)
    root = ET.fromstring(data)
    for timebase in root.iter("timebase"):
        text = (timebase.text or "").strip()
        try:
            usable = math.isfinite(float(text)) and float(text) > 0
        except ValueError:
            usable = False
        if not usable:
            raise VoiceEditError(
                f"{name} has a frame rate I can't use: <timebase>{shown(text)}</timebase>."
            )
    return otio.adapters.read_from_string(ET.tostring(root, encoding="unicode"), "fcp_xml")
