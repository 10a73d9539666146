"""Where sound goes: the speakers, a WAV file, an array, or nowhere.

Speech, earcons and timeline playback all hand mono float32 arrays to an `AudioOutput`:

- `DeviceOutput`: a sounddevice OutputStream that stays open and pulls queued audio in its
  callback, so `stop()` silences it within one buffer and `is_active` is known at any time.
- `WavFileOutput`: appends everything to one WAV, `gap_ms` of silence between pieces,
  written under a temporary name and put in place when the session closes (also after an
  error); a session killed outright leaves only the hidden temporary, which a later write
  into the folder removes once it is old.
- `ArrayOutput`: keeps what would have played (tests assert on it).

Nothing here prints; problems are `VoiceEditError`s with a plain sentence.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from pathlib import Path
from typing import Protocol

import numpy as np

from voiceedit.errors import VoiceEditError, reason
from voiceedit.hear.devices import sounddevice_module


class AudioOutput(Protocol):
    sample_rate: int
    description: str

    def play(self, audio: np.ndarray, sample_rate: int, continued: bool = False) -> None:
        """Queue `audio` after anything still playing; returns at once. `continued`: it
        carries on the previous piece (the next chunk of one playback), no pause between."""

    def stop(self) -> None:
        """Silence now and drop what is queued."""

    @property
    def is_active(self) -> bool:
        """True while sound is coming out (or still queued)."""

    @property
    def played_samples(self) -> int:
        """Samples (at `sample_rate`) that have come out since the output opened."""

    def close(self) -> None: ...


def resample(audio: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Mono float32 from `rate` to `target` Hz with libswresample (PyAV)."""
    if rate == target or not len(audio):
        return np.asarray(audio, dtype=np.float32)
    import av

    frame = av.AudioFrame.from_ndarray(
        np.ascontiguousarray(audio, dtype=np.float32)[None, :], format="flt", layout="mono"
    )
    frame.sample_rate = rate
    resampler = av.AudioResampler(format="flt", layout="mono", rate=target)
    frames = [*resampler.resample(frame), *resampler.resample(None)]  # None flushes the tail
    pieces = [f.to_ndarray().ravel() for f in frames]
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)


class NullOutput:
    """Sound off."""

    description = "no sound"

    def __init__(self, sample_rate: int = 22_050) -> None:
        self.sample_rate = sample_rate

    def play(self, audio: np.ndarray, sample_rate: int, continued: bool = False) -> None:
        pass

    def stop(self) -> None:
        pass

    is_active = False
    played_samples = 0

    def close(self) -> None:
        pass


class ArrayOutput:
    """Collects what would play, instantly; `pieces` in order, at `sample_rate`."""

    description = "memory"

    def __init__(self, sample_rate: int = 22_050) -> None:
        self.sample_rate = sample_rate
        self.pieces: list[np.ndarray] = []
        self.stops = 0

    def play(self, audio: np.ndarray, sample_rate: int, continued: bool = False) -> None:
        self.pieces.append(resample(audio, sample_rate, self.sample_rate))

    def stop(self) -> None:
        self.stops += 1

    @property
    def is_active(self) -> bool:
        return False

    @property
    def played_samples(self) -> int:
        return sum(len(piece) for piece in self.pieces)

    @property
    def audio(self) -> np.ndarray:
        return np.concatenate(self.pieces) if self.pieces else np.zeros(0, dtype=np.float32)

    def close(self) -> None:
        pass


