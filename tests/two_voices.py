"""Two voices taking turns, for the speaker tests and bench/speakers.py: the bundled Piper
voice (speaker 0) and espeak-ng (speaker 1), each turn a few sentences, with the true turns
recorded so words can be scored against them."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from voiceedit.answer.outputs import resample
from voiceedit.hear.audio import SAMPLE_RATE

TURNS = (
    "Welcome back to the workshop. Today we are building a small wooden table for the garden.",
    "Thanks for having me. I brought the oak boards we cut last week, and a box of screws.",
    "Good. First we measure the legs, all four of them, so the top sits level.",
    "The legs are sixty centimetres each. I marked them with a pencil this morning.",
    "Then we sand every edge, because nobody likes a splinter at dinner.",
    "Sanding takes the longest. Put on the mask, the dust gets everywhere.",
    "Next the frame. Two long rails and two short ones, glued and screwed.",
    "Clamp it square before the glue sets, or the table will rock forever.",
    "Finally a coat of oil, and we let it dry overnight in the shed.",
    "That is the whole job. Thank you all for watching, and see you next week.",
)


@dataclass(frozen=True)
class Turns:
    audio: np.ndarray  # 16 kHz mono float32
    turns: tuple[tuple[int, int, int], ...]  # (start ms, end ms, speaker) of each turn

    def speaker_at(self, ms: int) -> int | None:
        return next((who for start, end, who in self.turns if start <= ms < end), None)


@functools.cache
def _piper():
    from voiceedit.answer.speakers import PiperVoice

    return PiperVoice(varied=False)


@functools.cache
def _espeak():
    from voiceedit.answer.speakers import EspeakVoice

    return EspeakVoice(rate=160)


def voice_audio(text: str, speaker: int) -> np.ndarray:
    voice = _piper() if speaker == 0 else _espeak()
    return resample(voice.synthesize(text), voice.sample_rate, SAMPLE_RATE)


def two_voices(texts: tuple[str, ...] = TURNS, gap_ms: int = 500, repeat: int = 1,
               one_voice: bool = False) -> Turns:
    """The texts said in turn by the two voices (or all by Piper), `gap_ms` between turns."""
    gap = np.zeros(SAMPLE_RATE * gap_ms // 1000, dtype=np.float32)
    pieces, turns, position = [gap], [], len(gap)
    for round_ in range(repeat):
        for index, text in enumerate(texts):
            speaker = 0 if one_voice else (index + round_) % 2
            audio = voice_audio(text, speaker)
            turns.append((position * 1000 // SAMPLE_RATE,
                          (position + len(audio)) * 1000 // SAMPLE_RATE, speaker))
            pieces += [audio, gap]
            position += len(audio) + len(gap)
    return Turns(np.concatenate(pieces), tuple(turns))


def write_turns(path: Path, turns: Turns) -> Path:
    soundfile.write(str(path), turns.audio, SAMPLE_RATE, subtype="PCM_16")
    return path
