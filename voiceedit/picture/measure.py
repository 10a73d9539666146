"""Cheap measures of every frame, and a shot's words and problems made from them.

Every frame is measured on a small decode (analyse.SMALL_WIDTH): brightness, whether it
changed since the last one, and the camera's motion by phase correlation (a global shift,
robust to things moving in the picture). Blur is measured on a few full-resolution crops
per second, because downscaling hides exactly the soft focus it should find. Thresholds
were set on generated test media (tests/test_picture.py) and are kept here as names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from voiceedit.picture.shots import Problem

BLACK_LUMA, BLACK_SPREAD = 20.0, 12.0  # a black frame: dark on average and nearly flat
DARK_LUMA, BRIGHT_LUMA = 55.0, 215.0
STILL_DIFF = 0.4  # mean absolute change (0..255) below which a frame repeats the last
BLURRY = 0.55  # blur_score above this is soft: sharp patterns score 0.05 to 0.25, a
# 6-pixel box blur 0.75 to 0.8 (tests/picture_media.py)
FLAT_SPREAD = 10.0  # a crop whose luma varies less than this shows nothing to judge blur by
SHAKE = 0.006  # mean jitter, as a fraction of the width per frame, that reads as shaky
PAN = 0.002  # steady drift, fraction of the width per frame, that reads as a pan
STEADY = 0.8  # share of a shot's frames that must drift the same way for a pan
MIN_PROBLEM_MS = {"black": 80, "dark": 1000, "bright": 1000, "blurry": 500, "shaky": 500,
                  "frozen": 1000}
SMOOTH_S = 0.5  # the camera's intended path: its motion averaged over this long


@dataclass
class FrameTrack:
    """What was measured of each frame, in decode order (lists: cheap to append)."""

    times: list[int]  # ms
    luma: list[float]
    spread: list[float]  # standard deviation of the luma
    change: list[float]  # mean absolute difference from the previous frame
    shift: list[tuple[float, float]]  # the picture's move since the last frame, fraction of width
    colours: list[np.ndarray]  # an 8x4 BGR thumbnail per frame, for colour words
    blur: list[tuple[int, float]]  # (ms, blur_score) of the sampled crops with detail


def new_track() -> FrameTrack:
    return FrameTrack([], [], [], [], [], [], [])


class FrameMeter:
    """Measures one small BGR frame after another into a FrameTrack."""

    def __init__(self) -> None:
        self.track = new_track()
        self._last_gray: np.ndarray | None = None
        self._last_motion: np.ndarray | None = None
        self._window: np.ndarray | None = None

    def add(self, ms: int, bgr: np.ndarray) -> None:
        gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
        mean, std = cv2.meanStdDev(gray)
        track = self.track
        track.times.append(ms)
        track.luma.append(float(mean[0, 0]))
        track.spread.append(float(std[0, 0]))
        last = self._last_gray
        track.change.append(255.0 if last is None else float(cv2.absdiff(gray, last).mean()))
        track.colours.append(cv2.resize(bgr, (8, 4), interpolation=cv2.INTER_AREA))
        motion = cv2.resize(gray, (gray.shape[1] // 2, gray.shape[0] // 2),
                            interpolation=cv2.INTER_AREA).astype(np.float32)
        if self._window is None:
            self._window = cv2.createHanningWindow(motion.shape[::-1], cv2.CV_32F)
        shift = (0.0, 0.0)
        if self._last_motion is not None and std[0, 0] > BLACK_SPREAD:
            (dx, dy), response = cv2.phaseCorrelate(self._last_motion, motion, self._window)
            if response > 0.05:  # a weak peak is noise, not a move
                shift = (dx / motion.shape[1], dy / motion.shape[1])
        track.shift.append(shift)
        self._last_gray, self._last_motion = gray, motion

    def add_crop(self, ms: int, gray: np.ndarray) -> None:
        score = blur_score(gray)
        if score is not None:
            self.track.blur.append((ms, score))


def blur_score(gray: np.ndarray) -> float | None:
    """0 sharp .. 1 very soft, None for a frame without detail to judge (black, flat).

    The re-blur measure (Crete-Roffet et al. 2007): blur the frame again and see how much
    of its pixel-to-pixel variation survives. A sharp frame loses much, a soft one little.
    It compares the frame with itself, so a busy picture and a plain one score alike.
    """
    if float(gray.std()) < FLAT_SPREAD:
        return None
    image = gray.astype(np.float32)
    scores = []
    for axis, kernel in ((0, (1, 9)), (1, (9, 1))):
        sharp = np.abs(np.diff(image, axis=axis))
        total = float(sharp.sum())
        if total == 0:
            return None
        again = np.abs(np.diff(cv2.blur(image, kernel), axis=axis))
        kept = float(np.maximum(0.0, sharp - again).sum())
        scores.append(1.0 - kept / total)
    return max(scores)


def runs(mask: Sequence[bool], times: Sequence[int], end: int, min_ms: int) -> list[tuple]:
    """The spans [start, end) ms where `mask` holds for at least `min_ms`; frame i lasts
    until frame i+1 (the last until `end`)."""
    spans, begin = [], None
    for i, flag in enumerate([*mask, False]):
        if flag and begin is None:
            begin = i
        elif not flag and begin is not None:
            stop = times[i] if i < len(times) else end
            if stop - times[begin] >= min_ms:
                spans.append((times[begin], stop))
            begin = None
    return spans


def shot_problems(track: FrameTrack, first: int, last: int, end: int) -> tuple[Problem, ...]:
    """The problems of the shot made of frames [first, last), which ends at `end` ms."""
    times = track.times[first:last]
    luma = np.array(track.luma[first:last])
    spread = np.array(track.spread[first:last])
    length = end - times[0]
    black = (luma < BLACK_LUMA) & (spread < BLACK_SPREAD)
    masks = {
        "black": black,
        "dark": (luma < DARK_LUMA) & ~black,
        "bright": luma > BRIGHT_LUMA,
        "shaky": _jitter(track.shift[first:last], times) > SHAKE,
    }
    still = np.array(track.change[first:last]) < STILL_DIFF
    still[0] = still[1] if len(still) > 1 else True  # a shot's first frame changed by the cut
    if not still.all():  # a shot that never moves is a still picture, not a frozen one
        masks["frozen"] = still & ~black
    found = []
    for flag, mask in masks.items():
        found += [Problem(flag, s, e) for s, e in
                  runs(mask, times, end, min(MIN_PROBLEM_MS[flag], length))]
    blur = [(ms, score) for ms, score in track.blur if times[0] <= ms < end]
    if blur:  # the first sample stands for the shot from its start
        sampled = [times[0]] + [ms for ms, _ in blur[1:]]
        found += [Problem("blurry", s, e) for s, e in
                  runs([score > BLURRY for _, score in blur], sampled, end,
                       min(MIN_PROBLEM_MS["blurry"], length))]
    return tuple(sorted(found, key=lambda p: (p.start, p.flag)))


def _jitter(shifts: list[tuple[float, float]], times: list[int]) -> np.ndarray:
    """Per frame, how far the picture's move strays from the camera's smoothed path, averaged
    over SMOOTH_S: a pan is smooth and scores low, a shaken camera scores high."""
    if len(shifts) < 3:
        return np.zeros(len(shifts))
    moves = np.array(shifts)
    span = (times[-1] - times[0]) / max(1, len(times) - 1)
    width = max(3, int(SMOOTH_S * 1000 / max(span, 1)) | 1)
    kernel = np.ones(width) / width
    path = np.stack([np.convolve(moves[:, k], kernel, mode="same") for k in (0, 1)], axis=1)
    stray = np.hypot(*(moves - path).T)
    return np.convolve(stray, kernel, mode="same")


def shot_motion(track: FrameTrack, first: int, last: int) -> str:
    """The camera's move in words. A pan or tilt is a steady drift: the median shift is
    large and most frames move the same way (something moving inside a still frame, or a
    shaken camera, moves this way and that and is not a pan)."""
    if all(change < STILL_DIFF for change in track.change[first + 1:last]):
        return "no movement"
    moves = np.array(track.shift[first:last])
    typical = np.median(moves, axis=0)
    axis = 0 if abs(typical[0]) >= abs(typical[1]) else 1
    steady = np.mean(np.sign(moves[:, axis]) == np.sign(typical[axis])) >= STEADY
    if abs(typical[axis]) < PAN or not steady:
        return "camera still"
    if axis == 0:  # the picture moves left when the camera turns right
        return "camera pans right" if typical[0] < 0 else "camera pans left"
    return "camera tilts down" if typical[1] < 0 else "camera tilts up"


HUES = ((10, "red"), (22, "orange"), (35, "yellow"), (85, "green"), (100, "cyan"),
        (130, "blue"), (150, "purple"), (170, "pink"), (180, "red"))  # OpenCV hue is 0..179


def shot_looks(track: FrameTrack, first: int, last: int) -> tuple[str, ...]:
    """Brightness and colour in words: ("dark", "mostly blue"), ("mostly white",)."""
    step = max(1, (last - first) // 40)  # 40 thumbnails are plenty for a shot's colours
    pixels = np.concatenate([c.reshape(-1, 3) for c in track.colours[first:last:step]])
    hsv = cv2.cvtColor(pixels.reshape(-1, 1, 3), cv2.COLOR_BGR2HSV).reshape(-1, 3)
    hue, saturation, value = (hsv[:, k].astype(int) for k in range(3))
    names = np.where(value < 45, "black", np.where(
        saturation < 50, np.where(value > 190, "white", "grey"),
        np.array([next(name for top, name in HUES if h < top) for h in hue])))
    words = []
    luma = float(np.mean(track.luma[first:last]))
    if luma < DARK_LUMA:
        words.append("dark")
    elif luma > 180:
        words.append("bright")
    kinds, counts = np.unique(names, return_counts=True)
    top = int(np.argmax(counts))
    if counts[top] >= 0.5 * len(names):
        words.append(f"mostly {kinds[top]}")
    elif sum(1 for k, c in zip(kinds, counts, strict=True)
             if c >= 0.1 * len(names) and k not in ("black", "white", "grey")) >= 3:
        words.append("colourful")
    return tuple(words)
