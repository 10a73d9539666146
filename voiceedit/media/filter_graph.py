"""The ffmpeg filter graph and encoder settings for planned cuts (text only, nothing runs).

Each cut becomes a `trim`/`atrim` chain on its input, and `concat` joins them. Mixed sources
are conformed to the first video source: scaled and padded to its size (as shown: a phone's
portrait video is stored turned, and ffmpeg turns it upright) and brought to its frame rate.
A clip from a source without audio gets silence; a clip from an audio-only source gets black
frames.

The encoder settings are read when a render starts, so bench/render.py can compare presets
by setting them here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

from voiceedit.media.plan import (
    AUDIO_CODECS,
    Cut,
    OutputFormat,
    SourceInput,
    display_size,
    grid_frames,
    seconds_text,
)
from voiceedit.media.probe import MediaInfo

# veryfast: the speed of a fast preset at medium's quality (docs/design.md).
X264_PRESET = "veryfast"
X264_CRF = "20"
AAC_BITRATE = "192k"


def filter_graph(cuts: list[Cut], media: dict[str, MediaInfo], fmt: OutputFormat,
                 inputs: list[SourceInput], readers: list[int],
                 over: Callable[[str], tuple[list[str], str]] | None = None) -> str:
    """The ffmpeg filter graph: one chain per cut, `concat` at the end -> [vout] and/or [aout].
    `over(pad)` gives lines laying cutaways and captions over the joined picture
    (media/overlay.py) and the pad they end in."""
    uses = [readers.count(i) for i in range(len(inputs))]
    lines = []
    video_pads: dict[int, Iterator[str]] = {}
    audio_pads: dict[int, Iterator[str]] = {}
    for i, source_input in enumerate(inputs):
        info = media[source_input.source]
        if fmt.video and info.has_video:
            video_pads[i] = _split(lines, f"[{i}:v:0]", "split", f"i{i}v", uses[i])
        if fmt.audio and info.has_audio:
            audio_pads[i] = _split(lines, f"[{i}:a:0]", "asplit", f"i{i}a", uses[i])
    segments = []
    for n, (cut, reader) in enumerate(zip(cuts, readers, strict=True)):
        info = media[cut.source]
        seek = inputs[reader].seek
        if fmt.video:
            pad = next(video_pads[reader]) if reader in video_pads else None
            lines.append(_video_chain(pad, cut, seek, info, fmt) + f"[v{n}]")
            segments.append(f"[v{n}]")
        if fmt.audio:
            pad = next(audio_pads[reader]) if reader in audio_pads else None
            lines.append(_audio_chain(pad, cut, seek, fmt) + f"[a{n}]")
            segments.append(f"[a{n}]")
    outputs = ("[vcat]" if fmt.video else "") + ("[aout]" if fmt.audio else "")
    lines.append(f"{''.join(segments)}concat=n={len(cuts)}:v={int(fmt.video)}:"
                 f"a={int(fmt.audio)}{outputs}")
    if fmt.video:
        extra, picture = over("[vcat]") if over is not None else ([], "[vcat]")
        lines += extra
        lines.append(f"{picture}format=yuv420p[vout]")
    return ";\n".join(lines)


def _split(lines: list[str], pad: str, name: str, label: str, count: int) -> Iterator[str]:
    if count == 1:
        return iter([pad])
    outs = [f"[{label}{k}]" for k in range(count)]
    lines.append(f"{pad}{name}={count}{''.join(outs)}")
    return iter(outs)


def _video_chain(pad: str | None, cut: Cut, seek: Fraction, info: MediaInfo,
                 fmt: OutputFormat) -> str:
    frames = round(cut.duration * fmt.frame_rate)
    if pad is None:  # sound-only source in a video timeline: black frames
        chain = (f"color=c=black:s={fmt.width}x{fmt.height}:r={fmt.frame_rate},"
                 f"trim=end_frame={frames}")
    else:
        chain = pad + grid_frames(cut, seek, fmt.frame_rate)
    chain += ",setpts=PTS-STARTPTS"
    if pad is not None and display_size(info) != (fmt.width, fmt.height):
        chain += (f",scale={fmt.width}:{fmt.height}:force_original_aspect_ratio=decrease,"
                  f"pad={fmt.width}:{fmt.height}:(ow-iw)/2:(oh-ih)/2")
    return chain + ",setsar=1,format=yuv420p"


def _audio_chain(pad: str | None, cut: Cut, seek: Fraction, fmt: OutputFormat) -> str:
    samples = round(cut.duration * fmt.sample_rate)
    if pad is None:  # source without sound: silence of the exact length
        chain = f"anullsrc=r={fmt.sample_rate}:cl=stereo,atrim=end_sample={samples}"
    else:
        chain = (f"{pad}atrim=start={seconds_text(cut.start - seek)}:"
                 f"end={seconds_text(cut.end - seek)}")
    return (chain + ",asetpts=PTS-STARTPTS,"
            f"aformat=sample_rates={fmt.sample_rate}:channel_layouts=stereo")


def encoder_args(fmt: OutputFormat, output: Path) -> list[str]:
    suffix = output.suffix.lower()
    args = []
    if fmt.video:
        args += ["-map", "[vout]", "-c:v", "libx264", "-preset", X264_PRESET, "-crf", X264_CRF,
                 "-pix_fmt", "yuv420p"]
    if fmt.audio:
        codec = AUDIO_CODECS.get(suffix, "aac")
        args += ["-map", "[aout]", "-c:a", codec, "-ar", str(fmt.sample_rate)]
        if codec == "aac":
            args += ["-b:a", AAC_BITRATE]
    if suffix in {".mp4", ".mov", ".m4v", ".m4a"}:
        args += ["-movflags", "+faststart"]
    return args
