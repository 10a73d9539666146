"""Planning a render (pure arithmetic, no ffmpeg run): the output's format, each clip's cut
on the frame grid, and the inputs to open.

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
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import ceil
from pathlib import Path

from voiceedit.errors import VoiceEditError
from voiceedit.media.ffmpeg import media_url
from voiceedit.media.probe import MediaInfo, rotation
from voiceedit.timeline.model import Timeline

VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".mkv"}
# MP4/QuickTime and Matroska files: they hold chapters and a second sound track (a .wav,
# .mp3 or .flac holds neither).
CONTAINER_SUFFIXES = VIDEO_SUFFIXES | {".m4a"}
AUDIO_CODECS = {".m4a": "aac", ".wav": "pcm_s16le", ".mp3": "libmp3lame", ".flac": "flac"}
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
        start = timeline.clip_start(index)
        snapped = grid_cut(clip.source, start, start + clip.duration, clip.source_in,
                           frame_rate)
        if snapped is not None:
            cuts.append(snapped[0])
    return cuts


def grid_cut(source: str, start: int, end: int, source_in: int,
             frame_rate: Fraction) -> tuple[Cut, int, int] | None:
    """Timeline ms [start, end) showing `source` from `source_in` ms, snapped to the frame
    grid: the cut and its timeline frames [first, last); None when under a frame.

    The boundaries are rounded on the timeline (so totals stay within half a frame), the
    source start to its nearest frame; the cut lasts the frames between."""
    first = round(Fraction(start, 1000) * frame_rate)
    last = round(Fraction(end, 1000) * frame_rate)
    if last <= first:
        return None
    begin = round(Fraction(source_in, 1000) * frame_rate)
    return Cut(source, begin / frame_rate, (begin + last - first) / frame_rate), first, last


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


def input_args(inputs: list[SourceInput]) -> list[str]:
    """The ffmpeg arguments that open `inputs` in order, each `-ss` before its `-i` when
    seeked; input n of the list is ffmpeg's input n."""
    args: list[str] = []
    for source_input in inputs:
        if source_input.seek > 0:
            args += ["-ss", seconds_text(Fraction(source_input.seek))]
        args += ["-i", media_url(source_input.source)]
    return args


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
