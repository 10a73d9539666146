"""Spoken numbers and times, as words and as digits alike.

Whisper writes numbers either way ("ten seconds", "10 seconds", "1:30", "two and a half"), so
every parser here first turns number words into digits with text2num's `alpha2digit` and then
reads one small digit form. Unit words are kept out of `alpha2digit` ("second" is also an
ordinal to it). Times are exact integer milliseconds (Decimal arithmetic, never floats).

Each parser returns None when the words are not that kind of value; `sound_alikes=True` also
reads words tiny.en writes for a number it heard ("free" for three, "to" for two). The
matcher only does that where the grammar expects a number, and counts it as a repair.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from text_to_num import alpha2digit

from voiceedit.understand.command import SpokenTime

# Words tiny.en writes for a number word it heard; only read where a number is expected.
SOUND_ALIKES = {
    "won": "one",
    "to": "two",
    "too": "two",
    "free": "three",
    "tree": "three",
    "for": "four",
    "fore": "four",
    "ate": "eight",
    "forth": "fourth",
}

ANCHOR_WORDS = {
    ("start",): "start",
    ("the", "start"): "start",
    ("beginning",): "start",
    ("the", "beginning"): "start",
    ("the", "top"): "start",  # "cut from the top to ten seconds"
    ("end",): "end",
    ("the", "end"): "end",
    ("here",): "here",
    ("right", "here"): "here",
    ("the", "playhead"): "here",
}

# Words other than numbers that can begin a time ("half a second", "a minute", "the end").
VALUE_WORDS = frozenset(
    {"a", "an", "half", "point", "the", "right", *(w for a in ANCHOR_WORDS for w in a)}
)

_UNIT_MS = {
    "hour": 3_600_000, "hours": 3_600_000, "hr": 3_600_000, "hrs": 3_600_000, "h": 3_600_000,
    "minute": 60_000, "minutes": 60_000, "min": 60_000, "mins": 60_000, "m": 60_000,
    "second": 1000, "seconds": 1000, "sec": 1000, "secs": 1000, "s": 1000,
    "millisecond": 1, "milliseconds": 1, "ms": 1,
}  # fmt: skip
_FRACTIONS = {"half": Decimal("0.5"), "quarter": Decimal("0.25")}
_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$")  # 1:30, 1:02:03, 0:05.5
_NUMBER_UNIT = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|sec|secs|m|min|mins|h)$")  # "10s", "2.5s"
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$")
_MAX_MS = 100 * 3_600_000
_NEXT_UNIT = {3_600_000: 60_000, 60_000: 1000}  # "1 minute 30": thirty seconds


def parse_number(text: str | list[str], sound_alikes: bool = False) -> int | None:
    """A whole number: "three", "3", "twenty one"; with sound_alikes also "free"."""
    tokens = _convert(_sound_alikes(_tokens(text), sound_alikes))
    if len(tokens) == 1 and tokens[0].isdigit():
        return int(tokens[0])
    return None


def parse_ordinal(text: str | list[str], sound_alikes: bool = False) -> int | None:
    """ "third", "3rd", "twenty first" -> 3, 3, 21."""
    words = _sound_alikes(_tokens(text), sound_alikes)
    tokens = _convert(words)
    if len(tokens) == 1 and (found := _ORDINAL.match(tokens[0])) and int(found[1]) > 0:
        return int(found[1])
    if words and words[-1].endswith("ieth"):  # text2num 3.1 misses "sixtieth"
        number = parse_number([*words[:-1], words[-1][:-4] + "y"])
        return number if number and number % 10 == 0 else None
    return None


def parse_time(text: str | list[str], sound_alikes: bool = False) -> SpokenTime | None:
    """A time as said: "one minute thirty", "1:30", "ninety seconds", "ten point five",
    "two and a half seconds", "half a second", "the end", "here". A bare number is seconds."""
    tokens = _tokens(text)
    if tuple(tokens) in ANCHOR_WORDS:
        return SpokenTime(anchor=ANCHOR_WORDS[tuple(tokens)])
    tokens = _digits(tokens, sound_alikes)
    if not tokens:
        return None
    ms = _clock(tokens) if len(tokens) == 1 else None
    if ms is None:
        ms = _minutes_seconds(tokens)
    if ms is None:
        ms = _amounts(tokens)
    if ms is None or ms > _MAX_MS:
        return None
    return SpokenTime(ms=ms)


def number_value(word: str) -> str | None:
    """What one written word says as a number, so that two spellings of a number compare
    equal ("fifteen" and "15" are both "15"; "half" is "half"); None for a word that is no
    number ("a", "second", "to"). Tells a reading's number from its rivals'."""
    word = word.strip().lower().strip(".,;:!?")
    if word in _FRACTIONS:
        return word
    if not word or word in _UNIT_MS:  # "second" is also an ordinal to alpha2digit
        return None
    converted = _convert([word])
    return converted[0] if len(converted) == 1 and _NUMBER.match(converted[0]) else None


def _tokens(text: str | list[str]) -> list[str]:
    return text.lower().split() if isinstance(text, str) else [t.lower() for t in text]


def _sound_alikes(tokens: list[str], wanted: bool) -> list[str]:
    return [SOUND_ALIKES.get(token, token) for token in tokens] if wanted else tokens


def _digits(tokens: list[str], sound_alikes: bool) -> list[str]:
    """Number words to digits, run by run between unit words ("one minute thirty five" ->
    ["1", "minute", "35"]); "10s" is split into "10", "s"."""
    tokens = _sound_alikes(tokens, sound_alikes)
    out: list[str] = []
    run: list[str] = []
    for token in tokens:
        if token in _UNIT_MS or token in _FRACTIONS:
            out.extend(_convert(run))
            out.append(token)
            run = []
        elif found := _NUMBER_UNIT.match(token):
            out.extend(_convert(run))
            out.extend(found.groups())
            run = []
        else:
            run.append(token)
    return out + _convert(run)


def _convert(run: list[str]) -> list[str]:
    if not run:
        return []
    converted = alpha2digit(" ".join(run), "en", threshold=0).split()
    if converted and converted[0] == "point":  # "point five" -> "0.5"
        rest = converted[1:]
        if rest and rest[0].isdigit():
            return ["0." + rest[0], *rest[1:]]
    return converted


def _clock(tokens: list[str]) -> int | None:
    found = _CLOCK.match(tokens[0])
    if not found:
        return None
    hours, minutes, seconds = int(found[1] or 0), int(found[2]), Decimal(found[3])
    if seconds >= 60 or (found[1] and minutes >= 60):
        return None
    return _ms((hours * 60 + minutes) * 60 + seconds)


def _minutes_seconds(tokens: list[str]) -> int | None:
    """ "one thirty" (1:30) and "one oh five" (1:05): minutes then two-digit seconds."""
    if len(tokens) == 3 and tokens[1] in ("oh", "o", "0") and tokens[2].isdigit():
        tokens = [tokens[0], "0" + tokens[2]]
    if len(tokens) != 2 or not all(token.isdigit() for token in tokens):
        return None
    minutes, seconds = int(tokens[0]), tokens[1]
    if len(seconds) != 2 or not 0 <= int(seconds) < 60 or (seconds[0] == "0" and minutes == 0):
        return None
    if int(seconds) < 10 and seconds[0] != "0":
        return None
    return _ms(minutes * 60 + int(seconds))


def _amounts(tokens: list[str]) -> int | None:
    """A sum of amounts with units, largest first: "1 minute 30", "2 and a half seconds",
    "a minute and a half", "half a second", "90 seconds", "10.5" (bare: seconds)."""
    total = Decimal(0)  # milliseconds
    pending: Decimal | None = None  # a number waiting for its unit
    last_unit: int | None = None
    index = 0
    while index < len(tokens):
        token, rest = tokens[index], tokens[index + 1 : index + 3]
        step = 1
        if _NUMBER.match(token) and pending is None:
            pending = Decimal(token)
        elif token in ("a", "an") and pending is None and rest[:1] and rest[0] in _UNIT_MS:
            pending = Decimal(1)  # "a minute"
        elif token in _FRACTIONS and _is_a_unit(rest) and pending is None:
            pending, step = _FRACTIONS[token], 2  # "half a second": the unit comes next
        elif token == "and" and len(rest) == 2 and rest[0] in ("a", "an") and rest[1] in _FRACTIONS:
            fraction, step = _FRACTIONS[rest[1]], 3
            if pending is not None:  # "two and a half seconds"
                pending += fraction
            elif last_unit is not None:  # "a minute and a half"
                total += fraction * last_unit
            else:
                return None
        elif token == "and" and pending is not None and rest[:1] and rest[0] in _FRACTIONS:
            pending, step = pending + _FRACTIONS[rest[0]], 2  # "two and half": "a" dropped
        elif token == "and" and pending is None and last_unit is not None:
            pass  # "one minute and thirty seconds"
        elif token in _UNIT_MS and pending is not None:
            unit = _UNIT_MS[token]
            if last_unit is not None and unit >= last_unit:
                return None  # "10 seconds 5 minutes" is not a time
            total += pending * unit
            last_unit, pending = unit, None
        else:
            return None
        index += step
    if pending is not None:  # a trailing bare number counts in the next smaller unit
        unit = _NEXT_UNIT.get(last_unit) if last_unit is not None else 1000
        if unit is None:
            return None
        total += pending * unit
    elif last_unit is None:
        return None
    return _ms(total / 1000)


def _is_a_unit(rest: list[str]) -> bool:
    """ "a second" / "a minute" after "half"."""
    return len(rest) == 2 and rest[0] in ("a", "an") and rest[1] in _UNIT_MS


def _ms(seconds: Decimal | int) -> int | None:
    try:
        return int((Decimal(seconds) * 1000).to_integral_value())
    except InvalidOperation:
        return None
