"""The audio the hearing layer works in: mono float32 at 16 kHz, and Whisper's frames over it.

Whisper's features and the silero voice detector are both defined at 16 kHz, so the
microphone is recorded (or resampled) at that rate, and every file is decoded to it: one
rate from capture to recognition, defined here once.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from voiceedit.errors import VoiceEditError
from voiceedit.spoken_time import print_time

SAMPLE_RATE = 16_000  # capture and recognition rate: Whisper's and the voice detector's
HOP = 160  # samples per Whisper feature frame: 100 frames a second
MAX_FRAMES = 3000  # Whisper's 30 s window, in feature frames
SILENCE_DBFS = -50  # the loudest 20 ms of a command is well above this; of a silent file, not


def command_audio(path: str | Path) -> np.ndarray:
    """A recorded command as 16 kHz mono float32, or one clear sentence saying what is wrong."""
    from faster_whisper.audio import decode_audio

    path = Path(path)
    if not path.is_file():
        raise VoiceEditError(f"There is no file at {path}.")
    try:
        audio = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except IndexError:  # PyAV opened it, but it has no audio stream
        raise VoiceEditError(f"{path.name} has no sound track.") from None
    except Exception:  # PyAV raises many kinds; all mean "not a media file"
        raise VoiceEditError(f"{path.name} is not an audio file I can read.") from None
    if len(audio) > MAX_FRAMES * HOP:
        length = print_time(len(audio) * 1000 // SAMPLE_RATE)
        raise VoiceEditError(f"{path.name} is {length} long; a spoken command is a few seconds.")
    if loudest_dbfs(audio) < SILENCE_DBFS:
        raise VoiceEditError(f"{path.name} is silent: there is no command in it to hear.")
    return audio


def loudest_dbfs(audio: np.ndarray) -> float:
    """The level of the loudest 20 ms, in dB below full scale (-inf for no sound at all)."""
    frames = audio[: len(audio) // 320 * 320].reshape(-1, 320)
    if len(frames) == 0:
        return -math.inf
    loudest = float(np.sqrt(np.max(np.mean(frames.astype(np.float64) ** 2, axis=1))))
    return 20 * math.log10(loudest) if loudest > 0 else -math.inf


def padded(mel: np.ndarray, frames: int, pad: str) -> np.ndarray:
    """Log-mel features of an utterance, padded (or cut) to `frames`.

    "silence" pads with the features of digital silence, as openai-whisper (which pads the
    audio itself) and Whisper's training did: the log-mel floor, which Whisper's normalisation
    puts 8 log10 units below the loudest bin, i.e. `max - 2` after it; computed directly rather
    than by running the STFT over seconds of zeros. "zeros" pads with 0, as faster-whisper
    pads its 30 s window.
    """
    floor = mel.max() - 2.0 if pad == "silence" and mel.size else 0.0
    window = np.full((mel.shape[0], frames), floor, dtype=np.float32)
    window[:, : min(frames, mel.shape[1])] = mel[:, :frames]
    return window
