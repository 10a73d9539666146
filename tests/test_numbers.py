"""Spoken numbers and times, as people say them and as Whisper writes them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from num2words import num2words

from voiceedit.understand.command import SpokenTime
from voiceedit.understand.numbers import number_value, parse_number, parse_ordinal, parse_time


@pytest.mark.parametrize(
    ("said", "ms"),
    [
        ("one minute thirty", 90_000),
        ("1:30", 90_000),
        ("1 minute 30", 90_000),
        ("one minute and thirty seconds", 90_000),
        ("ninety seconds", 90_000),
        ("90 seconds", 90_000),
        ("a minute and a half", 90_000),
        ("one and a half minutes", 90_000),
        ("one thirty", 90_000),
        ("one oh five", 65_000),
        ("ten point five", 10_500),
        ("10.5 seconds", 10_500),
        ("2.5 seconds", 2_500),
        ("2.5s", 2_500),
        ("two and a half seconds", 2_500),
        ("two and half seconds", 2_500),  # the "a" dropped, as tiny.en writes it
        ("half a second", 500),
        ("point five seconds", 500),
        ("10 seconds", 10_000),
        ("10s", 10_000),
        ("ten", 10_000),
        ("forty five", 45_000),
        ("twenty one seconds", 21_000),
        ("a second", 1_000),
        ("three hundred milliseconds", 300),
        ("1:02:03", 3_723_000),
        ("one hour two minutes three seconds", 3_723_000),
        ("1 hour 30", 5_400_000),
        ("0:05.5", 5_500),
        ("twelve point two five", 12_250),
    ],
)
def test_times_in_words_and_digits(said: str, ms: int) -> None:
    assert parse_time(said) == SpokenTime(ms=ms)


@pytest.mark.parametrize(
    ("said", "anchor"),
    [
        ("the start", "start"),
        ("the beginning", "start"),
        ("the end", "end"),
        ("end", "end"),
        ("here", "here"),
        ("right here", "here"),
    ],
)
def test_anchors_stay_symbolic(said: str, anchor: str) -> None:
    time = parse_time(said)
    assert time == SpokenTime(anchor=anchor)
    assert (
        time.resolve(duration=60_000, playhead=12_000)
        == {
            "start": 0,
            "end": 60_000,
            "here": 12_000,
        }[anchor]
    )


@pytest.mark.parametrize(
    "said",
    ["", "seconds", "minute", "ten to twenty", "ten two", "1:75", "10 seconds 5 minutes",
     "the middle", "clip three", "a", "half", "1 2"],
)  # fmt: skip
def test_not_times(said: str) -> None:
    assert parse_time(said) is None


def test_sound_alikes_only_when_asked() -> None:
    assert parse_time("free seconds") is None
    assert parse_time("free seconds", sound_alikes=True) == SpokenTime(ms=3_000)
    assert parse_number("free") is None
    assert parse_number("free", sound_alikes=True) == 3
    assert parse_number("to", sound_alikes=True) == 2
    assert parse_ordinal("forth", sound_alikes=True) == 4


@pytest.mark.parametrize(
    ("said", "value"),
    [("three", 3), ("3", 3), ("twenty one", 21), ("one hundred", 100), ("0", 0), ("twelve", 12)],
)
def test_numbers(said: str, value: int) -> None:
    assert parse_number(said) == value


@pytest.mark.parametrize("said", ["third", "clip", "1.5", "one two", "3rd", ""])
def test_not_numbers(said: str) -> None:
    assert parse_number(said) is None


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("first", 1),
        ("second", 2),
        ("third", 3),
        ("3rd", 3),
        ("twenty first", 21),
        ("11th", 11),
        ("sixtieth", 60),
    ],  # fmt: skip
)
def test_ordinals(said: str, value: int) -> None:
    assert parse_ordinal(said) == value


@pytest.mark.parametrize("said", ["three", "the third", "0th", "seconds"])
def test_not_ordinals(said: str) -> None:
    assert parse_ordinal(said) is None


@given(st.integers(min_value=0, max_value=999))
def test_every_number_in_words_reads_back(value: int) -> None:
    said = num2words(value).replace("-", " ").replace(",", "")
    assert parse_number(said) == value
    assert parse_number(str(value)) == value


@given(st.integers(min_value=1, max_value=200))
def test_every_ordinal_in_words_reads_back(value: int) -> None:
    said = num2words(value, to="ordinal").replace("-", " ").replace(",", "")
    assert parse_ordinal(said) == value


@given(st.integers(min_value=1, max_value=59), st.integers(min_value=0, max_value=59))
def test_minutes_and_seconds_every_way(minutes: int, seconds: int) -> None:
    ms = (minutes * 60 + seconds) * 1000
    words = lambda n: num2words(n).replace("-", " ")  # noqa: E731
    unit = "minute" if minutes == 1 else "minutes"
    forms = [f"{minutes}:{seconds:02d}", f"{words(minutes)} {unit} {words(seconds)} seconds"]
    if seconds:
        forms.append(f"{words(minutes)} {unit} {words(seconds)}")
        forms.append(f"{minutes} {unit} and {seconds} seconds")
    for said in forms:
        assert parse_time(said) == SpokenTime(ms=ms), said


@pytest.mark.parametrize(
    ("word", "value"),
    [(" fifteen", "15"), (" 15", "15"), (" one", "1"), (" 1", "1"), (" ten.", "10"),
     (" half", "half"), (" thousand", "1000"), (" a", None), (" second", None), (" to", None),
     (" seconds", None), ("", None)],
)
def test_number_value_makes_spellings_of_one_number_equal(word: str, value: str | None) -> None:
    assert number_value(word) == value
