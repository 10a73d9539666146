"""Voice activity: a stream of audio blocks in, finished utterances out.

Latency counts from the end of speech, so an utterance ends after a short hangover without
speech, long enough not to split a command at the pauses between its words. The live loop
may end one sooner (`end_now`) when what was said is a whole command nothing could continue.

Two frame classifiers sit behind one small interface: `SileroFrames` (the default, the model
inside faster-whisper, streamed; it still tells speech from noise at 10 dB SNR) and
`WebrtcFrames` (cheaper, but in noise it hears speech everywhere). Memory is bounded: the
pre-roll is a fixed deque and an utterance is cut at `max_utterance_ms`.
docs/design.md ("Hearing commands") has the measurements.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from voiceedit.hear.audio import SAMPLE_RATE
from voiceedit.hear.sources import Block


@dataclass(frozen=True)
class Utterance:
    """One stretch of speech, with `start`/`end` in stream samples (speech only) and the
    audio to recognise (a little lead-in before, the hangover after)."""

    audio: np.ndarray
    start: int  # first voiced sample
    end: int  # end of the last voiced frame: where the speaker stopped
    decided: int  # stream sample at which the hangover ran out and the end was known
    cut: bool = False  # ended by max_utterance_ms, not by silence

    @property
    def duration_ms(self) -> int:
        return (self.end - self.start) * 1000 // SAMPLE_RATE


class FrameClassifier(Protocol):
    frame_samples: int

    def probability(self, frame: np.ndarray) -> float: ...

    def reset(self) -> None: ...


class SileroFrames:
    """Silero VAD (faster-whisper's bundled ONNX model), streaming."""

    frame_samples = 512
    _context_samples = 64  # the model sees the end of the previous window, as in batch mode

    def __init__(self) -> None:
        from faster_whisper.vad import get_vad_model

        self._session = get_vad_model().session
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(self._context_samples, dtype=np.float32)

    def probability(self, frame: np.ndarray) -> float:
        window = np.concatenate([self._context, frame])[None, :]
        out, self._h, self._c = self._session.run(
            None, {"input": window, "h": self._h, "c": self._c}
        )
        self._context = frame[-self._context_samples :]
        return float(out.ravel()[0])


class WebrtcFrames:
    """webrtcvad (the wheel build), 30 ms frames; `mode` 0..3, higher rejects more."""

    frame_samples = 480

    def __init__(self, mode: int = 2) -> None:
        import webrtcvad

        self._vad = webrtcvad.Vad(mode)

    def reset(self) -> None:
        pass

    def probability(self, frame: np.ndarray) -> float:
        pcm = (np.clip(frame, -1.0, 1.0) * 32767).astype(np.int16).tobytes()
        return 1.0 if self._vad.is_speech(pcm, SAMPLE_RATE) else 0.0


def make_classifier(name: str = "silero") -> FrameClassifier:
    if name == "silero":
        return SileroFrames()
    if name == "webrtc":
        return WebrtcFrames()
    raise ValueError(f"unknown voice detector {name!r}")


def rms(audio: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(audio)))) if len(audio) else 0.0


