"""Timeline ⇄ OpenTimelineIO: the one interchange model every format goes through.

Our timeline counts integer milliseconds; editors count frames. The conversion happens here
and only here: each clip edge is rounded to the nearest frame of its source's own rate
(`to_frames`), so a cut lands on the same frame in every format and the video and audio
tracks hold identical ranges. Rates are exact fractions (30000/1001, never 29.97), snapped
to the standard rate a file's header approximates; OpenTimelineIO gets `float(rate)`.

    project (ms):   | A[400:3800] | A[5200:8040] |
    otio (frames):  | A[10:95]    | A[130:201]   |     A at 25 fps

A clip from a source with both streams sits on the video track and on the audio track; a
clip whose source lacks one of them leaves a gap of the same length there, so the tracks
stay in step.
"""

from __future__ import annotations

import math
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
from opentimelineio.opentime import RationalTime, TimeRange

from voiceedit.errors import VoiceEditError
from voiceedit.media.probe import MediaInfo
from voiceedit.timeline.cutaways import CutawayPiece
from voiceedit.timeline.model import Clip, Timeline

STANDARD_RATES = tuple(
    Fraction(rate)
    for rate in ("24000/1001", "24", "25", "30000/1001", "30", "48", "50", "60000/1001", "60")
)
# Audio has no frames, but every editor's timeline does: audio-only projects use this one.
AUDIO_ONLY_RATE = Fraction(30)


def standard_rate(rate: Fraction | float) -> Fraction:
    """The standard rate nearest `rate`, within 0.05 % (a header's 2997/100 is 30000/1001;
    NTSC and whole rates are 0.1 % apart), else `rate` with a small denominator."""
    rate = Fraction(rate)
    nearest = min(STANDARD_RATES, key=lambda standard: abs(rate - standard))
    if abs(rate - nearest) <= nearest / 2000:
        return nearest
    return rate.limit_denominator(1001)


def source_rate(info: MediaInfo | None, fallback: Fraction = AUDIO_ONLY_RATE) -> Fraction:
    if info is None or not info.has_video or not info.frame_rate:
        return fallback
    return standard_rate(info.frame_rate)


def timeline_rate(timeline: Timeline, sources: Mapping[str, MediaInfo]) -> Fraction:
    """The sequence rate: that of the first clip with video, else of any video source."""
    infos = [sources.get(clip.source) for clip in timeline.clips] + list(sources.values())
    for info in infos:
        if info is not None and info.has_video and info.frame_rate:
            return standard_rate(info.frame_rate)
    return AUDIO_ONLY_RATE


def to_frames(ms: int, rate: Fraction) -> int:
    """Nearest frame to `ms`; a time halfway between two frames goes to the later one, so
    every edge rounds the same way."""
    return math.floor(Fraction(ms) * rate / 1000 + Fraction(1, 2))


def to_ms(frames: int | float, rate: Fraction) -> int:
    return round(Fraction(frames) * 1000 / rate)


def rational_time(frames: int, rate: Fraction) -> RationalTime:
    return RationalTime(frames, float(rate))


def time_range(start: int, duration: int, rate: Fraction) -> TimeRange:
    return TimeRange(rational_time(start, rate), rational_time(duration, rate))


def frames_of(time: RationalTime, where: str = "That timeline") -> tuple[int, Fraction]:
    """A RationalTime as (whole frames, exact rate): OTIO keeps rates as floats. A time that
    is not a finite number of frames at a positive rate gets a sentence naming `where`."""
    _check_time(time, where)
    rate = standard_rate(time.rate)
    return round(Fraction(time.value) * rate / Fraction(time.rate)), rate


def media_url(path: str) -> str:
    """A percent-encoded file:// URL, as FCP XML, FCPXML and OTIO expect for paths with
    spaces and non-ASCII letters."""
    return Path(path).as_uri()


def path_from_url(url: str) -> str:
    """The local path named by a file:// URL (file://localhost/… too) or a plain path."""
    if urllib.parse.urlparse(url).scheme == "file":
        return str(otio.url_utils.filepath_from_url(url))
    return url


@dataclass(frozen=True)
class FrameRange:
    """One clip in frames of `rate`: [start, end)."""

    source: str
    rate: Fraction
    start: int
    end: int

    @property
    def duration(self) -> int:
        return self.end - self.start

    def time_range(self) -> TimeRange:
        return time_range(self.start, self.duration, self.rate)


def frame_ranges(
    timeline: Timeline, sources: Mapping[str, MediaInfo], rate: Fraction | None = None
) -> list[FrameRange]:
    """Each clip in frames: of `rate` when given (MLT counts in its profile's frames), else of
    its own source's rate. A clip that rounds to no frame at all vanishes, as it would on
    screen."""
    fallback = timeline_rate(timeline, sources)
    ranges = []
    for clip in timeline.clips:
        clip_rate = rate or source_rate(sources.get(clip.source), fallback)
        start, end = to_frames(clip.source_in, clip_rate), to_frames(clip.source_out, clip_rate)
        if end > start:
            ranges.append(FrameRange(clip.source, clip_rate, start, end))
    return ranges


def source_info(sources: Mapping[str, MediaInfo], path: str) -> MediaInfo:
    info = sources.get(path)
    if info is None:
        raise VoiceEditError(f"The project has no media details for {Path(path).name}.")
    return info


