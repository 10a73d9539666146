"""Render a timeline to a media file: one ffmpeg filter graph, or moviepy on request.

The fast path is a single ffmpeg run. Each clip becomes a `trim`/`atrim` pair on its source,
and `concat` joins them; the whole graph is read from a file (`-/filter_complex`),
so five thousand clips never overflow a command line. Decoding and encoding happen once.

Frame accuracy. Every cut is snapped to the output's frame grid (the first video source's
frame rate, rounded to a standard rate) *before* anything else, and audio is cut at the very
same snapped instants, so sound and picture cannot drift apart. Clip boundaries are snapped
on the timeline (cumulative), which keeps the output within half a frame of the timeline's
duration however many clips there are. Video is then selected by counting frames, never by
comparing float timestamps: `fps` puts exactly one frame in every slot of the grid (a source
at another rate is converted, a phone's jittery variable rate is straightened, a gap is
filled), and `trim` keeps frames first..first+n of those slots.

    source:   |f0|f1|f2|f3|f4|f5|f6|f7|
    clip 1.9..5.1 frames ->   [f2 f3 f4]      snapped to 2..5; fps, trim frames 2-4
    audio                ->   [2.0 .. 5.0)    atrim at the snapped instants

Inputs. Each source is opened once and `split` between its clips while the timeline reads it
forwards; a clip that goes back in a source (after a move or a swap) gets its own input, seeked
with `-ss` half a frame before the clip, so ffmpeg never holds decoded frames for a later clip.

Mixed sources are conformed to the first video source: scaled and padded to its size (as
shown: a phone's portrait video is stored turned, and ffmpeg turns it upright) and brought
to its frame rate. A clip from a source without audio gets silence; a clip from an
audio-only source gets black frames. A timeline with no video, or an audio file name (.m4a,
.wav, .mp3, .flac), renders sound only.

Stream copy is never used here: copying across arbitrary cut points starts each piece at the
previous keyframe (measured: 53 s instead of 34 s, 0.54 s of drift). `smart_render` copies
only whole groups of pictures and re-encodes the rest.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from math import ceil
from pathlib import Path

import imageio_ffmpeg
from proglog import ProgressBarLogger

from voiceedit.errors import VoiceEditError
from voiceedit.media.probe import MediaInfo, check_readable, ffprobe_path, probe
from voiceedit.timeline.model import Timeline

# progress(done_ms, total_ms), called as the render advances.
Progress = Callable[[int, int], None]

ENGINES = ("ffmpeg", "moviepy")
VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".mkv"}
AUDIO_CODECS = {".m4a": "aac", ".wav": "pcm_s16le", ".mp3": "libmp3lame", ".flac": "flac"}

# Measured in bench/render.py (34.7 s of 720p): veryfast took 9.4 s, medium 25.9 s, with
# the same SSIM (0.9775 vs 0.9778) and a 10% smaller file; ultrafast 7.4 s but 2.6x the size.
X264_PRESET = "veryfast"
X264_CRF = "20"
AAC_BITRATE = "192k"
DEFAULT_FRAME_RATE = Fraction(30)
DEFAULT_SAMPLE_RATE = 48000
STANDARD_RATES = tuple(Fraction(r) for r in ("24000/1001", "24", "25", "30000/1001", "30",
                                              "48", "50", "60000/1001", "60", "120"))


@dataclass(frozen=True)
class Cut:
    """One clip's source range, snapped to the output's frame grid: exact seconds."""

    source: str
    start: Fraction
    end: Fraction

    @property
    def duration(self) -> Fraction:
        return self.end - self.start


@dataclass(frozen=True)
class OutputFormat:
    """What the rendered file holds; video settings follow the first video source."""

    video: bool
    audio: bool
    width: int = 0
    height: int = 0
    frame_rate: Fraction | None = None
    sample_rate: int = DEFAULT_SAMPLE_RATE


@dataclass(frozen=True)
class SourceInput:
    """One `-i` of the ffmpeg command: a source opened at `seek` seconds."""

    source: str
    seek: Fraction


# ---------------------------------------------------------------- checks shared with the CLI


def check_render(timeline: Timeline, sources: dict[str, MediaInfo], output: Path,
                 force: bool = False, protected: tuple[Path, ...] = ()) -> dict[str, MediaInfo]:
    """The media of every source the timeline uses, or one sentence saying what is wrong.

    `protected` names more files never to write over (the project file).
    """
    if not timeline.clips:
        raise VoiceEditError("The timeline is empty; there is nothing to render.")
    output = Path(output).expanduser()
    suffix = output.suffix.lower()
    if suffix not in VIDEO_SUFFIXES and suffix not in AUDIO_CODECS:
        known = ", ".join(sorted(VIDEO_SUFFIXES | AUDIO_CODECS.keys()))
        kind = suffix or "nameless"
        raise VoiceEditError(f"I can't render to a {kind} file; use one of {known}.")
    media: dict[str, MediaInfo] = {}
    for clip in timeline.clips:
        if clip.source in media:
            continue
        if not Path(clip.source).exists():
            raise VoiceEditError(
                f"The source file {Path(clip.source).name} is gone; put it back before rendering."
            )
        check_readable(clip.source)
        media[clip.source] = sources.get(clip.source) or probe(clip.source)
    for path in [*map(Path, media), *protected]:
        if _same_file(output, path):
            raise VoiceEditError(f"{output.name} is one of the project's own files; I never "
                                 "write over it. Choose another name.")
    if not output.parent.is_dir():
        raise VoiceEditError(f"The folder {output.parent} doesn't exist.")
    if output.is_dir():
        raise VoiceEditError(f"{output.name} is a folder; give a file name to render to.")
    if output.exists() and not force:
        raise VoiceEditError(f"{output.name} already exists; use --force to replace it.")
    return media


def _same_file(a: Path, b: Path) -> bool:
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


@lru_cache(maxsize=1)
def ffmpeg_path() -> str:
    """The ffmpeg that renders: the build pinned with imageio-ffmpeg (9.0), else one on PATH.

    Measured in bench/render.py: the same filter graph renders 1.85x faster in the pinned
    9.0 than in Debian's 5.1 on two cores (9.4 s vs 17.4 s), because 9.0 decodes, filters and
    encodes in separate threads. moviepy uses the same build, so the engines compare fairly.
    """
    try:
        candidates = [imageio_ffmpeg.get_ffmpeg_exe()]
    except RuntimeError:
        candidates = []
    candidates.append(shutil.which("ffmpeg"))
    for path in candidates:
        if path and Path(path).is_file():
            return path
    raise VoiceEditError("ffmpeg is not installed. Run make setup, or apt-get install ffmpeg.")


@lru_cache(maxsize=1)
def _ffmpeg_major() -> int:
    version = subprocess.run([ffmpeg_path(), "-version"], capture_output=True, text=True)
    found = re.search(r"version n?(\d+)\.", version.stdout)
    return int(found.group(1)) if found else 0


def filter_script_args(script: Path) -> list[str]:
    """Read the filter graph from a file: `-/filter_complex` since ffmpeg 7, the old option
    before (it was removed in 8)."""
    if _ffmpeg_major() >= 7:
        return ["-/filter_complex", str(script)]
    return ["-filter_complex_script", str(script)]


# ---------------------------------------------------------------- planning (pure functions)


def output_format(media: dict[str, MediaInfo], timeline: Timeline, output: Path) -> OutputFormat:
    output = Path(output)
    used = [media[clip.source] for clip in timeline.clips]
    first_video = next((info for info in used if info.has_video), None)
    first_audio = next((info for info in used if info.has_audio), None)
    video = first_video is not None and output.suffix.lower() not in AUDIO_CODECS
    audio = first_audio is not None
    sample_rate = (first_audio.sample_rate if first_audio else 0) or DEFAULT_SAMPLE_RATE
    if not video:
        if not audio:
            raise VoiceEditError(f"There is no sound in these clips to put in {output.name}.")
        return OutputFormat(video=False, audio=True, sample_rate=sample_rate)
    width, height = display_size(first_video)
    # x264 with yuv420p needs even dimensions.
    return OutputFormat(
        video=True,
        audio=audio,
        width=width + width % 2,
        height=height + height % 2,
        frame_rate=standard_rate(first_video.frame_rate or DEFAULT_FRAME_RATE),
        sample_rate=sample_rate,
    )


def display_size(info: MediaInfo) -> tuple[int, int]:
    """Width and height as shown: a phone's portrait video is stored landscape and turned by
    a rotation in its metadata, which ffmpeg applies when it decodes."""
    if rotation(info.path) % 180 == 90:
        return info.height, info.width
    return info.width, info.height


@lru_cache(maxsize=256)
def rotation(path: str) -> int:
    """Degrees the first video stream is turned for display (0 when it is not)."""
    found = subprocess.run(
        [ffprobe_path(), "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream_side_data=rotation", "-of", "csv=p=0", path],
        capture_output=True, text=True,
    ).stdout.split()
    try:
        return round(float(found[0])) % 360 if found else 0
    except ValueError:
        return 0


def standard_rate(rate: Fraction) -> Fraction:
    """The standard frame rate within 1% of `rate` (phones record a variable rate that
    averages 29.87 fps; the output is 30), else `rate` itself."""
    nearest = min(STANDARD_RATES, key=lambda standard: abs(standard - rate))
    return nearest if abs(nearest - rate) <= rate / 100 else rate.limit_denominator(1001)


def plan_cuts(timeline: Timeline, frame_rate: Fraction | None) -> list[Cut]:
    """Each clip as exact seconds on the frame grid; clips shorter than a frame vanish.

    Clip boundaries are rounded on the timeline (so the total stays within half a frame of
    the timeline), and each clip's source start is rounded to the nearest frame.
    """
    if frame_rate is None:  # sound only: millisecond cuts are already sample-exact
        return [Cut(c.source, Fraction(c.source_in, 1000), Fraction(c.source_out, 1000))
                for c in timeline.clips]
    cuts = []
    for index, clip in enumerate(timeline.clips):
        first = round(Fraction(timeline.clip_start(index), 1000) * frame_rate)
        last = round(Fraction(timeline.clip_start(index) + clip.duration, 1000) * frame_rate)
        if last == first:
            continue
        start = round(Fraction(clip.source_in, 1000) * frame_rate)
        cuts.append(Cut(clip.source, start / frame_rate, (start + last - first) / frame_rate))
    return cuts


def frame_count(cuts: list[Cut], frame_rate: Fraction) -> int:
    return sum(round(cut.duration * frame_rate) for cut in cuts)


def source_inputs(cuts: list[Cut], media: dict[str, MediaInfo],
                  fmt: OutputFormat) -> tuple[list[SourceInput], list[int]]:
    """The inputs to open and, for each cut, the index of the input it reads.

    A source is read forwards: a cut that starts before the previous cut of the same input
    ended opens a new input. Seeking stops half a frame before the cut on the source's own
    frame grid, so `-ss` rounding cannot swallow the first frame.
    """
    inputs: list[SourceInput] = []
    readers: list[int] = []
    current: dict[str, tuple[int, Fraction]] = {}  # source -> (input index, end of last cut)
    for cut in cuts:
        open_input = current.get(cut.source)
        if open_input is not None and cut.start >= open_input[1]:
            index = open_input[0]
        else:
            index = len(inputs)
            inputs.append(SourceInput(cut.source, _seek_point(cut, media[cut.source], fmt)))
        current[cut.source] = (index, cut.end)
        readers.append(index)
    return inputs, readers


def _seek_point(cut: Cut, info: MediaInfo, fmt: OutputFormat) -> Fraction:
    if fmt.video and info.has_video:
        return seek_before(cut.start, fmt.frame_rate)
    return cut.start


def seek_before(start: Fraction, frame_rate: Fraction) -> Fraction:
    """Where to `-ss` for a cut at `start` on the grid: half a frame early, never below zero,
    so rounding in the seek can never drop the cut's first frame."""
    return max(Fraction(0), start - 1 / (2 * frame_rate))


