"""Text -> Command: match what was heard against the grammar, forgivingly, with a confidence.

Design. The grammar (grammar.py) is walked directly over the heard words, backtracking
through alternatives and slot spans, so every rule is its own parser and nothing is generated
ahead of time. Two passes:

1. Exact: grammar words must be heard as written; numbers may be sound-alikes ("clip free").
   A parse that explains every word with grammar words and typed slots is taken at once.
2. Forgiving: a grammar word may also be heard as a word that is spelled or sounds alike
   (rapidfuzz ratio on the letters and on a metaphone code: "expert" -> export, "failures"
   -> fillers, "but" -> put), as two words run together ("and do" -> undo), as another
   short function word ("the start on clip two"), or as a known mishearing from
   lists/misheard.list ("let's plug" -> split).

Each parse is scored by how well its words are explained (a grammar word 1.0, a repaired one
its similarity, a quoted free word QUOTE_QUALITY, so "delete the selection" beats
delete_quote("the selection")); the best parse wins. Its confidence is the product of the
repairs' similarities: 1.0 when nothing was repaired.

Safety: a destructive command that needed any repair, or whose quote looks like a misheard
command rather than transcript words ("delete the lead"), comes back with a confidence below
CONFIRM_BELOW, so the session reads it back and waits for "yes". A destructive command at or
above CONFIRM_BELOW is therefore always an exact sentence of the grammar.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import NamedTuple

import jellyfish
import numpy as np
from rapidfuzz import fuzz, process
from text_to_num import alpha2digit

from voiceedit.errors import VoiceEditError
from voiceedit.understand.command import Command, Quote
from voiceedit.understand.grammar import (
    EXAMPLE_VALUES,
    Choice,
    Element,
    Grammar,
    Rule,
    Word,
    example,
    example_value,
    expand,
    load_grammar,
    required_words,
    vocabulary,
    words,
)
from voiceedit.understand.numbers import (
    SOUND_ALIKES,
    VALUE_WORDS,
    parse_number,
    parse_ordinal,
    parse_time,
)

CONFIRM_BELOW = 0.8  # a destructive command below this is read back and waits for yes / no
ACCEPT_FROM = 0.55  # below this nothing is done: "not understood", with suggestions
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
SUGGEST_FROM = 50  # rapidfuzz ratio (0..100) a rule's form needs to be suggested
MAX_WORDS = 40  # longer text is not a command
PARSES_PER_RULE = 64  # enough to find the best split of quotes; bounds the work on odd text

_EXAMPLE_TEXTS = [text for values in EXAMPLE_VALUES.values() for text in values.values()]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_SPANS = {"time": 8, "number": 4, "ordinal": 3}
_PARSERS = {"time": parse_time, "number": parse_number, "ordinal": parse_ordinal}


class NotUnderstood(VoiceEditError):
    """Nothing in the grammar matched well enough; `.suggestions` are the closest spoken forms."""

    def __init__(self, message: str, suggestions: list[str]) -> None:
        super().__init__(message)
        self.suggestions = suggestions


def understand(text: str) -> Command:
    """The command the text says, with a confidence in 0..1; NotUnderstood if none fits."""
    return _language().understand(text)


def vocabulary_prompt(max_words: int = 150) -> str:
    """An initial_prompt for Whisper made of the grammar's own commands, one example each,
    shortest first ("Undo that. Delete clip two. ..."); 150 words are about 200 tokens, under
    Whisper's 223-token prompt limit."""
    return _language().prompt(max_words)


def hotwords(max_words: int = 60) -> str:
    """The words that make the commands ("undo delete fillers export edl ..."), in the
    prompt's order, without example values or common function words: for faster-whisper's
    `hotwords`."""
    return " ".join(_language().carriers[:max_words])


@lru_cache(maxsize=1)
def _language() -> _Language:
    return _Language(load_grammar())


class _Piece(NamedTuple):
    """One stretch of heard words explained by one element of a rule."""

    size: int  # heard words used
    quality: float  # 1.0 exact; a repair's similarity; QUOTE_QUALITY for free words
    repaired: bool
    value: object = None  # a slot's value
    is_slot: bool = False
    free: bool = False  # free words of a <quote>: they say nothing about the command
    said: tuple[str, ...] = ()  # what the rule says here: its word, or the slot's words heard


