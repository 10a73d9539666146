"""Spoken commands for the live-session tests, made with the bundled Piper voice.

Each phrase is synthesised once a test run and kept at 16 kHz; `command_track` lays
phrases out with silence between and records where each one's speech truly is.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from voiceedit.answer.outputs import resample
from voiceedit.hear.audio import SAMPLE_RATE


@functools.cache
def _voice():
    from voiceedit.answer.speakers import PiperVoice

    return PiperVoice(varied=False)


@functools.cache
def spoken(text: str) -> np.ndarray:
    """`text` in the Piper voice (the same sound every run), 16 kHz mono float32, Piper's own
    short lead-in kept."""
    voice = _voice()
    audio = resample(voice.synthesize(text), voice.sample_rate, SAMPLE_RATE)
    audio.setflags(write=False)
    return audio


def speech_span(audio: np.ndarray, floor: float = 0.01) -> tuple[int, int]:
    """(first, last) sample louder than `floor`: where the words are."""
    loud = np.flatnonzero(np.abs(audio) > floor)
    return int(loud[0]), int(loud[-1]) + 1


@dataclass(frozen=True)
class Track:
    audio: np.ndarray
    spans: list[tuple[int, int]]  # speech (start, end) samples of each phrase in `audio`


def command_track(texts: list[str], gap_ms: int = 1200, lead_ms: int = 500) -> Track:
    """The phrases one after another with `gap_ms` of silence between."""
    pieces = [np.zeros(SAMPLE_RATE * lead_ms // 1000, dtype=np.float32)]
    spans = []
    position = len(pieces[0])
    gap = np.zeros(SAMPLE_RATE * gap_ms // 1000, dtype=np.float32)
    for text in texts:
        audio = spoken(text)
        first, last = speech_span(audio)
        spans.append((position + first, position + last))
        pieces += [audio, gap]
        position += len(audio) + len(gap)
    return Track(np.concatenate(pieces), spans)


def write_commands(folder: Path, texts: list[str]) -> list[Path]:
    """One WAV per phrase (what `--input FILE...` is given)."""
    paths = []
    for number, text in enumerate(texts, 1):
        path = folder / f"command{number:02}.wav"
        soundfile.write(str(path), spoken(text), SAMPLE_RATE, subtype="PCM_16")
        paths.append(path)
    return paths