def grid_frames(cut: Cut, seek: Fraction, frame_rate: Fraction) -> str:
    """Filters that give exactly the cut's frames on the output grid, from input seeked to
    `seek`: shift the grid onto whole frame slots, let `fps` put one frame in every slot
    (converting other rates, filling a variable rate's gaps), then count frames."""
    anchor = Fraction(ceil(seek * frame_rate)) / frame_rate  # first grid instant after seek
    first = round((cut.start - anchor) * frame_rate)
    frames = round(cut.duration * frame_rate)
    shift = f"setpts=PTS-{seconds_text(anchor - seek)}/TB," if anchor > seek else ""
    return (f"{shift}fps=fps={frame_rate}:start_time=0,"
            f"trim=start_frame={first}:end_frame={first + frames}")


def seconds_text(value: Fraction) -> str:
    return f"{float(value):.6f}"


def filter_graph(cuts: list[Cut], media: dict[str, MediaInfo], fmt: OutputFormat,
                 inputs: list[SourceInput], readers: list[int]) -> str:
    """The ffmpeg filter graph: one chain per cut, `concat` at the end -> [vout] and/or [aout]."""
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
        lines.append("[vcat]format=yuv420p[vout]")
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


# ---------------------------------------------------------------- running ffmpeg


def run_ffmpeg(args: list[str], total_ms: int, progress: Progress | None,
               what: str) -> None:
    """Run ffmpeg with `-progress` on a pipe, report progress, and turn failure into a sentence."""
    command = [ffmpeg_path(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
               "-progress", "pipe:1", *args]
    with tempfile.TemporaryFile(mode="w+") as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
        for line in process.stdout:
            key, _, value = line.strip().partition("=")
            if progress and key == "out_time_us" and value.lstrip("-").isdigit():
                progress(min(total_ms, max(0, int(value) // 1000)), total_ms)
        process.wait()
        errors.seek(0)
        message = errors.read().strip()
    if process.returncode != 0:
        reason = message.splitlines()[-1] if message else f"exit status {process.returncode}"
        raise VoiceEditError(f"ffmpeg could not render {what}: {reason.rstrip('.')}.")
    if progress:
        progress(total_ms, total_ms)


def partial_path(output: Path) -> Path:
    """Where a render is written before it replaces `output`, so a failure leaves no half file."""
    return output.with_name(f".{output.stem}.partial{output.suffix}")


def finish(partial: Path, output: Path) -> MediaInfo:
    os.replace(partial, output)
    return probe(output)


# ---------------------------------------------------------------- the entry point


def render_timeline(timeline: Timeline, sources: dict[str, MediaInfo], output: Path,
                    engine: str = "ffmpeg", progress: Progress | None = None,
                    force: bool = False, protected: tuple[Path, ...] = ()) -> MediaInfo:
    """Render `timeline` to `output` and return the probed result.

    Nothing is written on error: ffmpeg writes a hidden partial file that replaces `output`
    only when it is complete. `force` allows replacing an existing output.
    """
    if engine not in ENGINES:
        raise VoiceEditError(f"I don't know the render engine {engine}; use ffmpeg or moviepy.")
    output = Path(output).expanduser().resolve()
    media = check_render(timeline, sources, output, force, protected)
    ffmpeg_path()  # both engines need it: say so before anything else
    fmt = output_format(media, timeline, output)
    cuts = plan_cuts(timeline, fmt.frame_rate)
    if not cuts:
        raise VoiceEditError("Every clip is shorter than a frame; there is nothing to render.")
    partial = partial_path(output)
    try:
        if engine == "moviepy":
            _render_with_moviepy(cuts, media, fmt, partial, progress)
        else:
            render_cuts(cuts, media, fmt, partial, output.name, progress)
        return finish(partial, output)
    finally:
        partial.unlink(missing_ok=True)


def render_cuts(cuts: list[Cut], media: dict[str, MediaInfo], fmt: OutputFormat,
                target: Path, name: str, progress: Progress | None = None) -> None:
    """Render planned cuts to `target` with one ffmpeg filter graph (no checks, no rename)."""
    inputs, readers = source_inputs(cuts, media, fmt)
    graph = filter_graph(cuts, media, fmt, inputs, readers)
    total_ms = round(sum(cut.duration for cut in cuts) * 1000)
    with tempfile.TemporaryDirectory(prefix="voiceedit-render-") as work:
        script = Path(work) / "graph.txt"
        script.write_text(graph)
        args = []
        for source_input in inputs:
            if source_input.seek > 0:
                args += ["-ss", seconds_text(source_input.seek)]
            args += ["-i", source_input.source]
        args += [*filter_script_args(script), *encoder_args(fmt, target), "-y", str(target)]
        run_ffmpeg(args, total_ms, progress, name)


# ---------------------------------------------------------------- moviepy


def _render_with_moviepy(cuts: list[Cut], media: dict[str, MediaInfo], fmt: OutputFormat,
                         partial: Path, progress: Progress | None) -> None:
    """The same cuts through moviepy 2: slower, but a canvas for compositing (captions)."""
    from moviepy import (
        AudioFileClip,
        ColorClip,
        VideoFileClip,
        concatenate_audioclips,
        concatenate_videoclips,
    )

    opened = []

    def audio_of(cut: Cut):
        clip = AudioFileClip(cut.source, fps=fmt.sample_rate)
        opened.append(clip)
        return clip.subclipped(float(cut.start), float(cut.end))

    total_ms = round(sum(cut.duration for cut in cuts) * 1000)
    logger = _MoviepyProgress(progress, total_ms, fmt.frame_rate)
    codec = AUDIO_CODECS.get(partial.suffix.lower(), "aac")
    try:
        if not fmt.video:
            sound = concatenate_audioclips([audio_of(cut) for cut in cuts])
            sound.write_audiofile(str(partial), fps=fmt.sample_rate, codec=codec,
                                  bitrate=AAC_BITRATE if codec == "aac" else None,
                                  logger=logger)
            return
        pieces = []
        for cut in cuts:
            info = media[cut.source]
            if info.has_video:
                source = VideoFileClip(cut.source, audio=fmt.audio and info.has_audio)
                opened.append(source)
                piece = source.subclipped(float(cut.start), float(cut.end))
                if (info.width, info.height) != (fmt.width, fmt.height):
                    scale = min(fmt.width / info.width, fmt.height / info.height)
                    piece = piece.resized(scale)
            else:
                piece = ColorClip((fmt.width, fmt.height), color=(0, 0, 0),
                                  duration=float(cut.duration)).with_audio(audio_of(cut))
            pieces.append(piece)
        same_size = all(tuple(piece.size) == (fmt.width, fmt.height) for piece in pieces)
        movie = concatenate_videoclips(pieces, method="chain" if same_size else "compose")
        # moviepy counts frames as int(duration * fps); a hair more keeps the last one.
        frames = frame_count(cuts, fmt.frame_rate)
        movie = movie.with_duration(float(frames / fmt.frame_rate) + 1e-6)
        with tempfile.TemporaryDirectory(prefix="voiceedit-moviepy-") as work:
            movie.write_videofile(
                str(partial), fps=float(fmt.frame_rate), codec="libx264",
                preset=X264_PRESET, audio=fmt.audio, audio_fps=fmt.sample_rate,
                audio_codec="aac", audio_bitrate=AAC_BITRATE, temp_audiofile_path=work,
                ffmpeg_params=["-crf", X264_CRF], pixel_format="yuv420p", logger=logger,
            )
    finally:
        for clip in opened:
            clip.close()


class _MoviepyProgress(ProgressBarLogger):
    """Adapts moviepy's proglog bars to `progress(done_ms, total_ms)`."""

    def __init__(self, progress: Progress | None, total_ms: int,
                 frame_rate: Fraction | None) -> None:
        super().__init__()
        self.progress, self.total_ms, self.frame_rate = progress, total_ms, frame_rate

    def bars_callback(self, bar, attr, value, old_value=None) -> None:
        if self.progress is None or attr != "index":
            return
        total = self.bars[bar].get("total") or 0
        if bar == "frame_index" and self.frame_rate:
            done = round(value * 1000 / self.frame_rate)
        elif bar == "chunk" and self.frame_rate is None and total:
            done = value * self.total_ms // total
        else:
            return
        self.progress(min(self.total_ms, done), self.total_ms)
