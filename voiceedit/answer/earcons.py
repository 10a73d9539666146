"""Earcons: short tones that say what happened before any word is spoken (`--earcons`).

Each is told apart by its pitch contour, not by loudness, so they stay distinct on small
speakers: one high blip (heard), a rising pair (done), a falling pair (not understood),
and two equal notes with a rising third (waiting for yes or no, the shape of a question).
All are under a quarter of a second, with 5 ms fades so they never click.
"""

from __future__ import annotations

from enum import Enum

import numpy as np

EARCON_RATE = 22_050  # the voices' rate, so an earcon and an answer share one output
FADE_MS = 5


class Earcon(Enum):
    HEARD = "heard"
    DONE = "done"
    NOT_UNDERSTOOD = "not understood"
    WAITING = "waiting for yes or no"


# (frequency in Hz, length in ms) for each note, played in order with no gap.
NOTES: dict[Earcon, tuple[tuple[float, int], ...]] = {
    Earcon.HEARD: ((1320.0, 50),),
    Earcon.DONE: ((660.0, 70), (990.0, 90)),
    Earcon.NOT_UNDERSTOOD: ((520.0, 90), (350.0, 130)),
    Earcon.WAITING: ((740.0, 60), (740.0, 60), (988.0, 90)),
}


def tone(frequency: float, length_ms: int, sample_rate: int = EARCON_RATE, level: float = 0.3):
    """A sine note with short linear fades at both ends."""
    count = sample_rate * length_ms // 1000
    t = np.arange(count) / sample_rate
    note = level * np.sin(2 * np.pi * frequency * t)
    fade = min(count // 2, sample_rate * FADE_MS // 1000)
    ramp = np.linspace(0.0, 1.0, fade)
    note[:fade] *= ramp
    note[count - fade :] *= ramp[::-1]
    return note.astype(np.float32)


def earcon(kind: Earcon, sample_rate: int = EARCON_RATE) -> np.ndarray:
    return np.concatenate([tone(f, ms, sample_rate) for f, ms in NOTES[kind]])
