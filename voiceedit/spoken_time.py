"""Times and counts, printed in digits and spoken in words.

Every answer is composed once, in its printed form: "At 17.3 s of 33.0 s", past a minute
"At 1:02.5 of 3:10.0", counts "Removed 5 fillers". Digits are what a braille display shows
quickest and a screen reader reads best. Only what goes to a voice is turned into words, by
`speakable` ("seventeen point three seconds"), with num2words so every voice says a number
the same way.

How finely a time is written (and so said) is the person's choice: to the second, to the
tenth (the default) or to the frame. Whoever runs a command sets it for that command with
`precision_in(...)`, from the person's settings and the project's frame rate; everything
composed meanwhile, errors from the timeline included, follows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from num2words import num2words

PRECISIONS = ("second", "tenth", "frame")
DEFAULT_PRECISION = "tenth"
DEFAULT_FRAME_RATE = 25.0  # frames a second when the project has no video


@dataclass(frozen=True)
class Precision:
    unit: str = DEFAULT_PRECISION  # one of PRECISIONS
    frame_rate: float = DEFAULT_FRAME_RATE


_precision: ContextVar[Precision | None] = ContextVar("precision", default=None)


@contextmanager
def precision_in(precision: Precision) -> Iterator[None]:
    """Times composed inside the block follow `precision`."""
    token = _precision.set(precision)
    try:
        yield
    finally:
        _precision.reset(token)


def current_precision() -> Precision:
    return _precision.get() or Precision()


def print_time(ms: int, precision: Precision | None = None) -> str:
    """A position or a length in digits: "17.3 s", "1:02.5", "1:02:03.5" (tenths);
    "17 s", "1:02" (seconds); "17 s 8 f", "1:02 8 f" (frames: whole seconds and the frame
    within the second)."""
    precision = precision or current_precision()
    ms = max(0, int(ms))
    if precision.unit == "frame":
        rate = precision.frame_rate or DEFAULT_FRAME_RATE
        frames = round(ms * rate / 1000)
        per_second = round(rate)  # 29.97 fps counts frames 0 to 29 within a second
        seconds, frame = divmod(frames, per_second)
        return f"{_clock(seconds, '')} {frame} f"
    if precision.unit == "second":
        return _clock(round(ms / 1000), "")
    tenths = round(ms / 100)
    return _clock(tenths // 10, f".{tenths % 10}")


def _clock(seconds: int, fraction: str) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}{fraction}"
    if minutes:
        return f"{minutes}:{seconds:02d}{fraction}"
    return f"{seconds}{fraction} s"


def print_count(count: int, noun: str, plural: str | None = None) -> str:
    """ "1 clip", "3 clips", "no clips". """
    if count == 0:
        return f"no {plural or noun + 's'}"
    return f"{count} " + (noun if count == 1 else plural or noun + "s")


# --- speaking what was printed ----------------------------------------------------------

_FRAMES = r"(?: (?P<frames>\d+) f\b)?"
# Longest first: h:mm:ss, m:ss, then "N s"; each with optional tenths and frames.
_TIME = re.compile(
    r"(?<![\w.:])(?:"
    r"(?P<h>\d+):(?P<hm>\d{2}):(?P<hs>\d{2})(?:\.(?P<hf>\d+))?"
    r"|(?P<m>\d+):(?P<ms>\d{2})(?:\.(?P<mf>\d+))?"
    r"|(?P<s>\d+)(?:\.(?P<sf>\d+))? s\b"
    r")" + _FRAMES + r"(?!\w|:\d)"  # a colon ending the time is punctuation ("3.0 s: 'um'")
)
_NUMBER = re.compile(r"(?<![\w.])(?P<whole>\d+)(?:\.(?P<fraction>\d+))?(?!\w|\.\w)")


def speakable(text: str) -> str:
    """`text` as a voice should say it: printed times and numbers in words. "At 17.3 s of
    33.0 s" -> "At seventeen point three seconds of thirty-three seconds"; "1:02.5" -> "one
    minute two point five seconds"; "17 s 8 f" -> "seventeen seconds and eight frames";
    "Removed 5 fillers" -> "Removed five fillers"."""
    text = _TIME.sub(_say_time_match, text)
    return _NUMBER.sub(lambda m: _say_decimal(m["whole"], m["fraction"]), text)


def _say_time_match(match: re.Match) -> str:
    if match["h"] is not None:
        parts = [_unit(int(match["h"]), "hour"), _unit(int(match["hm"]), "minute")]
        seconds, fraction = match["hs"], match["hf"]
    elif match["m"] is not None:
        parts = [_unit(int(match["m"]), "minute")]
        seconds, fraction = match["ms"], match["mf"]
    else:
        parts, seconds, fraction = [], match["s"], match["sf"]
    if fraction is not None and int(fraction) == 0:
        fraction = None  # "33.0 s" is said "thirty-three seconds"
    frames_only = match["frames"] is not None and int(match["frames"]) and not parts
    if int(seconds) or fraction is not None or not (parts or frames_only):
        said = _say_decimal(seconds, fraction)
        one = said == "one"
        parts.append(f"{said} second" + ("" if one else "s"))
    spoken = " ".join(part for part in parts if part)
    if match["frames"] is not None and (int(match["frames"]) or not spoken):
        frames = _unit(int(match["frames"]), "frame", always=True)
        spoken = f"{spoken} and {frames}" if spoken else frames
    return spoken


def _unit(count: int, name: str, always: bool = False) -> str:
    if count == 0 and not always:
        return ""
    return f"{num2words(count)} {name}" + ("" if count == 1 else "s")


def _say_decimal(whole: str, fraction: str | None) -> str:
    said = num2words(int(whole))
    if fraction:
        said += " point " + " ".join(num2words(int(digit)) for digit in fraction)
    return said


# --- words, for what is only ever spoken -------------------------------------------------

def say_number(value: int) -> str:
    return num2words(value)


def say_time(ms: int, precision: Precision | None = None) -> str:
    """A time in words: "seventeen point three seconds"."""
    return speakable(print_time(ms, precision))


def say_count(count: int, noun: str, plural: str | None = None) -> str:
    """ "one clip", "three clips", "no clips". """
    return speakable(print_count(count, noun, plural))
