"""Generated media for cutaways and burned-in captions: an "interview" of one flat colour
with a 440 Hz tone and a made-up transcript (the words need not be heard: quotes, captions
and cutaways work on the transcript), and b-roll of another colour with a 1500 Hz tone, so a
render's pixels tell whose picture is showing and its sound whose sound is playing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import numpy as np

from voiceedit.media.probe import probe
from voiceedit.project import Source, create_project
from voiceedit.timeline.transcript import Transcript, Word

INTERVIEW_TONE, BROLL_TONE = 440, 1500
# One word every 400 ms from 0.2 s: "the lighting rig" is words 6-8 (2.6 s to 3.7 s).
SCRIPT = " ".join(["Today I want to show you the lighting rig we built for almost nothing.",
                   "It uses two clamp lights and a sheet."]).split(" ")


def make_clip(path: Path, colour: str, tone: int, seconds: float, size: str = "320x180",
              rate: int = 30, audio: bool = True) -> Path:
    args = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
            f"color=c={colour}:s={size}:r={rate}:d={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency={tone}:sample_rate=48000:duration={seconds}",
                 "-c:a", "aac", "-shortest"]
    args += ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "30", str(path)]
    subprocess.run(args, check=True)
    return path


def script_words() -> tuple[Word, ...]:
    return tuple(Word(text, 200 + 400 * n, 200 + 400 * n + 300) for n, text in enumerate(SCRIPT))


def make_media(folder: Path) -> Path:
    """folder/interview.mp4 (red, 9 s, 30 fps, 440 Hz), broll.mp4 (blue, 3 s, 25 fps, a
    quarter of the size, 1500 Hz) and sound.wav (no picture)."""
    make_clip(folder / "interview.mp4", "red", INTERVIEW_TONE, 9)
    make_clip(folder / "broll.mp4", "blue", BROLL_TONE, 3, size="160x90", rate=25)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    "sine=frequency=300:duration=2", str(folder / "sound.wav")], check=True)
    return folder


def new_project(folder: Path, name: str) -> Path:
    """folder/NAME.voiceedit over the interview, with SCRIPT as its transcript."""
    media = probe(folder / "interview.mp4")
    source = Source(media, Transcript(media.path, media.duration, script_words()))
    create_project(folder / f"{name}.voiceedit", [source])
    return folder / f"{name}.voiceedit"


def frame_colours(path: Path, y: int | None = None) -> list[tuple[int, int, int]]:
    """The colour at the centre (or row `y`, centre column) of every frame."""
    found = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            pixels = frame.to_ndarray(format="rgb24")
            row = pixels.shape[0] // 2 if y is None else y
            found.append(tuple(int(v) for v in pixels[row, pixels.shape[1] // 2]))
    return found


def frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def frame_at(path: Path, number: int) -> np.ndarray:
    """Frame `number` (from 0) alone, for files too long to hold every frame of."""
    with av.open(str(path)) as container:
        for n, frame in enumerate(container.decode(video=0)):
            if n == number:
                return frame.to_ndarray(format="rgb24")
    raise IndexError(f"{path.name} has {number} frames or fewer")


def dominant_tone(path: Path, start: float, end: float) -> float:
    """The loudest frequency (Hz) of the file's sound between `start` and `end` seconds."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-ss", str(start), "-t", str(end - start),
                          "-i", str(path), "-ac", "1", "-ar", "48000", "-f", "f32le", "-"],
                         check=True, capture_output=True).stdout
    sound = np.frombuffer(raw, dtype=np.float32)
    spectrum = np.abs(np.fft.rfft(sound * np.hanning(len(sound))))
    return float(np.fft.rfftfreq(len(sound), 1 / 48000)[int(np.argmax(spectrum))])


def is_red(colour: tuple[int, int, int]) -> bool:
    return colour[0] > 200 and colour[1] < 60 and colour[2] < 60


def is_blue(colour: tuple[int, int, int]) -> bool:
    return colour[2] > 200 and colour[0] < 60 and colour[1] < 60
