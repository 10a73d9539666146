"""Walking a rule one element at a time: the one place that knows how a rule's tree is said.

Three engines read the rules: the matcher (text -> command, forgivingly), the continuations
(which word a constrained decoder may write next) and `is_final` (could a heard command still
go on). All of them step through a rule with `steps`, ask `may_end` whether it is said in
full, and read values with the spans, parsers and value-word tests defined here.

A *position* is what of a rule is left to say: its elements as a linked list
`(element, rest)`, ending in None. Entering an alternative splices the option in front of
the rest without copying, and positions compare and hash by what is left, so two ways of
reaching the same point are one.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import TypeAlias

from num2words import num2words
from text_to_num import alpha2digit

from voiceedit.understand.numbers import (
    ANCHOR_WORDS,
    SOUND_ALIKES,
    VALUE_WORDS,
    parse_number,
    parse_ordinal,
    parse_time,
)
from voiceedit.understand.rules import Choice, Element, Grammar, Slot, Word, words

Position: TypeAlias = "tuple[Element, Position] | None"
Step: TypeAlias = "tuple[Word | Slot | None, Position]"  # what is said, and the position after

# ---------------------------------------------------------------------------- positions


def position(elements: Sequence[Element], then: Position = None) -> Position:
    """The position before `elements`, followed by `then`."""
    for element in reversed(elements):
        then = (element, then)
    return then


def elements(at: Position) -> Iterator[Element]:
    """What is left to say at a position, in order."""
    while at is not None:
        element, at = at
        yield element


def steps(at: Position, grammar: Grammar | None = None) -> Iterator[Step]:
    """Each element that may be said first from `at`, with the position after it, in the
    rule's order; None: the rule may end here. Alternatives are entered (an empty option
    skips the choice). With a grammar, a list-backed slot is entered as a choice of its
    entries' words; without, it is a slot whose value is the entry."""
    if at is None:
        yield None, None
        return
    element, rest = at
    if isinstance(element, Choice):
        for option in element.options:
            yield from steps(position(option, rest), grammar)
    elif grammar is not None and isinstance(element, Slot) and is_list_slot(element.kind):
        yield from steps((grammar.slot_choice(element.kind), rest), grammar)
    else:
        yield element, rest


class KnownSteps:
    """`steps` remembered, for a walker that comes back to the same positions again and again
    (the matcher, at every utterance). Keyed by identity, since hashing a position walks all
    of it: use it only from positions it gave or was given to keep (`start`), so what it
    remembers stays as small as the rules."""

    def __init__(self, grammar: Grammar | None = None) -> None:
        self.grammar = grammar
        self._known: dict[int, tuple[Position, list[Step]]] = {}

    def start(self, elements: Sequence[Element]) -> Position:
        """The position before `elements`, kept so its steps may be remembered."""
        at = position(elements)
        self(at)
        return at

    def __call__(self, at: Position) -> list[Step]:
        found = self._known.get(id(at))
        if found is None:
            found = self._known[id(at)] = (at, list(steps(at, self.grammar)))
        return found[1]


def may_end(at: Position) -> bool:
    """Whether the rule may end here: everything left is optional."""
    return all(_may_be_silent(element) for element in elements(at))


def _may_be_silent(element: Element) -> bool:
    return isinstance(element, Choice) and any(
        all(_may_be_silent(inner) for inner in option) for option in element.options
    )


def after_words(
    at: Position, said: Sequence[str], grammar: Grammar, last: str = ""
) -> Iterator[tuple[Position, str]]:
    """Each way the rule from `at` starts by saying exactly `said` (normalised words, every
    one a grammar word or a whole value): the position after them, and the kind of value the
    last words were if that value could take more words (a quote, a time without its
    seconds), else ""."""
    if not said:
        yield at, last
        return
    for element, rest in steps(at, grammar):
        if element is None:
            continue
        if isinstance(element, Word):
            if element.text == said[0]:
                yield from after_words(rest, said[1:], grammar)
        elif element.kind == "quote":
            for size in range(1, len(said) + 1):
                yield from after_words(rest, said[size:], grammar, "quote")
        else:
            for size in range(1, min(len(said), VALUE_SPANS[element.kind]) + 1):
                span = tuple(said[:size])
                if parse_value(element.kind, span) is not None:
                    grows = "time" if value_may_grow(element.kind, span) else ""
                    yield from after_words(rest, said[size:], grammar, grows)


# ---------------------------------------------------------------------------- slots

