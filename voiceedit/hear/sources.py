"""Where live audio comes from: the microphone, or files fed as if spoken.

Every source yields mono float32 blocks at `audio.SAMPLE_RATE`, about 32 ms each, and says
where each block sits in the stream (`Block.start`, in samples), so the live loop can tell
when speech ended however fast the audio arrives.

- `MicrophoneSource`: a sounddevice InputStream whose callback drops blocks into a bounded
  queue. If the reader falls behind (a slow recognition), the oldest audio is dropped rather
  than memory growing; an hour of listening costs the same memory as a minute.
- `FileSource`: any file ffmpeg reads (decoded and resampled by faster-whisper's
  `decode_audio`), one after another with silence between, either paced in real time (to
  measure latency as a speaker would meet it) or as fast as possible (for tests).

No microphone or a busy one is a `VoiceEditError` with a way out ("use --input FILE").
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from voiceedit.errors import VoiceEditError, reason
from voiceedit.hear.audio import SAMPLE_RATE
from voiceedit.hear.devices import sounddevice_module

BLOCK_SAMPLES = 512  # 32 ms: one silero VAD window


@dataclass(frozen=True)
class Block:
    """A stretch of the input stream: `audio` begins `start` samples after the stream did,
    and its last sample was heard at `time` (time.monotonic()). The live loop compares that
    time with when the tool itself was sounding, however far behind it reads."""

    audio: np.ndarray  # float32, mono, SAMPLE_RATE
    start: int
    time: float = 0.0

    @property
    def end(self) -> int:
        return self.start + len(self.audio)


class AudioSource(Protocol):
    """Anything that yields 16 kHz mono float32 blocks until it ends or is closed."""

    description: str

    def blocks(self) -> Iterator[Block]: ...

    def close(self) -> None: ...


def split_blocks(audio: np.ndarray, start: int = 0, size: int = BLOCK_SAMPLES) -> Iterator[Block]:
    """Cut a long array into stream blocks (the last one may be short), timed as they are
    taken."""
    for offset in range(0, len(audio), size):
        yield Block(audio[offset : offset + size], start + offset, time.monotonic())


def load_audio(path: str | Path) -> np.ndarray:
    """Any audio or video file as 16 kHz mono float32, or a clear error."""
    from faster_whisper.audio import decode_audio

    path = Path(path)
    if not path.is_file():
        raise VoiceEditError(f"There is no audio file at {path}.")
    try:
        return np.asarray(decode_audio(str(path), sampling_rate=SAMPLE_RATE), dtype=np.float32)
    except Exception as error:  # PyAV raises many kinds; all mean "cannot read it"
        raise VoiceEditError(f"Could not read audio from {path.name}: {reason(error)}.") from error


class FileSource:
    """Files fed one after another as if spoken, with `gap_ms` of silence before each and
    after the last (so the voice detector hears every utterance end).

    `realtime=True` paces blocks by the wall clock; `False` feeds them as fast as they are read.
    """

    def __init__(
        self,
        paths: Sequence[str | Path],
        realtime: bool = True,
        gap_ms: int = 1000,
    ) -> None:
        if not paths:
            raise VoiceEditError("Give at least one input file.")
        self.paths = [Path(p) for p in paths]
        self.realtime = realtime
        self.gap = np.zeros(SAMPLE_RATE * gap_ms // 1000, dtype=np.float32)
        self.description = ", ".join(p.name for p in self.paths)
        self._closed = threading.Event()
        # Decode up front: a bad file fails before listening starts, not halfway through.
        self._audio = [load_audio(p) for p in self.paths]

    def blocks(self) -> Iterator[Block]:
        started = time.monotonic()
        position = 0
        for audio in [*self._audio, None]:
            pieces = [self.gap] if audio is None else [self.gap, audio]
            for piece in pieces:
                for block in split_blocks(piece, position):
                    if self._closed.is_set():
                        return
                    if self.realtime:
                        # A block is available once its last sample has been "spoken".
                        due = started + block.end / SAMPLE_RATE
                        self._closed.wait(max(0.0, due - time.monotonic()))
                        block = replace(block, time=max(due, block.time))
                    yield block
                position += len(piece)

    def close(self) -> None:
        self._closed.set()


class ArraySource:
    """An in-memory signal as a source, fed as fast as possible (tests, long-run checks)."""

    def __init__(self, chunks: Iterator[np.ndarray], description: str = "generated audio"):
        self._chunks = chunks
        self.description = description
        self._closed = False

    def blocks(self) -> Iterator[Block]:
        position = 0
        for chunk in self._chunks:
            for block in split_blocks(np.asarray(chunk, dtype=np.float32), position):
                if self._closed:
                    return
                yield block
            position += len(chunk)

    def close(self) -> None:
        self._closed = True


class Resampler:
    """Streaming conversion of float32 mono blocks to 16 kHz (PyAV's libswresample), for
    devices that cannot record at 16 kHz themselves."""

    def __init__(self, rate: int) -> None:
        import av

        self._av = av
        self.rate = rate
        self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)

    def __call__(self, audio: np.ndarray) -> np.ndarray:
        frame = self._av.AudioFrame.from_ndarray(
            np.ascontiguousarray(audio, dtype=np.float32)[None, :], format="flt", layout="mono"
        )
        frame.sample_rate = self.rate
        out = [f.to_ndarray().ravel() for f in self._resampler.resample(frame)]
        return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


class MicrophoneSource:
    """The default (or a named) input device, mono, at 16 kHz (or at the device's own rate,
    resampled, when it refuses 16 kHz).

    The PortAudio callback only copies into a bounded queue; `max_queue_s` of audio waits
    there at most, and the oldest block is dropped beyond it (`dropped` counts them).
    """

    def __init__(self, device: str | int | None = None, max_queue_s: float = 5.0) -> None:
        sd = sounddevice_module()
        self._sd = sd
        self.dropped = 0
        self._position = 0  # samples delivered by the device so far, dropped ones included
        self._resample: Resampler | None = None
        self._queue: queue.Queue[Block] = queue.Queue(
            maxsize=max(1, int(max_queue_s * SAMPLE_RATE / BLOCK_SAMPLES))
        )
        self._closed = threading.Event()
        if not any(d["max_input_channels"] > 0 for d in sd.query_devices()):
            raise VoiceEditError(
                "No microphone was found. Connect one, or use --input FILE to feed recorded "
                "commands."
            )
        try:
            self._stream = self._open(device, SAMPLE_RATE)
        except (sd.PortAudioError, ValueError):
            try:  # some hardware records only at its own rate
                rate = int(sd.query_devices(device, "input")["default_samplerate"])
                self._resample = Resampler(rate)
                self._stream = self._open(device, rate)
            except (sd.PortAudioError, ValueError) as error:
                raise VoiceEditError(
                    f"The microphone could not be opened ({_first_line(error)}); it may be busy "
                    "or missing. Close other recording programs, or use --input FILE."
                ) from error
        name = sd.query_devices(self._stream.device)["name"]
        self.description = f"microphone {name}"

    def _open(self, device: str | int | None, rate: int):
        stream = self._sd.InputStream(
            samplerate=rate,
            blocksize=BLOCK_SAMPLES * rate // SAMPLE_RATE,
            channels=1,
            dtype="float32",
            device=device,
            callback=self._on_audio,
        )
        stream.start()
        return stream

    def _on_audio(self, indata, frames, time_info, status) -> None:  # PortAudio's thread
        audio = indata[:, 0].copy()
        if self._resample is not None:
            audio = self._resample(audio)
        block = Block(audio, self._position, time.monotonic())
        self._position += len(audio)
        try:
            self._queue.put_nowait(block)
        except queue.Full:
            self._drop_oldest()
            self._queue.put_nowait(block)

    def _drop_oldest(self) -> None:
        try:
            self._queue.get_nowait()
            self.dropped += 1
        except queue.Empty:
            pass

    def blocks(self) -> Iterator[Block]:
        while not self._closed.is_set():
            try:
                yield self._queue.get(timeout=0.2)
            except queue.Empty:
                if not self._stream.active:
                    raise VoiceEditError("The microphone stopped delivering sound.") from None

    def close(self) -> None:
        self._closed.set()
        try:
            self._stream.stop()
            self._stream.close()
        except self._sd.PortAudioError:
            pass  # already gone with the device


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0].rstrip(".") if str(error) else type(error).__name__