class UtteranceDetector:
    """Feeds frames to a classifier and cuts the stream into utterances.

    Speech starts on one frame at or above `threshold` and continues while frames stay
    above `threshold - 0.15` (hysteresis, as faster-whisper does); it ends after
    `hangover_ms` below. Utterances with under `min_speech_ms` of voiced frames (clicks,
    coughs) are dropped.
    """

    def __init__(
        self,
        classifier: FrameClassifier | None = None,
        threshold: float = 0.5,
        hangover_ms: int = 300,
        preroll_ms: int = 400,
        min_speech_ms: int = 150,
        max_utterance_ms: int = 15_000,
        pausing_ms: int = 64,
    ) -> None:
        self.classifier = classifier or SileroFrames()
        self.threshold = threshold
        self.neg_threshold = max(threshold - 0.15, 0.01)
        frame = self.classifier.frame_samples
        self._frame = frame
        self._hangover_frames = max(1, round(hangover_ms * SAMPLE_RATE / 1000 / frame))
        self._min_voiced_frames = max(1, round(min_speech_ms * SAMPLE_RATE / 1000 / frame))
        self._max_frames = max(1, round(max_utterance_ms * SAMPLE_RATE / 1000 / frame))
        self._pausing_frames = max(1, round(pausing_ms * SAMPLE_RATE / 1000 / frame))
        preroll_frames = max(1, round(preroll_ms * SAMPLE_RATE / 1000 / frame))
        self._preroll: deque[np.ndarray] = deque(maxlen=preroll_frames)
        self._pending = np.zeros(0, dtype=np.float32)  # less than one frame, awaiting more
        self._position = 0  # stream sample of the next frame's first sample
        self._frames: list[np.ndarray] = []
        self._start = 0
        self._last_voiced_end = 0
        self._voiced = 0
        self._silent_run = 0
        self.in_speech = False

    def feed(self, block: Block) -> list[Utterance]:
        if not self._frames and not len(self._pending):
            self._position = block.start  # follow the stream across dropped blocks
        audio = np.concatenate([self._pending, block.audio]) if len(self._pending) else block.audio
        done: list[Utterance] = []
        usable = len(audio) - len(audio) % self._frame
        for offset in range(0, usable, self._frame):
            utterance = self._step(audio[offset : offset + self._frame])
            if utterance is not None:
                done.append(utterance)
        self._pending = audio[usable:].astype(np.float32, copy=True)
        return done

    def flush(self) -> list[Utterance]:
        """End of stream: the utterance in progress, if it is long enough."""
        utterance = self._finish(cut=False) if self.in_speech else None
        return [utterance] if utterance is not None else []

    def reset(self) -> None:
        """Forget the utterance in progress and the classifier's memory."""
        self._frames = []
        self._preroll.clear()
        self.in_speech = False
        self._voiced = 0
        self._silent_run = 0
        self.classifier.reset()

    @property
    def pausing(self) -> tuple[int, np.ndarray] | None:
        """In an utterance that has gone quiet for `pausing_ms` or more, but not yet for the
        whole hangover: (where the speech stopped, the utterance's audio so far). The end
        is not certain yet; the live loop may start recognising this early."""
        if not self.in_speech or self._silent_run < self._pausing_frames:
            return None
        return self._last_voiced_end, np.concatenate(self._frames)

    @property
    def speech_end(self) -> int:
        """Stream sample where the utterance in progress was last voiced."""
        return self._last_voiced_end

    @property
    def pause_ms(self) -> int:
        """How long the utterance in progress has been quiet, 0 outside speech."""
        if not self.in_speech:
            return 0
        return (self._position - self._last_voiced_end) * 1000 // SAMPLE_RATE

    def end_now(self) -> Utterance | None:
        """End the utterance in progress here, before its hangover runs out: the caller
        knows it is complete. What comes next starts a new utterance."""
        return self._finish(cut=False) if self.in_speech else None

    def trim_before(self, sample: int) -> None:
        """Drop the start of the utterance in progress up to stream `sample`: at a barge-in,
        what came before the person started talking was the tool's own voice."""
        if not self.in_speech:
            return
        first = self._position - len(self._frames) * self._frame  # where _frames begin
        drop = max(0, min(len(self._frames) - 1, (sample - first) // self._frame))
        del self._frames[:drop]
        self._start = max(self._start, first + drop * self._frame)

    def _step(self, frame: np.ndarray) -> Utterance | None:
        probability = self.classifier.probability(frame)
        start, self._position = self._position, self._position + len(frame)
        if not self.in_speech:
            if probability >= self.threshold:
                self.in_speech = True
                self._start = start
                self._frames = [*self._preroll, frame]
                self._voiced, self._silent_run = 1, 0
                self._last_voiced_end = self._position
            else:
                self._preroll.append(frame)
            return None
        self._frames.append(frame)
        if probability >= self.neg_threshold:
            self._voiced += 1
            self._silent_run = 0
            self._last_voiced_end = self._position
        else:
            self._silent_run += 1
        if self._silent_run >= self._hangover_frames:
            return self._finish(cut=False)
        if len(self._frames) >= self._max_frames:
            return self._finish(cut=True)
        return None

    def _finish(self, cut: bool) -> Utterance | None:
        frames, voiced = self._frames, self._voiced
        self._frames = []
        self._preroll.clear()
        self.in_speech = False
        self._voiced = self._silent_run = 0
        if voiced < self._min_voiced_frames:
            return None
        return Utterance(
            audio=np.concatenate(frames),
            start=self._start,
            end=self._last_voiced_end,
            decided=self._position,
            cut=cut,
        )