@dataclass(frozen=True)
class _Parse:
    rule: Rule
    order: int  # the rule's place in the grammar: earlier wins a tie
    pieces: tuple[_Piece, ...]
    words: int  # heard words this variant of the text has
    dropped: bool = False  # this variant left out a sentence heard after the command

    @property
    def score(self) -> float:
        return sum(piece.size * piece.quality for piece in self.pieces) / self.words

    @property
    def repaired(self) -> bool:
        return self.dropped or any(piece.repaired for piece in self.pieces)

    @property
    def confidence(self) -> float:
        confidence = float(np.prod([piece.quality for piece in self.pieces if not piece.free]))
        confidence *= DROPPED_QUALITY if self.dropped else 1.0
        if self.rule.destructive and self.repaired:
            confidence = min(confidence, REPAIRED_DESTRUCTIVE)
        return round(confidence, 3)

    def rank(self) -> tuple:
        literal = sum(1 for piece in self.pieces if not piece.is_slot)
        return (round(self.score, 6), self.confidence, literal, -self.order)

    def command(self, heard: str) -> Command:
        values = [piece.value for piece in self.pieces if piece.is_slot]
        args = dict(zip(self.rule.params, values, strict=True)) | dict(self.rule.fixed)
        return Command(
            self.rule.action,
            args,
            self.confidence,
            heard,
            self.rule.spoken,
            self.rule.destructive,
            " ".join(word for piece in self.pieces for word in piece.said),
        )


class _Language:
    """The grammar prepared for matching: compiled once, shared by every utterance."""

    def __init__(self, grammar: Grammar) -> None:
        self.grammar = grammar
        self.rules = grammar.rules
        self.required = [required_words(rule.pattern) for rule in self.rules]
        self.vocabulary = sorted(vocabulary(grammar))
        self.column = {word: index for index, word in enumerate(self.vocabulary)}
        self.sounds = [_sound(word) for word in self.vocabulary]
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
        self.removing = frozenset(named - SMALL_WORDS - _FUNCTION_WORDS - verbs)
        self.imagined = [entry.words for entry in grammar.word_list("imagined").entries]
        self.imagined += [form for forms in self.misheard.values() for form in forms]
        self.ignored = [entry.words for entry in grammar.word_list("ignored").entries]
        self.examples = [example(rule, grammar) for rule in self.rules]
        self.forms = [
            (_fill(form, grammar), index)
            for index, rule in enumerate(self.rules)
            for form in expand(rule.pattern, limit=24)
        ]
        self.form_texts = [form for form, _ in self.forms]
        self.carriers = _carriers(self.prompt(max_words=10_000))

    def understand(self, text: str) -> Command:
        tokens = words(text)
        if not tokens:
            raise NotUnderstood("I heard nothing to do.", [])
        if len(tokens) > MAX_WORDS:
            raise NotUnderstood("That is too long for a command.", self.suggest(tokens))
        variants = self._variants(text, tokens)
        best = self._best(variants, fuzzy=False)
        if best is None or best.score < 1.0 or best.repaired:
            best = self._best(variants, fuzzy=True) or best
        if best is None or best.confidence < ACCEPT_FROM:
            suggestions = self.suggest(tokens, best)
            hint = f' Did you mean "{suggestions[0]}"?' if suggestions else ""
            raise NotUnderstood(f'Not understood: "{" ".join(tokens)}".{hint}', suggestions)
        return best.command(text.strip())

    def _variants(self, text: str, tokens: list[str]) -> list[tuple[list[str], bool]]:
        """The words to match, and whether a sentence was dropped: the whole text, its first
        sentences (Whisper sometimes adds one it imagined: "Undo that. Thank you."), and each
        without ignored words around it ("please", "okay")."""
        sentences = _SENTENCE_END.split(text.strip())
        whole = [(tokens, False)]
        firsts = [(words(" ".join(sentences[:count])), True) for count in range(1, len(sentences))]
        variants: list[tuple[list[str], bool]] = []
        for heard, dropped in whole + [first for first in firsts if first[0]]:
            for stripped in self._stripped(heard):
                if (stripped, dropped) not in variants:
                    variants.append((stripped, dropped))
        return variants

    def _stripped(self, tokens: list[str]) -> list[list[str]]:
        """The words, and the words without ignored ones at either end, one at a time."""
        found = [tokens]
        stripped = list(tokens)
        for strip_end in (False, True):
            while True:
                edge = next((w for w in self.ignored if _at_edge(stripped, w, strip_end)), None)
                if not edge or len(edge) >= len(stripped):
                    break
                stripped = stripped[: -len(edge)] if strip_end else stripped[len(edge) :]
                found.append(list(stripped))
        return found

    def doubtful(self, quoted: list[str]) -> bool:
        """Whether quoted words are more likely a misheard command than transcript words:
        they start with a known mishearing or an imagined word (lists/imagined.list: "delete
        the lead" is tiny.en's "delete"), or are all grammar words naming what a cut removes
        ("cut to the selection"), or say a time: a time command misheard ("delete from two
        and half seconds to force air" quotes "two and half seconds"), or cut short ("delete
        from one minute" is `delete from <time> to <time>` with its end unheard), or are
        only function words ("delete from"). A destructive command quoting them is read back
        first."""
        if all(word in self.column for word in quoted) and self.removing.intersection(quoted):
            return True
        if _is_time(quoted) or (quoted[:1] == ["from"] and _starts_with_time(quoted[1:])):
            return True
        if all(word in SMALL_WORDS for word in quoted):
            return True  # "delete from", "cut the": a command cut off, not words to find
        lead = next((i for i, word in enumerate(quoted) if word not in SMALL_WORDS), 0)
        starts = (quoted, quoted[lead:])
        return any(_at_edge(start, form, False) for form in self.imagined for start in starts)

    def _best(self, variants: list[tuple[list[str], bool]], fuzzy: bool) -> _Parse | None:
        parses = [
            parse
            for tokens, dropped in variants
            for parse in _Utterance(self, tokens, fuzzy, dropped).parses()
        ]
        return max(parses, key=_Parse.rank, default=None)

    def suggest(self, tokens: list[str], near: _Parse | None = None, limit: int = 3) -> list[str]:
        """The closest rules' example forms, the nearest parse first. A form scores by its
        letters (rapidfuzz ratio: "expert" ~ "export edl") or by sharing all the heard words
        (token set ratio: "shorten the pauses" is in "shorten the pauses longer than ...")."""
        found = [self.examples[near.order]] if near else []
        heard = [" ".join(tokens)]
        spelling = process.cdist(heard, self.form_texts, scorer=fuzz.ratio)[0]
        shared = process.cdist(heard, self.form_texts, scorer=fuzz.token_set_ratio)[0]
        scores = np.maximum(spelling, shared * 0.95)
        for position in np.argsort(-scores, kind="stable"):
            if scores[position] < SUGGEST_FROM or len(found) >= limit:
                break
            suggestion = self.examples[self.forms[position][1]]
            if suggestion not in found:
                found.append(suggestion)
        return found[:limit]

    def prompt(self, max_words: int) -> str:
        """The first example of each action, shortest first so that as many actions as fit
        in max_words are named. Rules with free words are left out: their example words
        would leak into what Whisper hears."""
        first: dict[str, str] = {}
        for rule, text in zip(self.rules, self.examples, strict=True):
            if "quote" not in rule.spoken:
                first.setdefault(rule.action, text)
        sentences, count = [], 0
        for text in sorted(first.values(), key=lambda text: len(text.split())):
            count += len(text.split())
            if count > max_words:
                break
            sentences.append(text[0].upper() + text[1:] + ".")
        return " ".join(sentences)


