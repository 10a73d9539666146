"""Smart render: copy whole groups of pictures, re-encode only around each cut.

A cut rarely lands on a keyframe. Between the first keyframe inside a clip and the last one,
every group of pictures (GOP) is complete, so its packets can be copied untouched; only the
frames from the cut to that first keyframe, and from the last keyframe to the clip's end, are
decoded and encoded again. The pieces are joined with ffmpeg's concat demuxer.

    source:   |K . . . . K . . . . K . . . . K . . . . K|
    clip:           [ . . K . . . . K . . . . K . ]
    pieces:         [enc][copy . . . . . . . .][enc]

Frame accuracy comes from indexing every video packet (video_index.py): the frames are
numbered in presentation order, the clip's snapped range is a range of frame numbers, and a
copied stretch is exactly the packets from keyframe K1 up to keyframe K2 in decode order.
That is only true for closed GOPs, so a source with leading pictures (open GOP) is refused.

Joining. The concat demuxer converts each H.264 piece to Annex B with its own parameter sets
before its keyframe, so the re-encoded pieces decode with their own SPS/PPS. The pieces are
encoded to match the source (profile, level, pixel format, size, time base, colours) and, so
that decode timestamps stay increasing across a join, with the same B-frame reorder delay:
a piece's first decode timestamp is `delay` frames before its first picture.

Sound is not copied: AAC frames neither start on frame boundaries nor without priming, so
the audio is cut with `atrim`/`concat` at the same snapped instants and encoded in one pass,
on another core while the pieces are made, then muxed beside the joined video. Anything
this cannot do exactly (another codec, another container, open GOPs, variable frame rate,
sources that differ) falls back to a full re-encode, with one sentence saying why.

The pieces are made in a temporary folder beside the output and the joined file is checked
and renamed into place as render.py does (media/outputs.py), so a failure or a kill leaves
the output as it was.
"""

from __future__ import annotations

import os
from bisect import bisect_left, bisect_right
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from voiceedit.errors import VoiceEditError
from voiceedit.media.ffmpeg import Progress, ffmpeg_path, media_url, run_ffmpeg
from voiceedit.media.filter_graph import X264_PRESET
from voiceedit.media.outputs import temporary_beside
from voiceedit.media.overlay import PictureLayers
from voiceedit.media.plan import (
    Cut,
    OutputFormat,
    grid_frames,
    output_format,
    plan_cuts,
    seconds_text,
    seek_before,
)
from voiceedit.media.probe import MediaInfo, rotation
from voiceedit.media.render import check_render, finish, render_cuts, render_timeline
from voiceedit.media.video_index import VideoIndex, index_video
from voiceedit.timeline.model import Timeline

MP4_FORMAT = "mov,mp4,m4a,3gp,3g2,mj2"
SMART_SUFFIXES = {".mp4", ".mov", ".m4v"}
SOUND = "sound.m4a"  # the whole sound track, rendered beside the pieces and muxed as it is
PIECE_CRF = "18"  # the re-encoded frames sit between copied ones: keep them close in quality
X264_PROFILES = {
    "Baseline": "baseline", "Constrained Baseline": "baseline", "Main": "main", "High": "high",
    "High 10": "high10", "High 4:2:2": "high422", "High 4:4:4 Predictive": "high444",
}
# x264 settings that give each B-frame reorder delay (the mp4 decode-timestamp offset).
X264_DELAY = {0: "bframes=0", 1: "bframes=2:b-pyramid=none", 2: "bframes=3:b-pyramid=normal"}


@dataclass(frozen=True)
class Piece:
    """Frames [first, end) of one source, copied untouched or encoded again."""

    source: str
    first: int
    end: int
    copy: bool

    @property
    def frames(self) -> int:
        return self.end - self.first


@dataclass(frozen=True)
class SmartRender:
    media: MediaInfo  # the rendered file
    copied_ms: int
    encoded_ms: int
    fallback: str | None = None  # why everything was re-encoded, one sentence


# ---------------------------------------------------------------- deciding (pure functions)


def smart_blocker(indexes: dict[str, VideoIndex], media: dict[str, MediaInfo],
                  fmt: OutputFormat, output: Path) -> str | None:
    """Why this timeline cannot be smart-rendered exactly, as one sentence; None if it can."""
    if not fmt.video:
        return "There is no video to copy, so I rendered the sound in full."
    if output.suffix.lower() not in SMART_SUFFIXES:
        return f"Smart render writes MP4 or MOV, not {output.suffix}, so I re-encoded everything."
    for path, info in media.items():
        name = Path(path).name
        if not info.has_video:
            return f"{name} has no video to copy, so I re-encoded everything."
        index = indexes[path]
        if index.codec != "h264":
            return (f"Smart render copies only H.264 video and {name} is {index.codec}, "
                    "so I re-encoded everything.")
        if index.container != MP4_FORMAT:
            return f"{name} is not an MP4 or MOV file, so I re-encoded everything."
        if rotation(path):
            return f"{name} is turned by its metadata, so I re-encoded everything."
        if index.open_gop:
            return f"{name} uses open groups of pictures, so I re-encoded everything."
        if index.frame_rate is None or index.frame_rate != fmt.frame_rate:
            return f"{name} has a variable frame rate, so I re-encoded everything."
        if index.delay not in X264_DELAY or index.profile not in X264_PROFILES:
            return f"I can't encode frames that match {name}, so I re-encoded everything."
    first = next(iter(indexes.values()))
    if any(not index.matches(first) for index in indexes.values()):
        return "The sources are encoded differently, so I re-encoded everything."
    return None


