"""A source's video stream indexed from its packets (PyAV, demuxing only, no decoding).

Frames are numbered in presentation order and keyframes found, so smart_render.py can treat
a clip's snapped range as a range of frame numbers and copy exactly the packets from one
keyframe up to another in decode order. That is only true for closed groups of pictures,
so the index notes a stream with leading pictures (open GOP).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import av

from voiceedit.media.ffmpeg import media_url


@dataclass(frozen=True)
class VideoIndex:
    """A source's video stream as its packets show it."""

    path: str
    container: str
    codec: str
    profile: str
    level: int
    pix_fmt: str
    width: int
    height: int
    time_base: Fraction
    colors: tuple[tuple[str, int], ...]  # (ffmpeg option, value) worth carrying over
    frame_pts: tuple[int, ...]  # presentation order
    keyframes: tuple[int, ...]  # frame numbers, ascending
    delay: int  # frames the first picture is decoded ahead of being shown
    open_gop: bool
    frame_rate: Fraction | None  # None when the frames are not evenly spaced from zero

    @property
    def frame_count(self) -> int:
        return len(self.frame_pts)

    def matches(self, other: VideoIndex) -> bool:
        keys = ("codec", "profile", "pix_fmt", "width", "height", "time_base", "frame_rate",
                "delay", "colors")
        return all(getattr(self, key) == getattr(other, key) for key in keys)


@dataclass(frozen=True)
class _PacketScan:
    pts: tuple[int, ...]  # decode order
    keyframes: tuple[int, ...]  # pts of the keyframes
    first_dts: int
    open_gop: bool


def index_video(path: str) -> VideoIndex:
    """Number every frame of the first video stream and find its keyframes (no decoding)."""
    with av.open(media_url(path)) as container:
        stream = container.streams.video[0]
        context = stream.codec_context
        scan = _scan_packets(container, stream)
        frame_pts = tuple(sorted(scan.pts))
        time_base = Fraction(stream.time_base)
        rate = _even_rate(frame_pts, time_base)
        # Reorder delay: how many frames before its own time the first picture is decoded.
        delay = round((scan.pts[0] - scan.first_dts) * rate * time_base) if rate else 0
        number = {pts: n for n, pts in enumerate(frame_pts)}
        return VideoIndex(
            path=path, container=container.format.name, codec=context.name,
            profile=context.profile or "", level=context.level, pix_fmt=context.pix_fmt or "",
            width=context.width, height=context.height, time_base=time_base,
            colors=_colors(context), frame_pts=frame_pts,
            keyframes=tuple(sorted(number[pts] for pts in scan.keyframes)),
            delay=delay, open_gop=scan.open_gop, frame_rate=rate,
        )


def _scan_packets(container: av.container.InputContainer, stream) -> _PacketScan:
    pts, keyframes, first_dts, open_gop = [], [], 0, False
    for packet in container.demux(stream):
        if packet.pts is None:
            continue  # the empty packet that ends the stream
        if not pts:
            first_dts = packet.dts if packet.dts is not None else packet.pts
        if packet.is_keyframe:
            keyframes.append(packet.pts)
        elif keyframes and packet.pts < keyframes[-1]:
            open_gop = True  # a leading picture: it needs the group before the keyframe
        pts.append(packet.pts)
    return _PacketScan(tuple(pts), tuple(keyframes), first_dts, open_gop)


def _colors(context) -> tuple[tuple[str, int], ...]:
    """The colour description the re-encoded frames must carry too (only what is set)."""
    fields = (("-color_primaries", "color_primaries", 2), ("-color_trc", "color_trc", 2),
              ("-colorspace", "colorspace", 2), ("-color_range", "color_range", 0))
    return tuple((option, int(getattr(context, name))) for option, name, unset in fields
                 if int(getattr(context, name)) != unset)


def _even_rate(frame_pts: tuple[int, ...], time_base: Fraction) -> Fraction | None:
    """The frame rate if frame k sits at k frames from zero (within a tick), else None."""
    if len(frame_pts) < 2 or frame_pts[0] != 0:
        return None
    step = Fraction(frame_pts[-1], len(frame_pts) - 1)
    if any(abs(pts - number * step) > 1 for number, pts in enumerate(frame_pts)):
        return None
    return (1 / (step * time_base)).limit_denominator(1001)