class _Utterance:
    """One variant of the heard words, walked against every rule."""

    def __init__(self, language: _Language, tokens: list[str], fuzzy: bool, dropped: bool) -> None:
        self.language = language
        self.dropped = dropped
        self.tokens = tokens
        self.bare = [token.replace(".", "") for token in tokens]  # "e.d.l" reads as "edl"
        self.n = len(tokens)
        self.similar = self._similarities() if fuzzy else None
        self.word_cache: dict[tuple[str, int], list[tuple[int, float, bool]]] = {}
        self.slot_cache: dict[tuple[str, int], list[tuple[int, _Piece]]] = {}

    def parses(self) -> Iterator[_Parse]:
        reachable = self._reachable()
        for order, rule in enumerate(self.language.rules):
            if not self.language.required[order] <= reachable:
                continue
            for pieces in islice(self._walk(_chain(rule.pattern, None), 0, ()), PARSES_PER_RULE):
                yield _Parse(rule, order, pieces, self.n, self.dropped)

    def _similarities(self) -> np.ndarray:
        """Similarity of each heard word (rows 0..n-1) and each pair run together (rows n..)
        to each grammar word: the mean of spelling and sound ratios."""
        heard = self.bare + [a + b for a, b in zip(self.bare, self.bare[1:], strict=False)]
        language = self.language
        spelling = process.cdist(heard, language.vocabulary, scorer=fuzz.ratio, dtype=np.float32)
        sound = process.cdist(
            [_sound(text) for text in heard], language.sounds, scorer=fuzz.ratio, dtype=np.float32
        )
        return (spelling + sound) / 200

    def _reachable(self) -> set[str]:
        """Grammar words some heard word may stand for: a filter before walking the rules."""
        found = set(self.bare)
        found.update(_spelled_words(self.bare))
        for word, heard_forms in self.language.misheard.items():
            if any(_contains(self.bare, heard) for heard in heard_forms):
                found.add(word)
        if self.similar is not None:
            if found & SMALL_WORDS:
                found |= SMALL_WORDS
            columns = np.nonzero((self.similar >= FUZZY_MIN).any(axis=0))[0]
            found.update(self.language.vocabulary[column] for column in columns)
        return found

    def _walk(self, node: _Node, position: int, pieces: tuple[_Piece, ...]) -> Iterator[tuple]:
        if node is None:
            if position == self.n:
                yield pieces
            return
        element, rest = node
        if isinstance(element, Word):
            for end, quality, repaired in self._word(element.text, position):
                piece = _Piece(end - position, quality, repaired, said=(element.text,))
                yield from self._walk(rest, end, (*pieces, piece))
        elif isinstance(element, Choice):
            for option in element.options:
                yield from self._walk(_chain(option, rest), position, pieces)
        else:
            for end, piece in self._slot(element.kind, position):
                if not piece.said:
                    piece = piece._replace(said=tuple(self.bare[position:end]))
                yield from self._walk(rest, end, (*pieces, piece))

    def _word(self, word: str, position: int) -> list[tuple[int, float, bool]]:
        """(end, quality, repaired) for each way `word` can be heard at `position`."""
        key = (word, position)
        if key not in self.word_cache:
            self.word_cache[key] = list(self._word_matches(word, position))
        return self.word_cache[key]

    def _word_matches(self, word: str, position: int) -> Iterator[tuple[int, float, bool]]:
        if position >= self.n:
            return
        heard = self.bare[position]
        if heard == word:
            yield position + 1, 1.0, False
        spelled = self.bare[position : position + len(word)]
        if (
            len(word) > 1
            and all(len(letter) == 1 for letter in spelled)
            and "".join(spelled) == word
        ):
            yield position + len(word), 1.0, False  # spelled out: "e d l" is edl
        for form in self.language.misheard.get(word, ()):
            if tuple(self.bare[position : position + len(form)]) == form:
                yield position + len(form), MISHEARD_QUALITY, True
        if self.similar is None:
            return
        if word in SMALL_WORDS and heard in SMALL_WORDS and heard != word:
            yield position + 1, SMALL_WORD_QUALITY, True  # "the start on clip two"
        if len(word) < 3 or word not in self.language.column:
            return
        column = self.language.column[word]
        if heard != word and len(heard) >= 3 and not heard[0].isdigit():
            quality = float(self.similar[position, column])
            if heard in self.language.column:
                quality *= KNOWN_WORD_FACTOR
            if quality >= FUZZY_MIN:
                yield position + 1, quality, True
        following = self.bare[position + 1] if position + 1 < self.n else ""
        if following and word not in (heard, following) and not following[:1].isdigit():
            quality = float(self.similar[self.n + position, column])
            if quality >= FUZZY_MIN:
                yield position + 2, quality, True

    def _slot(self, kind: str, position: int) -> list[tuple[int, _Piece]]:
        key = (kind, position)
        if key not in self.slot_cache:
            self.slot_cache[key] = list(self._slot_matches(kind, position))
        return self.slot_cache[key]

    def _slot_matches(self, kind: str, position: int) -> Iterator[tuple[int, _Piece]]:
        if position >= self.n:
            return
        if kind == "quote":
            for end in range(position + 1, self.n + 1):
                quote = Quote(" ".join(self.tokens[position:end]))
                doubtful = self.language.doubtful(self.bare[position:end])
                yield end, _Piece(end - position, QUOTE_QUALITY, doubtful, quote, True, True)
        elif kind in _PARSERS:
            yield from self._value_matches(_PARSERS[kind], _SPANS[kind], position)
        else:
            yield from self._list_matches(kind, position)

    def _value_matches(
        self, parser: Callable, longest: int, position: int
    ) -> Iterator[tuple[int, _Piece]]:
        """A time, number or ordinal over the next few words; sound-alikes count as repairs."""
        if not _may_start_value(self.tokens[position]):
            return
        for end in range(position + 1, min(self.n, position + longest) + 1):
            span = tuple(self.tokens[position:end])
            if (value := _parse(parser, span, False)) is not None:
                yield end, _Piece(end - position, 1.0, False, value, True)
            elif (value := _parse(parser, span, True)) is not None:
                yield end, _Piece(end - position, SOUND_ALIKE_QUALITY, True, value, True)

    def _list_matches(self, kind: str, position: int) -> Iterator[tuple[int, _Piece]]:
        """An entry of the slot's list, its words matched like grammar words."""
        for entry in self.language.grammar.slot_list(kind).entries:
            chain = _chain(tuple(Word(word) for word in entry.words), None)
            for pieces in self._walk_prefix(chain, position, ()):
                size = sum(piece.size for piece in pieces)
                quality = float(np.prod([piece.quality for piece in pieces]))
                repaired = any(piece.repaired for piece in pieces)
                said = tuple(entry.words)
                yield position + size, _Piece(size, quality, repaired, entry.value, True, said=said)

    def _walk_prefix(self, node: _Node, position: int, pieces: tuple) -> Iterator[tuple]:
        """Like _walk, but the words may stop before the end of the text."""
        if node is None:
            yield pieces
            return
        element, rest = node
        for end, quality, repaired in self._word(element.text, position):
            piece = _Piece(end - position, quality, repaired)
            yield from self._walk_prefix(rest, end, (*pieces, piece))


