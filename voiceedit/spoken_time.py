"""Times and counts as people say them: "one minute twelve", "two point five seconds".

Screen-reader users hear every character; "72.000" or "00:01:12" is noise. Numbers are
spelled by num2words so speech engines read them the same way everywhere.
"""

from __future__ import annotations

from num2words import num2words


def say_number(value: int) -> str:
    return num2words(value)


def say_time(ms: int) -> str:
    """A position or a length: "zero seconds", "four point five seconds", "one minute twelve",
    "one hour, two minutes". Below ten seconds we keep tenths, since cuts are judged there."""
    ms = max(0, int(ms))
    if ms < 10_000:
        tenths = round(ms / 100)
        whole, tenth = divmod(tenths, 10)
        if tenth == 0:
            return f"{num2words(whole)} second" + ("" if whole == 1 else "s")
        return f"{num2words(whole)} point {num2words(tenth)} seconds"
    total = round(ms / 1000)
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        text = f"{num2words(hours)} hour" + ("" if hours == 1 else "s")
        if minutes:
            text += f", {num2words(minutes)} minute" + ("" if minutes == 1 else "s")
        return text
    if minutes == 0:
        return f"{num2words(seconds)} seconds"
    text = f"{num2words(minutes)} minute" + ("" if minutes == 1 else "s")
    return f"{text} {num2words(seconds)}" if seconds else text


def say_count(count: int, noun: str, plural: str | None = None) -> str:
    """ "one clip", "three clips", "no clips". """
    if count == 0:
        return f"no {plural or noun + 's'}"
    return f"{num2words(count)} " + (noun if count == 1 else plural or noun + "s")
