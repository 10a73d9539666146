"""How fast answers are spoken, in words a minute, the same measure for every voice.

Screen-reader users listen at two to three times a voice's default rate, so the rate is the
person's own setting (`speech_rate` in user_config), not the project's, and every speaker
opened by a surface follows it, including a change made by another process. Each voice
turns words a minute into its own control: espeak-ng's `-s`, Piper's length scale, the
system voice's rate property.
"""

from __future__ import annotations

from voiceedit.errors import VoiceEditError
from voiceedit.user_config import read_settings

DEFAULT_RATE = 180  # espeak-ng's -s at which voiceedit has always spoken
SLOWEST, FASTEST = 80, 600  # espeak-ng's own range; 600 is about 650 words a minute heard
STEP = 1.25  # "speak faster": a quarter faster, five steps from the default to 550
# Piper's joe voice at length scale 1 speaks about as fast as espeak-ng at -s 185: on one
# 29-word sentence, 211 words a minute against espeak's 205 at -s 180.
PIPER_NATURAL_RATE = 185


def remembered_rate() -> int | None:
    """The rate the person chose, or None: each voice's default (the system voice then
    keeps the rate chosen in the system's settings)."""
    rate = read_settings().get("speech_rate")
    if isinstance(rate, int) and not isinstance(rate, bool) and SLOWEST <= rate <= FASTEST:
        return rate
    return None


def check_rate(rate: int) -> int:
    if not SLOWEST <= rate <= FASTEST:
        raise VoiceEditError(f"Say a rate from {SLOWEST} to {FASTEST} words a minute.")
    return rate


def faster(rate: int) -> int:
    return _bounded(rate * STEP)


def slower(rate: int) -> int:
    return _bounded(rate / STEP)


def _bounded(rate: float) -> int:
    return max(SLOWEST, min(FASTEST, 5 * round(rate / 5)))
