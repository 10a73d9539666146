"""The live session's settings and what one turn of it records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from voiceedit.core import Answer


class Recognizer(Protocol):
    def recognise(self, audio: np.ndarray): ...  # -> Heard(text, ...)


@dataclass(frozen=True)
class LiveSettings:
    push_to_talk: bool = False
    earcons: bool = False
    guard_ms: int = 300
    barge_in_ms: int = 200
    barge_in_ratio: float = 2.0  # 6 dB above the echo
    learn_ms: int = 600
    onset_margin_ms: int = 100  # kept before the loud run that triggered a barge-in
    floor: float = 0.003  # about -50 dBFS: quieter than this is never a person talking
    early_end_ms: int | None = 160  # a final, sure command ends after this pause; None: never


@dataclass(frozen=True)
class Turn:
    """One utterance taken as a command, with where the time went (seconds, monotonic)."""

    heard: str
    answer: Answer | None  # None: nothing recognisable, or ignored while asleep
    speech_ended: float  # when the source delivered the end of the speech
    answer_started: float  # when the answer was handed to the speaker
    recognise_s: float
    handle_s: float
    speak_s: float
    barged_in: bool = False
    ended_early: bool = False  # a final command, ended before the hangover ran out

    @property
    def latency_s(self) -> float:
        """End of speech to answer starting: the pause the user hears."""
        return self.answer_started - self.speech_ended