_Node = tuple[Element, "_Node"] | None


def _chain(elements: tuple[Element, ...], rest: _Node) -> _Node:
    """Elements followed by `rest`, as a linked list: alternatives splice in without copying."""
    for element in reversed(elements):
        rest = (element, rest)
    return rest


@lru_cache(maxsize=8192)
def _parse(parser: Callable, span: tuple[str, ...], sound_alikes: bool) -> object:
    return parser(list(span), sound_alikes=sound_alikes)


def _is_time(tokens: list[str]) -> bool:
    short = 0 < len(tokens) <= _SPANS["time"]
    return short and _parse(parse_time, tuple(tokens), False) is not None


def _starts_with_time(tokens: list[str]) -> bool:
    """Whether the first words say a time ("one minute", "ten point five", "the start")."""
    spans = (tuple(tokens[:length]) for length in range(1, min(len(tokens), _SPANS["time"]) + 1))
    return any(_parse(parse_time, span, False) is not None for span in spans)


@lru_cache(maxsize=8192)
def _may_start_value(token: str) -> bool:
    """Whether a time, number or ordinal can start with this word: a cheap test that saves
    parsing every span of free words."""
    return (
        token[:1].isdigit()
        or token in VALUE_WORDS
        or token in SOUND_ALIKES
        or alpha2digit(token, "en", threshold=0) != token
    )


