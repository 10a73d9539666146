"""The operating system's own voice, through pyttsx3: SAPI5 on Windows, NSSpeechSynthesizer
on macOS, espeak-ng on Linux.

A blind user has already chosen this voice and its rate in the system's settings, so the
rate is left alone unless asked for. pyttsx3's engines are not thread-safe, its run loop
must stay on one thread, and there is one engine per process (espeak starts once, and a
collected engine clears espeak's callback). So one `EngineThread` owns the one engine for
the whole process and takes requests from a queue. Its espeak driver can also write one
request's sound into an older request's file, or return before writing: so every utterance
is saved to a new file of its own and checked before its sound is used. docs/design.md
("Speech voices") has the faults as measured.
"""

from __future__ import annotations

import itertools
import queue
import re
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from voiceedit.answer.outputs import resample
from voiceedit.errors import VoiceEditError

if TYPE_CHECKING:
    from pyttsx3.engine import Engine

NOT_AVAILABLE = (
    "The system voice is not available (pip install pyttsx3; on Linux, apt install espeak-ng)."
)
STOPPED = "The system voice stopped working."
START_SECONDS = 30.0  # for the engine to start: Windows and macOS load their voice here

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _allowed_seconds(text: str) -> float:
    """How long one utterance may take to be written: generous, the slowest engines are
    still many times faster than speech."""
    return 15.0 + 0.05 * len(text)


@dataclass
class _Request:
    text: str
    rate: int | None
    done: threading.Event = field(default_factory=threading.Event)
    audio: np.ndarray | None = None
    sample_rate: int = 0
    error: str | None = None


