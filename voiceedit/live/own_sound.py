"""The tool's own sound, and a person talking over it (half duplex with barge-in).

The microphone hears the speakers. While the tool speaks or plays, and for `guard_ms`
after, an utterance that starts then is the tool's own sound and is never taken as a
command. If, while the tool is sounding, speech gets clearly louder than the echo learnt at
the start of that stretch, a person is talking over it: speech and playback stop and what
they say is heard as a command. We chose this over echo cancellation because it needs no
knowledge of the room and cannot mistake the tool's own words for a command (measurements:
docs/design.md, "The live session").
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from voiceedit.live.settings import LiveSettings


class BargeIn:
    """Tells a person talking over the tool from the tool's own sound coming back.

    The first `learn_ms` of each stretch of our sound teach it how loud the echo gets: the
    loudest `barge_in_ms` average in that time, never below `floor`. After that, speech
    whose last `barge_in_ms` average `barge_in_ratio` times that is a person; `onset` is
    where their loud run began. Averages, not single blocks, are compared, so a loud syllable
    of our own is not mistaken for someone talking.
    """

    def __init__(self, settings: LiveSettings, block_ms: float, span: int = 0) -> None:
        self.settings = settings
        self.span = span  # which stretch of our own sound this is learning
        self._learn_blocks = max(1, round(settings.learn_ms / block_ms))
        window = max(1, round(settings.barge_in_ms / block_ms))
        self._recent: deque[tuple[float, int]] = deque(maxlen=window)  # (level, start sample)
        self._learning: list[float] = []
        self.echo = settings.floor
        self.onset = 0
        self.fired = False

    def update(self, level: float, in_speech: bool, start: int = 0) -> bool:
        """Feed one block's loudness while the tool sounds; True (once) when to stop."""
        if self.fired:
            return False
        if len(self._learning) < self._learn_blocks:
            self._learning.append(level)
            if len(self._learning) == self._learn_blocks:
                width = min(self._recent.maxlen, len(self._learning))
                means = np.convolve(self._learning, np.ones(width) / width, mode="valid")
                self.echo = max(self.settings.floor, float(means.max()))
            return False
        if not in_speech:
            self._recent.clear()
            return False
        self._recent.append((level, start))
        threshold = self.settings.barge_in_ratio * self.echo
        levels = [lvl for lvl, _ in self._recent]
        if len(levels) < self._recent.maxlen or np.mean(levels) <= threshold:
            return False
        self.onset = next(at for lvl, at in self._recent if lvl > threshold)
        self.fired = True
        return True


class OwnSound:
    """When the tool itself was sounding (speech, earcons, playback), in wall-clock time,
    so that audio can be checked against it whenever the loop gets round to reading it.
    `guard_s` extends each stretch for the echo's tail and the device's buffering."""

    def __init__(self, guard_s: float) -> None:
        self.guard_s = guard_s
        self._spans: deque[list[float]] = deque(maxlen=64)  # [since, until]; until=inf: open
        self.count = 0  # stretches so far: an id for the current one

    def update(self, sounding: bool, now: float) -> int:
        """Record whether we are sounding at `now`; returns the current stretch's id."""
        open_span = self._spans and self._spans[-1][1] == math.inf
        if sounding and not open_span:
            self._spans.append([now, math.inf])
            self.count += 1
        elif not sounding and open_span:
            self._spans[-1][1] = now
        return self.count

    def during(self, when: float) -> bool:
        return any(since <= when <= until + self.guard_s for since, until in self._spans)

    def overlaps(self, first: float, last: float) -> bool:
        return any(first <= until + self.guard_s and last >= since for since, until in self._spans)