def to_otio(
    timeline: Timeline, sources: Mapping[str, MediaInfo], name: str = "", urls: bool = True,
    cutaways: Sequence[CutawayPiece] = (),
) -> otio.schema.Timeline:
    """The timeline as OTIO: one video track and one audio track (either left out when no
    source has that stream), and the `cutaways` on a second video track V2
    (cutaway_tracks.py). `urls=False` keeps plain paths, for EDL comments."""
    rate = timeline_rate(timeline, sources)
    ranges = frame_ranges(timeline, sources)
    infos = [source_info(sources, r.source) for r in ranges]
    result = otio.schema.Timeline(name=name)
    result.global_start_time = rational_time(0, rate)
    kinds = [
        (otio.schema.TrackKind.Video, "has_video", "V1"),
        (otio.schema.TrackKind.Audio, "has_audio", "A1"),
    ]
    for kind, stream, track_name in kinds:
        if not any(getattr(info, stream) for info in infos):
            continue
        track = otio.schema.Track(name=track_name, kind=kind)
        for frames, info in zip(ranges, infos, strict=True):
            if getattr(info, stream):
                track.append(otio_clip(frames, info, urls))
            else:
                track.append(otio.schema.Gap(source_range=frames.time_range()))
        result.tracks.append(track)
    if cutaways:
        from voiceedit.interchange.cutaway_tracks import add_otio_cutaways

        add_otio_cutaways(result, cutaways, sources, rate, urls)
    return result


def otio_clip(frames: FrameRange, info: MediaInfo, urls: bool) -> otio.schema.Clip:
    path = Path(info.path)
    available = time_range(0, to_frames(info.duration, frames.rate), frames.rate)
    reference = otio.schema.ExternalReference(
        target_url=media_url(info.path) if urls else info.path, available_range=available
    )
    reference.name = path.name
    return otio.schema.Clip(
        name=path.name, media_reference=reference, source_range=frames.time_range()
    )


# Finds the media an imported clip names: (clip, its position in the track) -> MediaInfo.
Locate = Callable[[otio.schema.Clip, int], MediaInfo]


def main_track(document: otio.schema.Timeline) -> otio.schema.Track:
    """The track an imported edit is read from: the one whose clips fill the most time (an
    EDL puts sound-only events on the audio track alone), video first when equal."""
    tracks = [t for t in document.tracks if any(t.find_clips(shallow_search=True))]
    if not tracks:
        raise VoiceEditError("That timeline has no clips in it.")
    return max(tracks, key=lambda t: (_clip_seconds(t), t.kind == otio.schema.TrackKind.Video))


def _clip_seconds(track: otio.schema.Track) -> float:
    return sum(c.duration().to_seconds() for c in track.find_clips(shallow_search=True))


def from_otio(
    document: otio.schema.Timeline, locate: Locate, name: str = "That timeline"
) -> tuple[Timeline, dict[str, MediaInfo]]:
    """Our timeline from an OTIO one: the clips of its main track in order. Gaps close up
    and transitions become cuts, since our timeline is a plain sequence of clips. `name`
    names the file in what we say about a time we can't use."""
    clips: list[Clip] = []
    sources: dict[str, MediaInfo] = {}
    for number, item in enumerate(main_track(document).find_clips(shallow_search=True), 1):
        info = locate(item, number)
        sources[info.path] = info
        start_ms, end_ms = _source_ms(item, f"{name}, clip {number},")
        media = Path(info.path).name
        if start_ms < 0:
            raise VoiceEditError(
                f"Clip {number} starts before the beginning of {media}; is it the right file?"
            )
        if start_ms >= info.duration:
            raise VoiceEditError(
                f"Clip {number} starts after the end of {media}; is it the right file?"
            )
        end_ms = min(end_ms, info.duration)
        if end_ms > start_ms:
            clips.append(Clip(info.path, start_ms, end_ms))
    if not clips:
        raise VoiceEditError("That timeline has no clips in it.")
    return Timeline(tuple(clips)), sources


def _source_ms(item: otio.schema.Clip, where: str) -> tuple[int, int]:
    """A clip's source range in ms from the start of its file, whatever timecode the media
    starts at (Premiere writes sources starting at 01:00:00:00). Each time is checked as it
    is read: a rate of 0 or a value of NaN would otherwise turn into a NaN mid-conversion."""
    source_range = item.source_range or item.available_range()
    reference = item.media_reference
    available = getattr(reference, "available_range", None)
    times = [source_range.start_time, source_range.duration]
    for time in times + ([available.start_time] if available is not None else []):
        _check_time(time, where)
    if source_range.duration.value < 0:
        raise VoiceEditError(f"{where} has a negative duration.")
    start, rate = frames_of(source_range.start_time, where)
    duration, _ = frames_of(source_range.duration.rescaled_to(source_range.start_time.rate),
                            where)
    if available is not None:
        offset, _ = frames_of(available.start_time.rescaled_to(source_range.start_time.rate),
                              where)
        start -= offset
    return to_ms(start, rate), to_ms(start + duration, rate)


def _check_time(time: RationalTime, where: str) -> None:
    if not (math.isfinite(time.value) and math.isfinite(time.rate) and time.rate > 0):
        raise VoiceEditError(
            f"{where} has a time I can't use: {time.value:g} frames at {time.rate:g} per second."
        )