class EngineThread:
    """The one pyttsx3 engine and the thread that owns it; `synthesize` may be called from
    any thread, and requests are made one at a time, in the order they came."""

    def __init__(self) -> None:
        self._requests: queue.Queue[_Request] = queue.Queue()
        self._folder = tempfile.TemporaryDirectory(prefix="voiceedit-system-voice-")
        self._numbers = itertools.count(1)
        self._finished = threading.Event()  # set by the engine when an utterance ends
        self._started = threading.Event()
        self._start_error: str | None = None
        self._broken = False
        self.system_rate: int | None = None
        self._rate_set: int | None = None
        self.engine: Engine | None = None  # touched only on `thread`
        self.thread = threading.Thread(target=self._run, name="system-voice", daemon=True)
        self.thread.start()
        if not self._started.wait(START_SECONDS):
            self._broken = True  # should it ever start, it takes no requests
            raise VoiceEditError(NOT_AVAILABLE)
        if self._start_error is not None:
            raise VoiceEditError(self._start_error)
        try:  # an engine that starts but writes nothing is no voice either
            _, self.sample_rate = self.synthesize("Ready.")
        except VoiceEditError as error:
            raise VoiceEditError(NOT_AVAILABLE) from error

    @property
    def broken(self) -> bool:
        """An utterance failed or timed out: the engine takes no more requests."""
        return self._broken

    def synthesize(self, text: str, rate: int | None = None) -> tuple[np.ndarray, int]:
        """Mono float32 audio of `text` and its sample rate, or a VoiceEditError."""
        if self._broken:
            raise VoiceEditError(STOPPED)
        request = _Request(text, rate)
        self._requests.put(request)
        # The engine thread gives up first; this only catches an engine stuck inside pyttsx3.
        if not request.done.wait(_allowed_seconds(text) + 5.0):
            self._broken = True
            raise VoiceEditError(STOPPED)
        if request.error is not None:
            raise VoiceEditError(request.error)
        return request.audio, request.sample_rate

    # Everything below runs on `thread`.

    def _run(self) -> None:
        try:
            self.engine = self._start_engine()
            self.system_rate = self._rate_set = self._read_rate()
        except Exception:  # ImportError, OSError (no libespeak-ng), RuntimeError, COM errors
            self._start_error = NOT_AVAILABLE
            self._started.set()
            return
        self._started.set()
        while True:
            request = self._requests.get()
            if self._broken:
                request.error = STOPPED
            else:
                try:
                    request.audio, request.sample_rate = self._speak_to_file(request)
                except Exception:  # VoiceEditError, or pyttsx3 failing inside its loop
                    # The engine is in an unknown state, and a late "finished" could be
                    # taken for a later request's: no more requests go to it.
                    self._broken = True
                    request.error = STOPPED
            request.done.set()

    def _start_engine(self) -> Engine:
        if sys.platform == "win32":  # SAPI5 is a COM object: this thread needs COM too
            import comtypes

            comtypes.CoInitialize()
        import pyttsx3

        engine = pyttsx3.init()
        engine.connect("finished-utterance", lambda **_: self._finished.set())
        if engine.driver_name == "espeak":
            # The espeak driver prints "Audio saved to ..." from espeak's own thread; the
            # answers' lines on standard output are for the user and a screen reader.
            import pyttsx3.drivers.espeak as espeak_driver

            espeak_driver.print = lambda *args, **kwargs: None
        return engine

    def _read_rate(self) -> int | None:
        """The rate the engine speaks at now. pyttsx3 2.99 declares espeak_GetParameter
        without its `current` argument, so its getProperty("rate") gives espeak's default
        or the current rate by chance: espeak is asked directly, once idle."""
        if self.engine.driver_name != "espeak":
            return self.engine.getProperty("rate")
        from pyttsx3.drivers import _espeak

        self._wait_until_idle(time.monotonic() + START_SECONDS)  # the driver sets a rate
        return int(_espeak.dll.espeak_GetParameter(_espeak.RATE, 1))

    def _speak_to_file(self, request: _Request) -> tuple[np.ndarray, int]:
        path = Path(self._folder.name) / f"utterance-{next(self._numbers)}.wav"
        if path.exists():  # a new name each time: no older sound can be taken for this one
            raise VoiceEditError(STOPPED)
        deadline = time.monotonic() + _allowed_seconds(request.text)
        rate = request.rate if request.rate is not None else self.system_rate
        if rate is not None and rate != self._rate_set:
            self.engine.setProperty("rate", rate)
            self._wait_until_idle(deadline)
            self._rate_set = rate
        self._finished.clear()
        self.engine.save_to_file(request.text, str(path))
        self.engine.runAndWait()
        # espeak and macOS finish writing after runAndWait returns; Windows before.
        self._finished.wait(max(0.0, deadline - time.monotonic()))
        try:
            audio = self._read_written(path, deadline)
        finally:
            path.unlink(missing_ok=True)
        self._wait_until_idle(deadline)
        return audio

    def _wait_until_idle(self, deadline: float) -> None:
        """espeak does each request on its own thread. It says "finished" before it is done,
        and runAndWait starts by cancelling what espeak is still doing: a rate set before
        espeak is idle is lost. So each change and each utterance waits for idle."""
        if self.engine.driver_name != "espeak":
            return  # the other drivers are done when runAndWait and "finished" are
        from pyttsx3.drivers import _espeak

        while _espeak.IsPlaying():  # espeak-ng: "busy", not only sounding
            if time.monotonic() >= deadline:
                raise VoiceEditError(STOPPED)
            time.sleep(0.001)

    @staticmethod
    def _read_written(path: Path, deadline: float) -> tuple[np.ndarray, int]:
        """The sound in `path` once it is a whole WAV with frames in it."""
        import soundfile

        while True:
            try:
                if path.stat().st_size > 44:  # more than a bare WAV header
                    audio, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
                    if len(audio):
                        return audio.mean(axis=1), int(rate)
            except (OSError, RuntimeError):  # not there yet, or still being written
                pass
            if time.monotonic() >= deadline:
                raise VoiceEditError(STOPPED)
            time.sleep(0.01)


_engine_thread: EngineThread | None = None
_engine_error: VoiceEditError | None = None
_engine_lock = threading.Lock()


def engine_thread() -> EngineThread:
    """The process's one engine thread, started on first use. A failed start is not retried:
    the engines cannot be started twice in one process."""
    global _engine_thread, _engine_error
    with _engine_lock:
        if _engine_error is not None:
            raise _engine_error
        if _engine_thread is None:
            try:
                _engine_thread = EngineThread()
            except VoiceEditError as error:
                _engine_error = error
                raise
        if _engine_thread.broken:
            raise VoiceEditError(STOPPED)
        return _engine_thread


class SystemVoice:
    """The system's voice as a `Voice`: `rate` in words a minute, or None for the rate the
    user chose in the system's settings. Long answers are made a sentence at a time, so the
    first plays while the rest is made and a barge-in drops the rest."""

    name = "system"

    def __init__(self, rate: int | None = None) -> None:
        self._engine = engine_thread()
        self.rate = rate
        # The rate the outputs are told; a file at another rate is converted to it.
        self.sample_rate = self._engine.sample_rate

    def set_rate(self, rate: int | None) -> None:
        self.rate = rate

    def synthesize(self, text: str) -> np.ndarray:
        pieces = list(self.sentences(text))
        return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)

    def sentences(self, text: str) -> Iterator[np.ndarray]:
        for sentence in _SENTENCE_END.split(text.strip()):
            if sentence:
                audio, rate = self._engine.synthesize(sentence, self.rate)
                yield resample(audio, rate, self.sample_rate)
