"""Playback by ear: the timeline's sound, decoded from the untouched sources clip by clip.

A blind editor judges a cut by listening to it, so "play around the cut" plays exactly
`AROUND_CUT_MS` either side of the join nearest the playhead, stitched as the render would.

Decoding: one ffmpeg call per piece of a clip (`-ss` before `-i` seeks exactly when
decoding audio), mono float32 at 48 kHz; each piece is padded or trimmed to the sample count
its timeline range implies (`round(t * rate / 1000)` at both ends), so pieces join without
drift whatever the sources' own rates. Long stretches are decoded `CHUNK_MS` at a time,
a little ahead of what plays, so "play" on an hour-long timeline starts at once and holds
a few seconds of sound in memory, not an hour.

The `Player` runs one playback at a time on a background thread into any `AudioOutput`
(the speakers, or an `ArrayOutput` in tests). Its `defer` mode lets the live loop say
"Playing from twelve seconds" first and start the sound when the voice is done.
"""

from __future__ import annotations

import itertools
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voiceedit.answer.outputs import AudioOutput, DeviceOutput
from voiceedit.errors import VoiceEditError
from voiceedit.media.ffmpeg import ffmpeg_path
from voiceedit.timeline.model import Timeline

PLAYBACK_RATE = 48_000
AROUND_CUT_MS = 2_000
CHUNK_MS = 5_000
AHEAD_S = 2.0 * CHUNK_MS / 1000  # decode no further ahead of the speakers than this


@dataclass(frozen=True)
class Piece:
    """Part of one clip: source range [source_in, source_out) shown from timeline `start`."""

    source: str
    source_in: int
    source_out: int
    start: int

    @property
    def end(self) -> int:
        return self.start + self.source_out - self.source_in


def pieces(timeline: Timeline, start: int, end: int, chunk_ms: int | None = None) -> list[Piece]:
    """The clip ranges that play between timeline `start` and `end` (ms), in order, each at
    most `chunk_ms` long when given."""
    start, end = max(0, start), min(end, timeline.duration)
    found: list[Piece] = []
    if start >= end:
        return found
    index = timeline.clip_index_at(start)
    while index < len(timeline.clips) and timeline.clip_start(index) < end:
        clip, clip_start = timeline.clips[index], timeline.clip_start(index)
        lo, hi = max(start, clip_start), min(end, clip_start + clip.duration)
        step = chunk_ms or hi - lo
        for at in range(lo, hi, step):
            upto = min(hi, at + step)
            offset = clip.source_in - clip_start
            found.append(Piece(clip.source, at + offset, upto + offset, at))
        index += 1
    return found


def sample_at(ms: int, rate: int = PLAYBACK_RATE) -> int:
    return round(ms * rate / 1000)


def decode_piece(piece: Piece, rate: int = PLAYBACK_RATE) -> np.ndarray:
    """The piece's sound, exactly as many samples as its timeline range spans at `rate`.
    A source without sound plays as silence."""
    count = sample_at(piece.end, rate) - sample_at(piece.start, rate)
    length = (piece.source_out - piece.source_in) / 1000
    command = [
        ffmpeg_path(), "-nostdin", "-v", "error",
        "-ss", f"{piece.source_in / 1000:.3f}", "-t", f"{length:.3f}",
        "-i", piece.source, "-vn", "-ac", "1", "-ar", str(rate), "-f", "f32le", "-",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True)
    if result.returncode != 0 and "does not contain any stream" not in result.stderr.decode():
        raise VoiceEditError(f"Could not decode the sound of {piece.source}.")
    audio = np.frombuffer(result.stdout, dtype=np.float32)[:count]
    return np.pad(audio, (0, count - len(audio)))


def stream_audio(
    timeline: Timeline, start: int, end: int, rate: int = PLAYBACK_RATE
) -> Iterator[np.ndarray]:
    """The timeline's sound from `start` to `end`, `CHUNK_MS` at most at a time."""
    for piece in pieces(timeline, start, end, CHUNK_MS):
        yield decode_piece(piece, rate)


def timeline_audio(timeline: Timeline, start: int, end: int, rate: int = PLAYBACK_RATE):
    """All of the timeline's sound between `start` and `end` as one array."""
    chunks = list(stream_audio(timeline, start, end, rate))
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)


def joins(timeline: Timeline) -> list[int]:
    """Timeline times (ms) where one clip meets the next."""
    return [timeline.clip_start(i) for i in range(1, len(timeline.clips))]