VALUE_SPANS = {"time": 8, "number": 4, "ordinal": 3}  # the most words a value takes
PARSERS: dict[str, Callable] = {
    "time": parse_time, "number": parse_number, "ordinal": parse_ordinal
}  # fmt: skip
BUILTIN_SLOTS = (*VALUE_SPANS, "quote")  # any other `<kind>` reads lists/KINDs.list


def is_list_slot(kind: str) -> bool:
    return kind not in VALUE_SPANS and kind != "quote"


@lru_cache(maxsize=8192)
def parse_value(kind: str, span: tuple[str, ...], sound_alikes: bool = False) -> object:
    """The time, number or ordinal the words say, or None; `sound_alikes` also reads "free"
    as three. Cached: every engine asks about the same few spans again and again."""
    return PARSERS[kind](list(span), sound_alikes=sound_alikes)


def is_time(tokens: Sequence[str]) -> bool:
    """Whether the words are exactly one time ("one minute thirty", "the start")."""
    short = 0 < len(tokens) <= VALUE_SPANS["time"]
    return short and parse_value("time", tuple(tokens)) is not None


def starts_with_time(tokens: Sequence[str]) -> bool:
    """Whether the first words say a time ("one minute", "ten point five", "the start")."""
    longest = min(len(tokens), VALUE_SPANS["time"])
    return any(
        parse_value("time", tuple(tokens[:length])) is not None for length in range(1, longest + 1)
    )


# Time words after which a time is whole: "ten seconds" is done, "one minute" may go on
# ("one minute thirty"), and so may a bare number ("ten" before "seconds").
_LAST_TIME_WORDS = frozenset(
    {"second", "seconds", "sec", "secs", "s", "millisecond", "milliseconds", "ms"}
)
_TIME_WITH_UNIT = re.compile(r"^\d+(\.\d+)?(s|sec|secs|ms)$|:")  # "10s", "2.5s", "1:30"


def value_may_grow(kind: str, span: tuple[str, ...]) -> bool:
    """Whether a whole value could still take more words: a time without its seconds."""
    if kind != "time" or tuple(span) in ANCHOR_WORDS:
        return False
    return span[-1] not in _LAST_TIME_WORDS and not _TIME_WITH_UNIT.search(span[-1])


# ---------------------------------------------------------------------------- value words

UNIT_WORDS = frozenset(
    {"hour", "hours", "minute", "minutes", "second", "seconds", "millisecond", "milliseconds",
     "ms", "s", "sec", "secs", "min", "mins"}
)  # fmt: skip
DIGITS = re.compile(r"^\d[\d.:]*(st|nd|rd|th|s|ms)?$")  # 10, 1:30, 2.5, 3rd, 10s
DIGITS_PREFIX = re.compile(r"^\d[\d.:]*[a-z]{0,2}$")  # the start of one ("1:", "3r")


@lru_cache(maxsize=1)
def number_words() -> frozenset[str]:
    """Every word of the numbers 0..100, cardinal and ordinal, as num2words spells them."""
    found: set[str] = {"hundred", "thousand", "oh", "o"}
    for value in range(101):
        found.update(words(num2words(value)))
        found.update(words(num2words(value, to="ordinal")))
    return frozenset(found)


@lru_cache(maxsize=1)
def value_words() -> frozenset[str]:
    """The words a time, number or ordinal may be said with (digits aside)."""
    anchors = {word for phrase in ANCHOR_WORDS for word in phrase}
    return number_words() | UNIT_WORDS | VALUE_WORDS | anchors | {"and", "quarter"}


def is_value_word(word: str) -> bool:
    """Whether a word may be part of a time, number or ordinal as written exactly."""
    return word in value_words() or bool(DIGITS.match(word))


@lru_cache(maxsize=1)
def _sorted_value_words() -> list[str]:
    return sorted(value_words())


def value_starts(partial: str) -> bool:
    """Whether a word of a time, number or ordinal begins with `partial`."""
    return bool(DIGITS_PREFIX.match(partial)) or any_starts(_sorted_value_words(), partial)


@lru_cache(maxsize=8192)
def may_start_value(token: str) -> bool:
    """Whether a time, number or ordinal can start with this heard word, sound-alikes
    included: a cheap test that saves parsing every span of free words."""
    return (
        token[:1].isdigit()
        or token in VALUE_WORDS
        or token in SOUND_ALIKES
        or alpha2digit(token, "en", threshold=0) != token
    )


def any_starts(ordered: Sequence[str], partial: str) -> bool:
    """Whether a word of the sorted sequence begins with `partial`."""
    at = bisect.bisect_left(ordered, partial)
    return at < len(ordered) and ordered[at].startswith(partial)
