"""`import_timeline`: an edit from another editor (.otio, .edl, .xml, .fcpxml) as our timeline.

Work goes out to Resolve or Premiere and comes back: each format is read into an OTIO
timeline (fcpxml.py reads FCPXML itself, since the adapter truncates 29.97 to 29), then the
clips of its main track become ours. Every file is bounded and checked first
(untrusted.py), since a timeline may come from anywhere.

Media is found where the file says, or else next to it, because timelines travel between
machines without their absolute paths: an absolute path as written, a relative one in the
timeline's folder (never the current directory, which may hold another file of that name),
then the file name in that folder.

An EDL does not say its frame rate, so the media it names is probed first and the EDL is
read at that rate.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

from voiceedit.errors import VoiceEditError
from voiceedit.interchange.edl import decode_edl, named_sources, read_edl
from voiceedit.interchange.fcp7 import read_fcp7_xml
from voiceedit.interchange.fcpxml import read_fcpxml
from voiceedit.interchange.otio_convert import (
    AUDIO_ONLY_RATE,
    from_otio,
    path_from_url,
    source_rate,
)
from voiceedit.interchange.untrusted import checked_json, read_bounded
from voiceedit.media.probe import MediaInfo, check_readable, probe
from voiceedit.timeline.model import Timeline

IMPORT_SUFFIXES = (".otio", ".edl", ".xml", ".fcpxml")


class MediaFinder:
    """Finds and probes (once each) the media a timeline file names."""

    def __init__(self, document: Path):
        self.document = document
        self.found: dict[str, MediaInfo] = {}

    def candidates(self, reference: str) -> list[Path]:
        written = Path(path_from_url(reference)) if reference else None
        if written is None or not written.name:
            return []
        folder = self.document.parent
        if written.is_absolute():
            return [written, folder / written.name]
        return [folder / written, folder / written.name]

    def find(self, *references: str) -> MediaInfo | None:
        for reference in references:
            for candidate in self.candidates(reference):
                if candidate.is_file():
                    return self.probe(candidate)
        return None

    def probe(self, path: Path) -> MediaInfo:
        key = str(path.resolve())
        if key not in self.found:
            self.found[key] = probe(path)
        return self.found[key]

    def locate(self, clip: otio.schema.Clip, number: int) -> MediaInfo:
        reference = getattr(clip.media_reference, "target_url", "") or ""
        info = self.find(reference, clip.name or "")
        if info is None:
            name = Path(path_from_url(reference)).name if reference else clip.name
            raise VoiceEditError(
                f"I can't find {name or 'the media'} for clip {number}; put it next to "
                f"{self.document.name}."
            )
        return info


def import_timeline(path: str | Path) -> tuple[Timeline, dict[str, MediaInfo]]:
    """The edit in `path` as (timeline, sources by absolute path)."""
    file = check_readable(path)
    suffix = file.suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        raise VoiceEditError(
            f"I can't import {file.suffix or file.name} files; I can import "
            f"{', '.join(s.lstrip('.') for s in IMPORT_SUFFIXES)}."
        )
    finder = MediaFinder(file)
    document = _read(file, suffix, finder)
    try:
        return from_otio(document, finder.locate, file.name)
    except otio.exceptions.CannotComputeAvailableRangeError:
        raise VoiceEditError(
            f"{file.name} has a clip without a length: neither it nor its media gives one."
        ) from None


def _read(file: Path, suffix: str, finder: MediaFinder) -> otio.schema.Timeline:
    data = read_bounded(file)
    if suffix == ".edl":
        text = decode_edl(data)
        return read_edl(text, _edl_rate(text, finder))
    if suffix == ".fcpxml":
        return read_fcpxml(data, file.name)
    try:
        if suffix == ".otio":
            document = otio.adapters.read_from_string(checked_json(data, file.name), "otio_json")
        else:
            document = read_fcp7_xml(data, file.name)
    except VoiceEditError:
        raise
    except Exception as error:  # the adapters raise anything from KeyError to OTIOError
        raise VoiceEditError(f"{file.name} is not a timeline I can read ({error}).") from None
    return _first_timeline(document, file)


def _first_timeline(document: otio.core.SerializableObject, file: Path) -> otio.schema.Timeline:
    """The timeline itself, or the first one in a collection (an XML with several sequences)."""
    if isinstance(document, otio.schema.Timeline):
        return document
    if isinstance(document, otio.schema.SerializableCollection):
        for found in document.find_children(descended_from_type=otio.schema.Timeline):
            return found
    raise VoiceEditError(f"{file.name} has no timeline in it.")


def _edl_rate(text: str, finder: MediaFinder) -> Fraction:
    """The frame rate of the first video the EDL names (an EDL does not state its own)."""
    names = named_sources(text)
    infos = [info for info in (finder.find(name) for name in names) if info is not None]
    if not infos:
        shown = ", ".join(Path(path_from_url(n)).name for n in names[:3]) or "no media"
        raise VoiceEditError(
            f"That EDL names {shown}; put the media next to {finder.document.name} so I "
            "know its frame rate."
        )
    video = next((info for info in infos if info.has_video), None)
    return source_rate(video) if video else AUDIO_ONLY_RATE