def around_cut(timeline: Timeline, playhead: int, either_side: int = AROUND_CUT_MS):
    """(join, start, end): the join nearest `playhead` and the range to play around it."""
    cuts = joins(timeline)
    if not cuts:
        raise VoiceEditError("There are no cuts yet: the timeline is one clip.")
    join = min(cuts, key=lambda t: (abs(t - playhead), t))
    return join, max(0, join - either_side), min(timeline.duration, join + either_side)


class Player:
    """One playback at a time into `output` (opened on first use when not given).

    `defer=True` holds each new playback until `start_pending()`, and then until `quiet()`
    is true (the live loop passes "the voice has finished").
    """

    def __init__(
        self,
        output: AudioOutput | None = None,
        rate: int = PLAYBACK_RATE,
        defer: bool = False,
        quiet: Callable[[], bool] = lambda: True,
    ) -> None:
        self._output = output
        self.rate = rate
        self.defer = defer
        self.quiet = quiet
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._released = threading.Event()
        self._thread: threading.Thread | None = None
        self._start = self._end = 0
        self._handed = 0  # samples given to the output for the current playback
        self._base = 0  # the output's played_samples when this playback began
        self._playing = False
        self._interrupted_at: int | None = None
        self.error: VoiceEditError | None = None  # a decoding failure in the background

    @property
    def output(self) -> AudioOutput:
        if self._output is None:
            try:
                self._output = DeviceOutput(self.rate)
            except VoiceEditError as error:
                raise VoiceEditError(
                    f"{str(error).rstrip('.')}, so I cannot play the sound."
                ) from error
        return self._output

    def play(self, timeline: Timeline, start: int, end: int | None = None) -> None:
        """Play the timeline from `start` to `end` (its end by default); stops any other."""
        end = timeline.duration if end is None else min(end, timeline.duration)
        if start >= end:
            raise VoiceEditError("There is nothing to play there: that is the end.")
        for source in {piece.source for piece in pieces(timeline, start, end)}:
            if not Path(source).is_file():
                raise VoiceEditError(
                    f"The source {Path(source).name} is gone, so I cannot play it."
                )
        output = self.output
        self.stop()
        with self._lock:
            self._stopped = threading.Event()
            self._released = threading.Event()
            if not self.defer:
                self._released.set()
            self._start, self._end, self._handed, self._base = start, end, 0, 0
            self._playing = True
            self._interrupted_at = None
            self.error = None
            args = (timeline, start, end, output, self._stopped, self._released)
            self._thread = threading.Thread(target=self._run, args=args, daemon=True)
            self._thread.start()

    def start_pending(self) -> None:
        self._released.set()

    def _run(self, timeline, start, end, output, stopped, released) -> None:
        try:
            chunks = stream_audio(timeline, start, end, self.rate)
            first = next(chunks, None)  # decoded while the voice is still talking
            while not (released.is_set() and self.quiet()):
                if stopped.wait(0.05):
                    return
            self._base = output.played_samples
            for index, chunk in enumerate(itertools.chain([first], chunks)):
                while not stopped.is_set() and self._queued(output) > AHEAD_S:
                    time.sleep(0.05)
                if stopped.is_set():
                    return
                output.play(chunk, self.rate, continued=index > 0)
                self._handed += len(chunk)
            while output.is_active and not stopped.is_set():
                time.sleep(0.05)
        except VoiceEditError as error:
            self.error = error
        finally:
            if not stopped.is_set():
                self._playing = False

    def _heard(self, output: AudioOutput) -> int:
        """Samples of the current playback that have come out of the output."""
        return min(self._handed, max(0, output.played_samples - self._base))

    def _queued(self, output: AudioOutput) -> float:
        """Seconds handed to the output and not yet heard."""
        return (self._handed - self._heard(output)) / self.rate

    @property
    def is_playing(self) -> bool:
        return self._playing

    @property
    def position(self) -> int:
        """Timeline ms being heard now."""
        if self._output is None:
            return self._start
        heard = self._heard(self._output)
        return min(self._end, self._start + round(heard * 1000 / self.rate))

    def interrupt(self) -> None:
        """Stop at once for a barge-in; the next `stop()` still says where it stopped."""
        self._interrupted_at = self.stop()

    def stop(self) -> int | None:
        """Stop; the timeline position reached, or None when nothing was playing (or where
        an interruption left it, once)."""
        with self._lock:
            if not self._playing:
                position, self._interrupted_at = self._interrupted_at, None
                return position
            position = self.position
            self._stopped.set()
            self._playing = False
            if self._output is not None:
                self._output.stop()
            return position

    def close(self) -> None:
        self.stop()
        if self._output is not None:
            self._output.close()