def plan_pieces(cuts: list[Cut], indexes: dict[str, VideoIndex],
                frame_rate: Fraction) -> list[Piece]:
    """The pieces to copy or encode, in timeline order; touching clips are joined first."""
    pieces: list[Piece] = []
    for source, first, end in _frame_ranges(cuts, frame_rate):
        index = indexes[source]
        # Keyframe boundaries inside the range; the end of the stream closes the last GOP.
        bounds = [*index.keyframes, index.frame_count]
        inner = bounds[bisect_left(bounds, first):bisect_right(bounds, end)]
        if len(inner) < 2:
            pieces.append(Piece(source, first, end, copy=False))
            continue
        start_key, end_key = inner[0], inner[-1]
        if first < start_key:
            pieces.append(Piece(source, first, start_key, copy=False))
        pieces.append(Piece(source, start_key, end_key, copy=True))
        if end_key < end:
            pieces.append(Piece(source, end_key, end, copy=False))
    return pieces


def _frame_ranges(cuts: list[Cut], frame_rate: Fraction) -> list[tuple[str, int, int]]:
    ranges: list[tuple[str, int, int]] = []
    for cut in cuts:
        first, end = round(cut.start * frame_rate), round(cut.end * frame_rate)
        if ranges and ranges[-1][0] == cut.source and ranges[-1][2] == first:
            ranges[-1] = (cut.source, ranges[-1][1], end)
        else:
            ranges.append((cut.source, first, end))
    return ranges


# ---------------------------------------------------------------- making the pieces


def copy_piece(piece: Piece, index: VideoIndex, target: Path) -> None:
    """Remux the packets of whole GOPs [piece.first, piece.end) into `target`, from time 0."""
    first_pts = index.frame_pts[piece.first]
    end_pts = index.frame_pts[piece.end] if piece.end < index.frame_count else None
    copied = 0
    with (av.open(media_url(piece.source)) as source,
          av.open(media_url(target), "w", format="mp4") as out):
        stream = source.streams.video[0]
        copy = out.add_stream_from_template(stream)
        copy.time_base = stream.time_base
        source.seek(first_pts, stream=stream, backward=True)
        started = False
        for packet in source.demux(stream):
            if packet.pts is None:
                continue
            if packet.is_keyframe and packet.pts == end_pts:
                break
            started = started or (packet.is_keyframe and packet.pts == first_pts)
            if not started:
                continue
            packet.pts -= first_pts
            packet.dts -= first_pts
            packet.stream = copy
            out.mux(packet)
            copied += 1
    if copied != piece.end - piece.first:
        raise VoiceEditError(f"I couldn't copy frames cleanly from {Path(piece.source).name}.")


def encode_args(piece: Piece, index: VideoIndex, target: Path) -> list[str]:
    """ffmpeg arguments that re-encode frames [first, end) to match the source's stream."""
    rate = index.frame_rate
    cut = Cut(piece.source, piece.first / rate, piece.end / rate)
    seek = seek_before(cut.start, rate)
    args = ["-ss", seconds_text(seek)] if seek > 0 else []
    args += [
        "-i", media_url(piece.source), "-map", "0:v:0", "-an", "-sn", "-dn",
        "-vf", grid_frames(cut, seek, rate) + ",setpts=PTS-STARTPTS",
        "-c:v", "libx264", "-preset", X264_PRESET, "-crf", PIECE_CRF,
        "-profile:v", X264_PROFILES[index.profile], "-level:v", str(index.level),
        "-pix_fmt", index.pix_fmt, "-x264-params", X264_DELAY[index.delay],
    ]
    for option, value in index.colors:
        args += [option, str(value)]
    if index.time_base.numerator == 1:
        args += ["-video_track_timescale", str(index.time_base.denominator)]
    return [*args, "-y", media_url(target)]


# ---------------------------------------------------------------- the entry point


