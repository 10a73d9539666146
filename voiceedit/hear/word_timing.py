"""Tightens Whisper's word times against the audio's energy.

Whisper's word timestamps come from attention (DTW over cross-attention weights) and are
often a few hundred ms off where speech follows a pause: a first word that starts in the
silence before it, or a short word ("um") placed on the next one. A cut placed on such a
time clips a word or leaves a breath (docs/design.md has the figures; tests/test_transcribe.py
holds them).

The rules are deliberately conservative: a word only moves within the silence around it.
1. A start (end) that falls in silence moves forward (back) to the nearest voiced frame
   inside the word.
2. Voiced audio that no word claims, after the previous word's end and separated from it
   by silence, running up to (or into) a word's start, is that word's beginning: its start
   moves back to the onset.
3. A word's end never runs across a pause of 150 ms or more: Whisper often stretches the
   word before a pause over it, onto the next sound.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from voiceedit.timeline.transcript import Word

FRAME_MS = 10
MIN_WORD_MS = 40
PAUSE_FRAMES = 15  # 150 ms: longer than the closure of a stop consonant inside a word


def voiced_frames(audio: np.ndarray, rate: int) -> np.ndarray:
    """One bool per 10 ms frame: louder than the file's own speech/noise midpoint."""
    size = rate * FRAME_MS // 1000
    frames = len(audio) // size
    if frames == 0:
        return np.zeros(0, dtype=bool)
    power = np.mean(audio[: frames * size].reshape(frames, size).astype(np.float64) ** 2, axis=1)
    level = 10 * np.log10(power + 1e-12)
    speech, floor = np.percentile(level, 95), np.percentile(level, 10)
    # 35 dB under loud speech, but always clearly above the noise floor.
    threshold = max(speech - 35, floor + 10) if speech - floor > 15 else speech - 6
    return level > threshold


def refine_word_times(words: list[Word], audio: np.ndarray, rate: int) -> list[Word]:
    voiced = voiced_frames(audio, rate)
    if not voiced.any():
        return list(words)
    refined: list[Word] = []
    for index, word in enumerate(words):
        start, end = _frame(word.start), max(_frame(word.end), _frame(word.start) + 1)
        previous_end = _frame(refined[-1].end) if refined else 0
        following = _frame(words[index + 1].start) if index + 1 < len(words) else len(voiced)
        start = _claim_onset_before(voiced, start, previous_end)
        start = _first_voiced(voiced, start, end)
        end = _last_voiced(voiced, start, end)
        end = min(end, following) if following > start else end
        new_start, new_end = start * FRAME_MS, end * FRAME_MS
        if new_end - new_start < MIN_WORD_MS:
            refined.append(word)
            continue
        refined.append(replace(word, start=new_start, end=new_end))
    return refined


def _frame(ms: int) -> int:
    return ms // FRAME_MS


def _claim_onset_before(voiced: np.ndarray, start: int, previous_end: int) -> int:
    """Rule 2: move the start back to the onset of the voiced run it sits in or follows,
    when that run begins after the previous word, with silence between them."""
    if start >= len(voiced) or start <= previous_end:
        return start
    if voiced[start]:
        last = start
    else:
        gap = np.flatnonzero(voiced[previous_end:start])
        if len(gap) == 0:
            return start
        last = previous_end + int(gap[-1])
    onset = last
    while onset > previous_end and voiced[onset - 1]:
        onset -= 1
    return onset if onset > previous_end else start


def _first_voiced(voiced: np.ndarray, start: int, end: int) -> int:
    """Rule 1 for starts."""
    inside = voiced[start:end]
    if start < len(voiced) and not voiced[start] and inside.any():
        return start + int(np.flatnonzero(inside)[0])
    return start


def _last_voiced(voiced: np.ndarray, start: int, end: int) -> int:
    """Rule 1 for ends (the frame after the last voiced one), and rule 3: a word never runs
    across a pause of PAUSE_FRAMES or more into the next sound."""
    inside = voiced[start:end]
    if not inside.any():
        return end
    first = int(np.flatnonzero(inside)[0])
    silent_run = 0
    for offset in range(first, len(inside)):
        silent_run = 0 if inside[offset] else silent_run + 1
        if silent_run >= PAUSE_FRAMES:
            return start + offset - silent_run + 1
    if end - 1 < len(voiced) and not voiced[end - 1]:
        return start + int(np.flatnonzero(inside)[-1]) + 1
    return end
