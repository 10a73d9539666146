"""Test media with a known pattern: white flash frames on black, a beep at each flash.

After a render, finding the flashes and the beeps again tells whether every cut landed on
the right frame and whether sound and picture are still together. Frames are decoded with
PyAV; a frame is a flash when its mean brightness is over half, a beep starts where the
sound first rises above a fifth of full scale after silence.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from voiceedit.timeline.model import Timeline

FLASHES = (15, 40, 73, 100, 131, 160)  # frame numbers of a 6 s, 30 fps pattern
# x264 with B-frame pyramids (reorder delay 2) and a keyframe every second.
X264_BFRAMES = "bframes=3:b-pyramid=normal:keyint=30:min-keyint=30:scenecut=0"


def make_pattern(path: Path, *, seconds: float = 6, rate: int = 30, flashes=FLASHES,
                 size: str = "320x180", audio: bool = True, video: bool = True,
                 codec: tuple[str, ...] | None = None, jitter_ms: int = 0) -> Path:
    """Write the pattern: `flashes` are frame numbers at `rate`; beeps last one frame.

    `jitter_ms` moves every second and third frame later by that much and twice that, the
    way a phone's variable frame rate does (the average rate stays `rate`).
    """
    inputs: list[str] = []
    if video:
        enable = "+".join(f"eq(n\\,{f})" for f in flashes)
        jitter = (f",settb=1/90000,setpts='(N/{rate}+{jitter_ms / 1000}*mod(N\\,3))/TB'"
                  if jitter_ms else "")
        inputs += ["-f", "lavfi", "-i",
                   f"color=c=black:s={size}:r={rate}:d={seconds},"
                   f"drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='{enable}'{jitter}"]
    if audio:
        beeps = "+".join(f"between(t\\,{f / rate:.6f}\\,{(f + 1) / rate - 0.002:.6f})"
                         for f in flashes)
        inputs += ["-f", "lavfi", "-i",
                   f"aevalsrc='({beeps})*0.8*sin(2*PI*1000*t)':s=48000:d={seconds}"]
    if codec is None:
        codec = ("-c:v", "libx264", "-preset", "ultrafast", "-x264-params", X264_BFRAMES,
                 "-pix_fmt", "yuv420p") if video else ()
    if audio and path.suffix != ".wav":
        codec = (*codec, "-c:a", "aac")
    if jitter_ms:
        codec = (*codec, "-fps_mode", "passthrough", "-video_track_timescale", "90000")
    subprocess.run(["ffmpeg", "-v", "error", "-y", *inputs, *codec, str(path)], check=True)
    return path


@dataclass(frozen=True)
class Seen:
    flashes: list[int]  # frame numbers where a run of bright frames begins
    frames: int  # video frames decoded
    frame_rate: Fraction | None
    beeps: list[float]  # seconds where a beep begins
    audio_seconds: float  # decoded sound, priming removed

    def flash_seconds(self) -> list[float]:
        return [float(f / self.frame_rate) for f in self.flashes]


def look_and_listen(path: Path) -> Seen:
    flashes, frames, rate = [], 0, None
    with av.open(str(path)) as container:
        if container.streams.video:
            stream = container.streams.video[0]
            rate = Fraction(stream.average_rate)
            bright_before = False
            for frames, frame in enumerate(container.decode(stream), start=1):
                bright = frame.to_ndarray(format="gray").mean() > 128
                if bright and not bright_before:
                    flashes.append(frames - 1)
                bright_before = bright
    beeps, seconds = [], 0.0
    with av.open(str(path)) as container:
        if container.streams.audio:
            stream = container.streams.audio[0]
            sound = np.concatenate([_loudness(f) for f in container.decode(stream)])
            seconds = len(sound) / stream.rate
            loud = np.flatnonzero(sound > 0.2)
            if len(loud):
                starts = loud[np.insert(np.diff(loud) > stream.rate // 100, 0, True)]
                beeps = [s / stream.rate for s in starts]
    return Seen(flashes, frames, rate, beeps, seconds)


def _loudness(frame: av.AudioFrame) -> np.ndarray:
    """Per sample, the loudest channel, scaled to 0..1."""
    samples = frame.to_ndarray()
    if not frame.format.is_planar:  # interleaved: one row of channels * samples
        samples = samples.reshape(-1, len(frame.layout.channels)).T
    if samples.dtype.kind == "i":
        samples = samples / np.iinfo(samples.dtype).max
    return np.abs(samples).max(axis=0)


def expected_flashes(timeline: Timeline, flashes: dict[str, tuple[int, ...]],
                     rate: int = 30) -> list[int]:
    """Output frame numbers of the source flashes a timeline keeps.

    The rule under test: clip boundaries fall on the output frame nearest their timeline
    time, and a clip starts at the source frame nearest its in point.
    """
    found = []
    for index, clip in enumerate(timeline.clips):
        first = round(timeline.clip_start(index) * rate / 1000)
        last = round((timeline.clip_start(index) + clip.duration) * rate / 1000)
        source_first = round(clip.source_in * rate / 1000)
        found += [first + f - source_first for f in flashes.get(clip.source, ())
                  if source_first <= f < source_first + last - first]
    return found


def expected_frames(timeline: Timeline, rate: int = 30) -> int:
    return round(timeline.duration * rate / 1000)


def assert_in_sync(seen: Seen, tolerance: float = 0.003) -> None:
    """Every flash has its beep and every beep its flash, within 3 ms.

    The bar is one frame (33 ms); 3 ms is what the renders achieve, and it is tight enough
    to catch an AAC priming mistake (1024 samples, 21 ms).
    """
    flashes = seen.flash_seconds()
    assert len(seen.beeps) == len(flashes), (seen.beeps, flashes)
    for beep, flash in zip(seen.beeps, flashes, strict=True):
        assert abs(beep - flash) <= tolerance, (beep, flash)


def turned(source: Path, target: Path, degrees: int = 90) -> Path:
    """`source` with a display rotation in its metadata, as a phone stores portrait video."""
    from voiceedit.media.ffmpeg import ffmpeg_path  # the pinned build knows -display_rotation

    subprocess.run([ffmpeg_path(), "-v", "error", "-y", "-display_rotation:v:0", str(degrees),
                    "-i", str(source), "-c", "copy", str(target)], check=True)
    return target