class WavFileOutput:
    """Appends each piece to one 16-bit WAV with `gap_ms` of silence before all but the first
    (and none before a `continued` piece). Written under a temporary name beside `path` and
    renamed over it on `close`, as every file voiceedit writes (media/outputs.py), so the
    name the user gave never holds half a file."""

    def __init__(self, path: str | Path, sample_rate: int = 22_050, gap_ms: int = 300) -> None:
        import soundfile

        from voiceedit.media.outputs import temporary_beside

        self.path = Path(path)
        self.sample_rate = sample_rate
        self.description = f"the file {self.path.name}"
        self._gap = np.zeros(sample_rate * gap_ms // 1000, dtype=np.float32)
        self._lock = threading.Lock()
        self._written = 0
        self._played = 0
        if not self.path.parent.is_dir():
            raise VoiceEditError(f"Cannot write speech to {self.path}: there is no folder "
                                 f"{self.path.parent}.")
        self._temporary = contextlib.ExitStack()
        written = self._temporary.enter_context(temporary_beside(self.path))
        try:
            self._file = soundfile.SoundFile(
                str(written), "w", samplerate=sample_rate, channels=1, subtype="PCM_16",
                format="WAV",
            )
        except (OSError, RuntimeError) as error:  # LibsndfileError is a RuntimeError
            self._temporary.close()
            raise VoiceEditError(f"Cannot write speech to {self.path}: {reason(error)}.") from error
        self._written_to = written

    def play(self, audio: np.ndarray, sample_rate: int, continued: bool = False) -> None:
        audio = resample(audio, sample_rate, self.sample_rate)
        with self._lock:
            if self._file.closed:
                return
            if self._written and not continued:
                self._file.write(self._gap)
            self._file.write(np.clip(audio, -1.0, 1.0))
            self._file.flush()  # libsndfile rewrites the header: the file is valid after each
            self._written += 1
            self._played += len(audio)

    def stop(self) -> None:
        pass

    @property
    def is_active(self) -> bool:
        return False

    @property
    def played_samples(self) -> int:
        return self._played

    def close(self) -> None:
        from voiceedit.media.outputs import publish

        with self._lock:
            if self._file.closed:
                return
            self._file.close()
            try:
                publish(self._written_to, self.path)
            finally:
                self._temporary.close()


class DeviceOutput:
    """The default (or a named) output device, one mono stream that runs while there is
    something to play.

    The callback takes queued audio block by block and stops the stream when the queue is
    empty, so an idle session asks nothing of the sound system. `stop()` empties the queue:
    sound ends within one buffer (0.1 s; a shorter one underruns on a busy 2-core machine
    while Whisper works). `is_active` stays true until the last buffer has been heard.
    """

    latency = 0.1

    def __init__(self, sample_rate: int = 22_050, device: str | int | None = None) -> None:
        sd = sounddevice_module()
        self._sd = sd
        if not any(d["max_output_channels"] > 0 for d in sd.query_devices()):
            raise VoiceEditError("No speaker or headphones were found.")
        self._queue: deque[np.ndarray] = deque()
        self._lock = threading.Lock()
        self._played = 0
        self._sounding_until = 0.0
        self._idle = True  # the stream is not running; play() starts it
        try:
            self._stream = sd.OutputStream(
                samplerate=sample_rate,
                channels=1,
                dtype="float32",
                device=device,
                callback=self._fill,
                latency=self.latency,
            )
        except (sd.PortAudioError, ValueError) as error:
            raise VoiceEditError(
                f"The speakers could not be opened ({str(error).splitlines()[0]})."
            ) from error
        self.sample_rate = int(self._stream.samplerate)
        self.description = f"the speakers ({sd.query_devices(self._stream.device)['name']})"

    def _fill(self, outdata, frames, time_info, status) -> None:  # PortAudio's thread
        out = outdata[:, 0]
        filled = 0
        with self._lock:
            while filled < frames and self._queue:
                head = self._queue[0]
                take = min(frames - filled, len(head))
                out[filled : filled + take] = head[:take]
                filled += take
                self._played += take
                if take == len(head):
                    self._queue.popleft()
                else:
                    self._queue[0] = head[take:]
            out[filled:] = 0.0
            if filled:
                # Heard once the device's buffer has played out: PortAudio's own estimate
                # of when this buffer reaches the speaker, which grows after an underrun.
                ahead = time_info.outputBufferDacTime - time_info.currentTime
                lag = max(self._stream.latency, ahead) + frames / self.sample_rate
                self._sounding_until = time.monotonic() + lag
                return
            self._idle = True
        raise self._sd.CallbackStop  # nothing left: let the stream rest

    def play(self, audio: np.ndarray, sample_rate: int, continued: bool = False) -> None:
        audio = np.clip(resample(audio, sample_rate, self.sample_rate), -1.0, 1.0)
        with self._lock:
            self._queue.append(audio.astype(np.float32))
            start, self._idle = self._idle, False
        if start:  # outside the lock: abort() waits for the callback, which takes it
            try:
                if not self._stream.stopped:
                    self._stream.abort()  # it ended itself (CallbackStop); reset it
                self._stream.start()
            except self._sd.PortAudioError as error:
                raise VoiceEditError(
                    f"The speakers stopped working ({str(error).splitlines()[0]})."
                ) from error

    def stop(self) -> None:
        with self._lock:
            self._queue.clear()
            soon = time.monotonic() + self._stream.latency
            self._sounding_until = min(self._sounding_until, soon)

    @property
    def is_active(self) -> bool:
        return bool(self._queue) or time.monotonic() < self._sounding_until

    @property
    def played_samples(self) -> int:
        return self._played

    def close(self) -> None:
        self.stop()
        with contextlib.suppress(self._sd.PortAudioError):
            self._stream.abort()
            self._stream.close()
