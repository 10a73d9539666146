"""Commands spoken into the page's microphone: the recording checked and cut to its speech
as `listen` hears it, and the same command recogniser, loaded once per server.

The page asks for the recogniser to be loaded as soon as its microphone opens (`warm_up`),
so the model loads while the person speaks, not after.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from voiceedit.core import Editor
from voiceedit.errors import VoiceEditError

if TYPE_CHECKING:
    from voiceedit.hear.command_recognizer import CommandRecognizer
    from voiceedit.hear.readings import Heard

LONGEST_SPEECH = 8 * 1024 * 1024  # bytes of recorded audio; a spoken command is seconds


class SpeechInput:
    """The command recogniser `listen` uses, with the editor's quote lookup: made and warmed
    once, one utterance at a time (a warm-up and a command may ask at the same moment)."""

    def __init__(self, model: str, editor: Editor) -> None:
        self.model = model
        self.editor = editor
        self._recognizer: CommandRecognizer | None = None
        self._warm = False
        self._lock = threading.Lock()

    def recognise(self, samples: np.ndarray) -> Heard:
        with self._lock:
            return self._loaded().recognise(samples)

    def warm_up(self) -> None:
        """Load the recogniser, its grammar search and the voice detector now (seconds of
        work), so the command being spoken is not kept waiting; errors wait for it."""
        with self._lock:
            if self._warm:
                return
            try:
                self._loaded().warm_up()
                from voiceedit.hear.vad import UtteranceDetector

                UtteranceDetector()
            except VoiceEditError:
                return
            self._warm = True

    def _loaded(self) -> CommandRecognizer:
        if self._recognizer is None:
            from voiceedit.hear.command_recognizer import (
                CommandRecognizer,
                RecognizerOptions,
            )

            editor = self.editor
            self._recognizer = CommandRecognizer(
                self.model, RecognizerOptions(prompt=editor.command_prompt()),
                fit=editor.fit, phrases=editor.phrases, places=editor.places,
                idle=editor.idle_actions, prompt_of=editor.command_prompt)
        return self._recognizer


TAPPED_BYTES = 4096  # a recording stopped at once: MediaRecorder's header and a few ms


def speech_in(path: Path) -> np.ndarray:
    """The speech in a recording, as `listen` hears it: decoded as `command_audio` reads
    a file (16 kHz mono, the same limits), then cut by listen's voice detector to the
    speech and a little either side. Noise is refused here: the recogniser, searching
    within the grammar, makes commands of it ("Go to clip two." from a hiss). The
    sentences are for the person at the page, not about a file they never named."""
    from faster_whisper.audio import decode_audio

    from voiceedit.hear.audio import HOP, MAX_FRAMES, SAMPLE_RATE, SILENCE_DBFS, loudest_dbfs
    from voiceedit.hear.sources import Block
    from voiceedit.hear.vad import UtteranceDetector
    from voiceedit.spoken_time import say_time

    nothing = VoiceEditError("Nothing was recorded; hold T while you speak, or press M, "
                             "speak, then press M again.")
    if path.stat().st_size == 0:
        raise nothing
    try:
        samples = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except Exception:  # PyAV raises many kinds, IndexError for no sound track
        if path.stat().st_size < TAPPED_BYTES:  # a key tapped: a header cut short
            raise nothing from None
        raise VoiceEditError("That recording could not be read as sound; record the "
                             "command again, or type it.") from None
    if len(samples) < SAMPLE_RATE // 10:  # a key tapped: MediaRecorder's header alone
        raise nothing
    if len(samples) > MAX_FRAMES * HOP:
        length = say_time(len(samples) * 1000 // SAMPLE_RATE)
        raise VoiceEditError(f"That recording is {length} long; a command is one "
                             "sentence, so press M, say it, then press M again.")
    if loudest_dbfs(samples) < SILENCE_DBFS:
        raise VoiceEditError("I heard only silence; check that the microphone is on, "
                             "then hold T while you speak.")
    detector = UtteranceDetector()
    spoken = detector.feed(Block(samples, 0)) + detector.flush()
    if not spoken:
        raise VoiceEditError("I heard sound but no speech; speak close to the "
                             "microphone while you hold T, or type the command.")
    before, after = SAMPLE_RATE * 4 // 10, SAMPLE_RATE * 3 // 10  # the detector's own
    return samples[max(0, spoken[0].start - before):spoken[-1].end + after]
