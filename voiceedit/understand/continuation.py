"""What the grammar lets come next: the prefix check behind grammar-constrained decoding.

A decoder that writes a command word by word asks, at every token, "can the words so far
still become a command?" and, before it stops, "are they one already?". This module answers
both from the same rules the matcher reads, stepping through them with walker.py one heard
word at a time: a *state* is the position in one rule, with the slot being filled, if any. The
states after some words are those after one word fewer, advanced by the last one, so a beam
search that grows its text by a token costs one small step, and states are cached by words.

What each slot lets through is the vocabulary a value can be said in:
- `<time>`, `<number>`, `<ordinal>`: number words (num2words' own spellings of 0..100 and
  ordinals), digits as Whisper writes them ("10", "1:30", "2.5"), units and the few words of
  a spoken time ("a", "and", "half", "point", "the start", "here"); a value slot is left only
  where numbers.py parses its words, so "go to ten" can't end before "seconds" is possible,
  and "go to and" never starts.
- `<quote>`: a run of the project's words when given (the transcript, and the names of media
  beside it): a quote starts with one of its words and each next word must follow the one
  before somewhere in it, so a cut can only quote what is there, as it is there ("ask not
  what your camera", never "as not what you can"). Any words when not given.
- a list slot (`<format>`): the list's entries, word by word.

Nothing here scores or repairs: the decoder's text still goes through the matcher, which
gives the command and its confidence. This is only the fence the decoder stays within.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from voiceedit.understand.rules import Grammar, Word, words
from voiceedit.understand.walker import (
    VALUE_SPANS,
    Position,
    any_starts,
    is_value_word,
    may_end,
    number_words,
    parse_value,
    position,
    steps,
    value_starts,
    value_words,
)

__all__ = ["Continuations", "NextWords", "Open", "number_words", "value_starts", "value_words"]

CACHED_TEXTS = 200_000  # texts remembered by `allows`


@dataclass(frozen=True)
class Open:
    """A slot still taking words: its kind and the words it has so far (for a quote, only
    its last word matters: the next must follow it in the project's words)."""

    kind: str
    span: tuple[str, ...] = ()

    def ends(self) -> bool:
        """Whether the slot could be left here: a value that parses, or a quote."""
        return self.kind == "quote" or parse_value(self.kind, self.span) is not None


@dataclass(frozen=True)
class NextWords:
    """What may come next after some words: literal grammar words (sorted), or a quote word,
    or a value word."""

    literals: tuple[str, ...]
    quotes: tuple[tuple[str, ...], ...]  # sorted word lists a quote may go on with
    any_quote: bool  # a quote may say anything (no project words given)
    value: bool

    def starts(self, partial: str) -> bool:
        """Whether a word that may come next begins with `partial`."""
        return (
            any_starts(self.literals, partial)
            or self.any_quote
            or any(any_starts(words, partial) for words in self.quotes)
            or (self.value and value_starts(partial))
        )


State = tuple[Position, Open | None]  # what of a rule is left; the slot open at the end


class Continuations:
    """The grammar as a word-by-word fence. `phrases` are the word runs a quote may be taken
    from (normalised as grammar.words does: the transcript, each media file's name); None
    lets a quote say anything."""

    def __init__(self, grammar: Grammar, phrases: Iterable[Sequence[str]] | None = None
                 ) -> None:
        self.grammar = grammar
        self.any_quote = phrases is None
        after: dict[str, set[str]] = {}
        for phrase in phrases or ():
            for word, following in zip(phrase, [*phrase[1:], None], strict=True):
                followers = after.setdefault(word, set())
                if following is not None:
                    followers.add(following)
        self._quote_starts = tuple(sorted(after))
        self._after = {word: tuple(sorted(followers)) for word, followers in after.items()}
        self._follows = {word: frozenset(followers) for word, followers in after.items()}
        self._states: dict[tuple[str, ...], frozenset[State]] = {
            (): frozenset((position(rule.pattern), None) for rule in grammar.rules)
        }
        self._next: dict[tuple[str, ...], NextWords] = {}
        self._allowed: dict[str, bool] = {}

    # ------------------------------------------------------------------ questions

    def states(self, said: tuple[str, ...]) -> frozenset[State]:
        """Every way the start of some rule says exactly `said` (empty: no rule can)."""
        found = self._states.get(said)
        if found is None:
            if len(self._states) > CACHED_TEXTS:  # a long session: start the cache again
                self._states = {(): self._states[()]}
                self._next.clear()
            before = self.states(said[:-1])
            found = frozenset(
                state for old in before for state in self._advance(*old, said[-1])
            ) if before else frozenset()
            self._states[said] = found
        return found

    def may_continue(self, said: tuple[str, ...], partial: str = "") -> bool:
        """Whether `said` followed by a word starting with `partial` (or by nothing, when
        `partial` is empty) can still become a command."""
        if not partial:
            return bool(self.states(said))
        return self.next_words(said).starts(partial)

    def allows(self, text: str) -> bool:
        """Whether written text (as a decoder has it so far) can still become a command; its
        last word may be unfinished ("Delete from the fir"). Cached: beams share their starts,
        and so do utterances."""
        found = self._allowed.get(text)
        if found is None:
            said = words(text)
            if not said:
                found = True
            elif text[-1].isalnum() or text[-1] == "'":  # the last word may go on
                found = self.may_continue(tuple(said[:-1]), said[-1])
            else:
                found = self.may_continue(tuple(said))
            if len(self._allowed) > CACHED_TEXTS:
                self._allowed.clear()
            self._allowed[text] = found
        return found

    def next_words(self, said: tuple[str, ...]) -> NextWords:
        """What may be said after `said`: cached, since a beam asks about many tokens."""
        found = self._next.get(said)
        if found is None:
            literals: set[str] = set()
            kinds: set[str] = set()
            quotes: set[tuple[str, ...]] = set()
            for at, open_slot in self.states(said):
                if open_slot is not None:
                    if open_slot.kind == "quote":
                        quotes.add(self._after.get(open_slot.span[-1], ()))
                        kinds.add("quote")
                    elif len(open_slot.span) < VALUE_SPANS[open_slot.kind]:
                        kinds.add(open_slot.kind)
                    if not open_slot.ends():
                        continue
                for element, _ in steps(at, self.grammar):
                    if isinstance(element, Word):
                        literals.add(element.text)
                    elif element is not None:
                        kinds.add(element.kind)
            if "quote" in kinds and not self.any_quote:
                quotes.add(self._quote_starts)
            found = NextWords(tuple(sorted(literals)), tuple(quotes),
                              self.any_quote and "quote" in kinds,
                              bool(kinds & VALUE_SPANS.keys()))
            self._next[said] = found
        return found

    def is_command(self, said: tuple[str, ...]) -> bool:
        """Whether `said` is a whole sentence of some rule, every value in it complete."""
        return any(
            (open_slot is None or open_slot.ends()) and may_end(at)
            for at, open_slot in self.states(said)
        )

    # ------------------------------------------------------------------ walking

    def _advance(self, at: Position, open_slot: Open | None, word: str) -> Iterator[State]:
        if open_slot is not None:
            if self._slot_takes(open_slot, word):
                span = (word,) if open_slot.kind == "quote" else (*open_slot.span, word)
                yield at, Open(open_slot.kind, span)
            if open_slot.ends():
                yield from self._enter(at, word)
            return
        yield from self._enter(at, word)

    def _enter(self, at: Position, word: str) -> Iterator[State]:
        """States after `word` is said at the head of what is left."""
        for element, rest in steps(at, self.grammar):
            if element is None:
                continue
            if isinstance(element, Word):
                if element.text == word:
                    yield rest, None
            elif element.kind == "quote":
                if self.any_quote or word in self._after:
                    yield rest, Open("quote", (word,))
            elif is_value_word(word):
                yield rest, Open(element.kind, (word,))

    # ------------------------------------------------------------------ slots

    def _slot_takes(self, open_slot: Open, word: str) -> bool:
        if open_slot.kind == "quote":
            return self.any_quote or word in self._follows.get(open_slot.span[-1], ())
        return len(open_slot.span) < VALUE_SPANS[open_slot.kind] and is_value_word(word)