def smart_render(timeline: Timeline, sources: dict[str, MediaInfo], output: Path,
                 progress: Progress | None = None, force: bool = False,
                 protected: tuple[Path, ...] = (),
                 layers: PictureLayers | None = None) -> SmartRender:
    """Render `timeline`, copying untouched GOPs; falls back to `render_timeline` if it must
    (always with `layers`: cutaways and burned-in captions change the frames under them)."""
    output = Path(output).expanduser().resolve()
    media = check_render(timeline, sources, output, force, protected)
    ffmpeg_path()
    fmt = output_format(media, timeline, output)
    if layers and fmt.video:
        reason: str | None = ("Cutaways and burned-in captions change the picture, so I "
                              "re-encoded everything.")
    else:
        indexes = {path: index_video(path) for path, info in media.items() if info.has_video}
        reason = smart_blocker(indexes, media, fmt, output)
    if reason is not None:
        rendered = render_timeline(timeline, sources, output, progress=progress, force=force,
                                   protected=protected, layers=layers)
        return SmartRender(rendered, copied_ms=0, encoded_ms=rendered.duration, fallback=reason)
    cuts = plan_cuts(timeline, fmt.frame_rate)
    pieces = plan_pieces(cuts, indexes, fmt.frame_rate)
    total_frames = sum(piece.frames for piece in pieces)
    keep = [*media, *protected]
    with temporary_beside(output, protected=keep) as partial:
        with temporary_beside(output, directory=True, protected=keep) as work:
            _make_pieces(pieces, cuts, media, indexes, fmt, work, output.name, progress)
            _join(pieces, fmt, work, partial, output.name)
        seconds = Fraction(total_frames) / fmt.frame_rate
        rendered = finish(partial, output, fmt, seconds, force)
    if progress:
        progress(frames_ms(total_frames, fmt.frame_rate), frames_ms(total_frames, fmt.frame_rate))
    copied = sum(piece.frames for piece in pieces if piece.copy)
    return SmartRender(rendered, copied_ms=frames_ms(copied, fmt.frame_rate),
                       encoded_ms=frames_ms(total_frames - copied, fmt.frame_rate))


def frames_ms(frames: int, frame_rate: Fraction) -> int:
    return round(Fraction(frames * 1000) / frame_rate)


def _piece_name(number: int) -> str:
    return f"piece{number:05d}.mp4"


def _make_pieces(pieces: list[Piece], cuts: list[Cut], media: dict[str, MediaInfo],
                 indexes: dict[str, VideoIndex], fmt: OutputFormat, work: Path, what: str,
                 progress: Progress | None) -> None:
    """Copy and encode the pieces, and render the sound, side by side on every core."""

    def make(number: int, piece: Piece) -> None:
        target = work / _piece_name(number)
        if piece.copy:
            copy_piece(piece, indexes[piece.source], target)
        else:
            run_ffmpeg(encode_args(piece, indexes[piece.source], target), 0, None, what)

    total = frames_ms(sum(piece.frames for piece in pieces), fmt.frame_rate)
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        sound = None
        if fmt.audio:
            sound_only = OutputFormat(video=False, audio=True, sample_rate=fmt.sample_rate)
            sound = pool.submit(render_cuts, cuts, media, sound_only, work / SOUND, what)
        jobs = [pool.submit(make, number, piece) for number, piece in enumerate(pieces)]
        done = 0
        for piece, job in zip(pieces, jobs, strict=True):
            job.result()
            done += piece.frames
            if progress:  # the join is left: stop short of the end
                progress(frames_ms(done, fmt.frame_rate) * 99 // 100, total)
        if sound is not None:
            sound.result()


def concat_listing(names: list[str], frames: list[int], frame_rate: Fraction) -> str:
    """An ffconcat list with each piece's exact duration.

    Left to itself the demuxer takes durations from the pieces' MP4 headers, in milliseconds,
    and the joins drift; durations from cumulative frame counts, rounded to microseconds,
    keep every piece's first frame on the grid.
    """
    lines, done = ["ffconcat version 1.0"], 0
    for name, count in zip(names, frames, strict=True):
        start = round(Fraction(done * 1_000_000) / frame_rate)
        done += count
        end = round(Fraction(done * 1_000_000) / frame_rate)
        lines += [f"file {name}", f"duration {end - start}us"]
    return "\n".join(lines) + "\n"


def _join(pieces: list[Piece], fmt: OutputFormat, work: Path, partial: Path, what: str) -> None:
    """Concatenate the video pieces and mux the sound beside them, copying both."""
    listing = work / "pieces.ffconcat"
    names = [_piece_name(number) for number in range(len(pieces))]
    listing.write_text(concat_listing(names, [piece.frames for piece in pieces], fmt.frame_rate))
    args = ["-f", "concat", "-safe", "0", "-i", media_url(listing)]
    if fmt.audio:
        args += ["-i", media_url(work / SOUND), "-map", "0:v:0", "-map", "1:a:0"]
    args += ["-c", "copy", "-movflags", "+faststart", "-y", media_url(partial)]
    run_ffmpeg(args, 0, None, what)