@lru_cache(maxsize=8192)
def _sound(text: str) -> str:
    """A metaphone code that ignores which vowel a word starts with ("and do" ~ "undo") and
    whether a consonant is voiced ("but" ~ "put"): the slips Whisper makes most."""
    code = (jellyfish.metaphone(text) if text.isalpha() else text).translate(_UNVOICED)
    return "A" + code[1:] if code[:1] in "AEIOU" and code else code


_UNVOICED = str.maketrans("BDGVZ", "PTKFS")


def _spelled_words(tokens: list[str]) -> Iterator[str]:
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


def _at_edge(tokens: list[str], phrase: tuple[str, ...], end: bool) -> bool:
    edge = tokens[-len(phrase) :] if end else tokens[: len(phrase)]
    return tuple(edge) == phrase


def _contains(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(tokens[i : i + size]) == phrase for i in range(len(tokens) - size + 1))


def _fill(form: str, grammar: Grammar) -> str:
    """A form with its `<slots>` replaced by example values, for comparing with heard text."""
    return " ".join(
        example_value(word[1:-1], "", grammar) if word.startswith("<") else word
        for word in form.split()
    )


# Words too common to be worth biasing Whisper towards.
_FUNCTION_WORDS = frozenset({
    "the", "that", "and", "from", "than", "what", "can", "did", "just", "off", "after",
    "again", "only", "around", "longer", "this", "with", "for", "when", "into", "out", "all",
})  # fmt: skip


def _carriers(prompt: str) -> list[str]:
    """The prompt's words of three letters or more, each once, without example values and
    common function words: the words that make a command."""
    values = {word for text in _EXAMPLE_TEXTS for word in text.split()}
    found = [word.strip(".").lower() for word in prompt.split()]
    skip = values | _FUNCTION_WORDS
    return list(dict.fromkeys(w for w in found if len(w) >= 3 and w not in skip))
