"""FCP7 XML (Premiere, Resolve) through `otio-fcp-adapter`, with the sequence's picture size.

The adapter writes an empty <format/> for the sequence, and Premiere and Resolve then make a
sequence of their default size. The adapter builds the <sequence> element from the OTIO
timeline's "fcp_xml" metadata, which is where its reader keeps what it read, so we put the
source's size and rate there:

    <sequence> <media> <video> <format> <samplecharacteristics>
        <width>1920</width> <height>1080</height> <rate><timebase>30</timebase><ntsc>TRUE</ntsc>
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from math import ceil

import opentimelineio as otio

from voiceedit.interchange.otio_convert import timeline_rate, to_otio
from voiceedit.media.probe import MediaInfo
from voiceedit.timeline.model import Timeline

AUDIO_ONLY_SIZE = (1920, 1080)


def fcp7_rate(rate: Fraction) -> dict[str, str]:
    """FCP7 rates are a whole timebase and an NTSC flag: 30000/1001 is 30, TRUE."""
    timebase = ceil(rate)
    return {"timebase": str(timebase), "ntsc": "FALSE" if rate == timebase else "TRUE"}


def write_fcp7_xml(timeline: Timeline, sources: Mapping[str, MediaInfo], title: str) -> str:
    document = to_otio(timeline, sources, title)
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
