"""The forgiving walk behind the matcher (matcher.py says why it works this way): each rule
stepped over one variant of the heard words (walker.py), every way of explaining them scored.

A grammar word may be heard exactly, spelled out, as a known mishearing, as a similar word
(spelling and sound) or as two words run together; a value may be heard with sound-alikes; a
quote takes any words. Each explanation is a `Piece` with its quality; a `Parse` of a rule is
its pieces, and ranks by how well they explain all the words.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING, NamedTuple

import jellyfish
from rapidfuzz import fuzz, process

from voiceedit.understand.command import Command, Quote

if TYPE_CHECKING:
    import numpy as np
from voiceedit.understand.forms import expand, required_words, slots, vocabulary
from voiceedit.understand.rules import Grammar, Rule, Word
from voiceedit.understand.said import said_as
from voiceedit.understand.walker import (
    VALUE_SPANS,
    KnownSteps,
    Position,
    is_list_slot,
    is_time,
    may_start_value,
    parse_value,
    starts_with_time,
)

CONFIRM_BELOW = 0.8  # a destructive command below this is read back and waits for yes / no
FUZZY_MIN = 0.72  # a heard word at least this similar may stand for a grammar word
MISHEARD_QUALITY = 0.85  # a match through lists/misheard.list
SOUND_ALIKE_QUALITY = 0.9  # a number heard as a sound-alike ("free" for three)
KNOWN_WORD_FACTOR = 0.85  # a heard word that is itself a grammar word probably means itself
# Short function words Whisper swaps for one another ("start on clip" for "start of clip").
SMALL_WORDS = frozenset({
    "of", "on", "in", "at", "to", "the", "a", "an", "by", "for", "from", "with", "and", "as",
    "it", "that", "is", "did",
})  # fmt: skip
SMALL_WORD_QUALITY = 0.75
DROPPED_QUALITY = 0.9  # the command was the first sentence of what was heard
QUOTE_QUALITY = 0.75  # how well free words explain a heard word, against a grammar word's 1.0
REPAIRED_DESTRUCTIVE = CONFIRM_BELOW - 0.05  # the most a repaired destructive command gets
# The most a cut gets whose repair may change what it cuts: a number heard as a sound-alike
# ("clip for"), a quote that looks like a misheard command ("delete the lead"), a sentence
# heard after it dropped ("Delete clip two. No, clip three."). Such a cut is marked
# (Command.meaning_repaired): the recogniser, which may do a cut every reading agrees on
# although words of the command itself were repaired (hear/doubt.py), reads these back.
REPAIRED_MEANING = CONFIRM_BELOW - 0.15
PARSES_PER_RULE = 64  # enough to find the best split of quotes; bounds the work on odd text
# Words too common to name what a command removes, or to bias Whisper towards.
FUNCTION_WORDS = frozenset({
    "the", "that", "and", "from", "than", "what", "can", "did", "just", "off", "after",
    "again", "only", "around", "longer", "this", "with", "for", "when", "into", "out", "all",
})  # fmt: skip


class Piece(NamedTuple):
    """One stretch of heard words explained by one element of a rule."""

    size: int  # heard words used
    quality: float  # 1.0 exact; a repair's similarity; QUOTE_QUALITY for free words
    repaired: bool
    value: object = None  # a slot's value
    is_slot: bool = False
    free: bool = False  # free words of a <quote>: they say nothing about the command
    said: tuple[str, ...] = ()  # what the rule says here: its word, or the slot's words heard


@dataclass(frozen=True)
class Parse:
    rule: Rule
    order: int  # the rule's place in the grammar: earlier wins a tie
    pieces: tuple[Piece, ...]
    words: int  # heard words this variant of the text has
    dropped: bool = False  # this variant left out a sentence heard after the command

    @property
    def score(self) -> float:
        return sum(piece.size * piece.quality for piece in self.pieces) / self.words

    @property
    def repaired(self) -> bool:
        return self.dropped or any(piece.repaired for piece in self.pieces)

    @property
    def meaning_repaired(self) -> bool:
        """A cut whose slot was repaired (a number, a quote) or a sentence after it dropped."""
        return self.rule.destructive and (
            self.dropped or any(piece.is_slot and piece.repaired for piece in self.pieces))

    @property
    def confidence(self) -> float:
        confidence = math.prod(float(piece.quality) for piece in self.pieces if not piece.free)
        confidence *= DROPPED_QUALITY if self.dropped else 1.0
        if self.rule.destructive and self.repaired:
            confidence = min(confidence, REPAIRED_DESTRUCTIVE)
        if self.meaning_repaired:
            confidence = min(confidence, REPAIRED_MEANING)
        return round(confidence, 3)

    def rank(self) -> tuple:
        literal = sum(1 for piece in self.pieces if not piece.is_slot)
        return (round(self.score, 6), self.confidence, literal, -self.order)

    def command(self, heard: str) -> Command:
        values = [piece.value for piece in self.pieces if piece.is_slot]
        if values:  # the last slot's words as written: new words for a correction
            values[-1] = _with_said(values[-1], heard)
        args = dict(zip(self.rule.params, values, strict=True)) | dict(self.rule.fixed)
        return Command(
            self.rule.action,
            args,
            self.confidence,
            heard,
            self.rule.spoken,
            self.rule.destructive,
            " ".join(word for piece in self.pieces for word in piece.said),
            self.meaning_repaired,
        )


def _with_said(value: object, heard: str) -> object:
    """A quote that ends the command with its words as written in `heard` (see
    understand/said.py)."""
    if isinstance(value, Quote):
        return Quote(value.text, said_as(heard, value.text.split()))
    return value


class MatchingGrammar:
    """The grammar prepared for the forgiving walk: compiled once, shared by every utterance."""

    def __init__(self, grammar: Grammar) -> None:
        self.grammar = grammar
        self.rules = grammar.rules
        self.steps = KnownSteps()
        self.starts = [self.steps.start(rule.pattern) for rule in self.rules]
        kinds = {slot.kind for rule in self.rules for slot in slots(rule.pattern)}
        self.entries = {  # each list slot's entries, with the position before their words
            kind: [
                (entry, self.steps.start(tuple(map(Word, entry.words))))
                for entry in grammar.slot_list(kind).entries
            ]
            for kind in kinds
            if is_list_slot(kind)
        }
        self.required = [required_words(rule.pattern) for rule in self.rules]
        self.vocabulary = sorted(vocabulary(grammar))
        self.column = {word: index for index, word in enumerate(self.vocabulary)}
        self.sounds = [sound(word) for word in self.vocabulary]
        self.misheard: dict[str, list[tuple[str, ...]]] = {}
        for entry in grammar.word_list("misheard").entries:
            self.misheard.setdefault(entry.value, []).append(entry.words)
        # Words that name what a destructive command removes ("selection", "fillers"):
        # quoted, they more likely belong to a misheard command than to the transcript.
        named = {
            word
            for rule in self.rules
            if rule.destructive
            for form in expand(rule.pattern)
            for word in form.split()
            if not word.startswith("<")
        }
        verbs = {word for entry in grammar.word_list("delete").entries for word in entry.words}
        self.removing = frozenset(named - SMALL_WORDS - FUNCTION_WORDS - verbs)
        self.imagined = [entry.words for entry in grammar.word_list("imagined").entries]
        self.imagined += [form for forms in self.misheard.values() for form in forms]

    def parses(self, tokens: list[str], fuzzy: bool, dropped: bool) -> Iterator[Parse]:
        return _Utterance(self, tokens, fuzzy, dropped).parses()

    def doubtful(self, quoted: list[str]) -> bool:
        """Whether quoted words are more likely a misheard command than transcript words:
        they start with a known mishearing or an imagined word (lists/imagined.list), or are
        all grammar words naming what a cut removes ("cut to the selection"), or say a time:
        a time command misheard ("delete from two and half seconds to force air" quotes "two
        and half seconds"), or cut short ("delete from one minute" is `delete from <time> to
        <time>` with its end unheard), or are only function words ("delete from"). A
        destructive command quoting them is read back first."""
        if all(word in self.column for word in quoted) and self.removing.intersection(quoted):
            return True
        if is_time(quoted) or (quoted[:1] == ["from"] and starts_with_time(quoted[1:])):
            return True
        if all(word in SMALL_WORDS for word in quoted):
            return True  # "delete from", "cut the": a command cut off, not words to find
        lead = next((i for i, word in enumerate(quoted) if word not in SMALL_WORDS), 0)
        starts = (quoted, quoted[lead:])
        return any(at_edge(start, form, False) for form in self.imagined for start in starts)


class _Utterance:
    """One variant of the heard words, walked against every rule."""

    def __init__(
        self, language: MatchingGrammar, tokens: list[str], fuzzy: bool, dropped: bool
    ) -> None:
        self.language = language
        self.dropped = dropped
        self.tokens = tokens
        self.bare = [token.replace(".", "") for token in tokens]  # "e.d.l" reads as "edl"
        self.n = len(tokens)
        self.similar = self._similarities() if fuzzy else None
        self.word_cache: dict[tuple[str, int], list[tuple[int, float, bool]]] = {}
        self.slot_cache: dict[tuple[str, int], list[tuple[int, Piece]]] = {}

    def parses(self) -> Iterator[Parse]:
        reachable = self._reachable()
        language = self.language
        for order, rule in enumerate(language.rules):
            if not language.required[order] <= reachable:
                continue
            for pieces in islice(self._walk(language.starts[order], 0, ()), PARSES_PER_RULE):
                yield Parse(rule, order, pieces, self.n, self.dropped)

    def _similarities(self) -> np.ndarray:
        """Similarity of each heard word (rows 0..n-1) and each pair run together (rows n..)
        to each grammar word: the mean of spelling and sound ratios. Only the forgiving pass
        needs it, so numpy loads only then (a command typed exactly starts up without it)."""
        import numpy as np

        heard = self.bare + [a + b for a, b in zip(self.bare, self.bare[1:], strict=False)]
        language = self.language
        spelling = process.cdist(heard, language.vocabulary, scorer=fuzz.ratio, dtype=np.float32)
        sounds = process.cdist(
            [sound(text) for text in heard], language.sounds, scorer=fuzz.ratio, dtype=np.float32
        )
        return (spelling + sounds) / 200

    def _reachable(self) -> set[str]:
        """Grammar words some heard word may stand for: a filter before walking the rules."""
        found = set(self.bare)
        found.update(spelled_words(self.bare))
        for word, heard_forms in self.language.misheard.items():
            if any(contains(self.bare, heard) for heard in heard_forms):
                found.add(word)
        if self.similar is not None:
            if found & SMALL_WORDS:
                found |= SMALL_WORDS
            import numpy as np

            columns = np.nonzero((self.similar >= FUZZY_MIN).any(axis=0))[0]
            found.update(self.language.vocabulary[column] for column in columns)
        return found

    def _walk(self, at: Position, start: int, pieces: tuple[Piece, ...]) -> Iterator[tuple]:
        """Every way the rule from `at` explains the heard words from `start` to the end."""
        for element, rest in self.language.steps(at):
            if element is None:
                if start == self.n:
                    yield pieces
            elif isinstance(element, Word):
                for end, quality, repaired in self._word(element.text, start):
                    piece = Piece(end - start, quality, repaired, said=(element.text,))
                    yield from self._walk(rest, end, (*pieces, piece))
            else:
                for end, piece in self._slot(element.kind, start):
                    if not piece.said:
                        piece = piece._replace(said=tuple(self.bare[start:end]))
                    yield from self._walk(rest, end, (*pieces, piece))

    def _word(self, word: str, start: int) -> list[tuple[int, float, bool]]:
        """(end, quality, repaired) for each way `word` can be heard at `start`."""
        key = (word, start)
        if key not in self.word_cache:
            self.word_cache[key] = list(self._word_matches(word, start))
        return self.word_cache[key]

    def _word_matches(self, word: str, start: int) -> Iterator[tuple[int, float, bool]]:
        if start >= self.n:
            return
        heard = self.bare[start]
        if heard == word:
            yield start + 1, 1.0, False
        spelled = self.bare[start : start + len(word)]
        if (
            len(word) > 1
            and all(len(letter) == 1 for letter in spelled)
            and "".join(spelled) == word
        ):
            yield start + len(word), 1.0, False  # spelled out: "e d l" is edl
        for form in self.language.misheard.get(word, ()):
            if tuple(self.bare[start : start + len(form)]) == form:
                yield start + len(form), MISHEARD_QUALITY, True
        if self.similar is None:
            return
        if word in SMALL_WORDS and heard in SMALL_WORDS and heard != word:
            yield start + 1, SMALL_WORD_QUALITY, True  # "the start on clip two"
        if len(word) < 3 or word not in self.language.column:
            return
        column = self.language.column[word]
        if heard != word and len(heard) >= 3 and not heard[0].isdigit():
            quality = float(self.similar[start, column])
            if heard in self.language.column:
                quality *= KNOWN_WORD_FACTOR
            if quality >= FUZZY_MIN:
                yield start + 1, quality, True
        following = self.bare[start + 1] if start + 1 < self.n else ""
        if following and word not in (heard, following) and not following[:1].isdigit():
            quality = float(self.similar[self.n + start, column])
            if quality >= FUZZY_MIN:
                yield start + 2, quality, True

    def _slot(self, kind: str, start: int) -> list[tuple[int, Piece]]:
        key = (kind, start)
        if key not in self.slot_cache:
            self.slot_cache[key] = list(self._slot_matches(kind, start))
        return self.slot_cache[key]

    def _slot_matches(self, kind: str, start: int) -> Iterator[tuple[int, Piece]]:
        if start >= self.n:
            return
        if kind == "quote":
            for end in range(start + 1, self.n + 1):
                quote = Quote(" ".join(self.tokens[start:end]))
                doubtful = self.language.doubtful(self.bare[start:end])
                yield end, Piece(end - start, QUOTE_QUALITY, doubtful, quote, True, True)
        elif kind in VALUE_SPANS:
            yield from self._value_matches(kind, start)
        else:
            yield from self._list_matches(kind, start)

    def _value_matches(self, kind: str, start: int) -> Iterator[tuple[int, Piece]]:
        """A time, number or ordinal over the next few words; sound-alikes count as repairs."""
        if not may_start_value(self.tokens[start]):
            return
        for end in range(start + 1, min(self.n, start + VALUE_SPANS[kind]) + 1):
            span = tuple(self.tokens[start:end])
            if (value := parse_value(kind, span, False)) is not None:
                yield end, Piece(end - start, 1.0, False, value, True)
            elif (value := parse_value(kind, span, True)) is not None:
                yield end, Piece(end - start, SOUND_ALIKE_QUALITY, True, value, True)

    def _list_matches(self, kind: str, start: int) -> Iterator[tuple[int, Piece]]:
        """An entry of the slot's list, its words matched like grammar words."""
        for entry, words_start in self.language.entries.get(kind, ()):
            for pieces in self._walk_prefix(words_start, start, ()):
                size = sum(piece.size for piece in pieces)
                quality = math.prod(float(piece.quality) for piece in pieces)
                repaired = any(piece.repaired for piece in pieces)
                said = tuple(entry.words)
                yield start + size, Piece(size, quality, repaired, entry.value, True, said=said)

    def _walk_prefix(self, at: Position, start: int, pieces: tuple) -> Iterator[tuple]:
        """Like _walk over words only, but they may stop before the end of the text."""
        for element, rest in self.language.steps(at):
            if element is None:
                yield pieces
                continue
            for end, quality, repaired in self._word(element.text, start):
                piece = Piece(end - start, quality, repaired)
                yield from self._walk_prefix(rest, end, (*pieces, piece))


_UNVOICED = str.maketrans("BDGVZ", "PTKFS")


@lru_cache(maxsize=8192)
def sound(text: str) -> str:
    """A metaphone code that ignores which vowel a word starts with ("and do" ~ "undo") and
    whether a consonant is voiced ("but" ~ "put"): the slips Whisper makes most."""
    code = (jellyfish.metaphone(text) if text.isalpha() else text).translate(_UNVOICED)
    return "A" + code[1:] if code[:1] in "AEIOU" and code else code


def spelled_words(tokens: list[str]) -> Iterator[str]:
    """Words spelled out letter by letter ("e d l" -> "edl"), and each shorter run in them."""
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1:
            run.append(token)
            continue
        for start in range(len(run)):
            for end in range(start + 2, len(run) + 1):
                yield "".join(run[start:end])
        run = []


def at_edge(tokens: list[str], phrase: tuple[str, ...], end: bool) -> bool:
    edge = tokens[-len(phrase) :] if end else tokens[: len(phrase)]
    return tuple(edge) == phrase


def contains(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(tokens[i : i + size]) == phrase for i in range(len(tokens) - size + 1))
