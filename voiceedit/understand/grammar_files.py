"""Reading one grammar or list file: the syntax of voiceedit/grammars/README.md, checked.

grammar.py puts the built-in files together and user_grammar.py a person's own; both read
each file with these functions, so a rule means the same wherever it is written. Every
mistake is a `GrammarError` whose message starts with `file:line:`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from voiceedit.errors import VoiceEditError
from voiceedit.understand.command import SpokenTime
from voiceedit.understand.rules import (
    Choice,
    Element,
    ListEntry,
    Rule,
    Slot,
    Topic,
    Word,
    WordList,
    words,
)
from voiceedit.understand.walker import BUILTIN_SLOTS

ANCHORS = ("start", "end", "here")  # fixed time arguments: `split(time=here)`


class GrammarError(VoiceEditError):
    """A grammar or list file is malformed; the message starts with `file:line:`."""


def lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text without comment) for each non-blank line."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.split("#", 1)[0].strip()
        if text:
            yield number, text


def read_list(path: Path, problems: list[str] | None = None,
              values: Sequence[str] = ()) -> WordList:
    """A list file; with `problems`, a bad line is noted there and skipped, not raised.
    `values`, when given, are the only values an entry may have: the code acts on them
    (the levels of verbosity), so a person's list may only add words for them."""
    entries = []
    for number, text in lines(path):
        spoken, _, value = text.partition(":")
        spoken_words = tuple(words(spoken))
        value = value.strip() or spoken.strip()
        if not spoken_words:
            _fail(GrammarError(f"{path.name}:{number}: an entry needs spoken words."), problems)
            continue
        if values and value not in values:
            _fail(GrammarError(
                f"{path.name}:{number}: '{value}' is not one of {', '.join(values)}; write "
                f"'{spoken.strip()}: {values[0]}' to say {values[0]} in your words."), problems)
            continue
        entries.append(ListEntry(spoken.strip(), spoken_words, value))
    return WordList(path.stem, tuple(entries))


def _fail(error: GrammarError, problems: list[str] | None) -> None:
    if problems is None:
        raise error
    problems.append(str(error))


def read_header(path: Path) -> tuple[Topic, int]:
    """The topic from `about:` and `say:` lines (and `prompt: later`), and the line number
    after the `-`."""
    fields: dict[str, str] = {}
    for number, text in lines(path):
        if text == "-":
            missing = [key for key in ("about", "say") if key not in fields]
            if missing:
                raise GrammarError(f"{path.name}:{number}: the header needs '{missing[0]}:'.")
            names = tuple(name.strip() for name in fields["say"].split("|") if name.strip())
            later = fields.get("prompt", "first") == "later"
            return Topic(path.stem, fields["about"], names, later), number + 1
        key, colon, value = text.partition(":")
        if not colon or key.strip() not in ("about", "say", "prompt") or (
                key.strip() == "prompt" and value.strip() not in ("first", "later")):
            raise GrammarError(
                f"{path.name}:{number}: a header line is 'about: ...', 'say: ...' or "
                "'prompt: later', and a line with only '-' ends the header."
            )
        fields[key.strip()] = value.strip()
    raise GrammarError(f"{path.name}:1: the header must end with a line holding only '-'.")


def topic_entries(topics: tuple[Topic, ...]) -> Iterator[ListEntry]:
    for topic in topics:
        for name in dict.fromkeys((topic.name, *topic.names)):
            yield ListEntry(name, tuple(words(name)), topic.name)


_RULE = re.compile(r"^(?P<spoken>.+):\s*(?P<mark>!?)(?P<action>[a-z_][a-z0-9_]*)\((?P<args>.*)\)$")


def read_rules(
    path: Path,
    topic: str,
    first_line: int,
    lists: dict[str, WordList],
    problems: list[str] | None = None,
) -> Iterator[Rule]:
    """The rules from `first_line` on; with `problems`, a bad rule is noted there and
    skipped (a person's own file), else raised (the built-in files must be right)."""
    for number, text in lines(path):
        if number >= first_line:
            try:
                yield read_rule(text, f"{path.name}:{number}", topic, lists)
            except GrammarError as error:
                _fail(error, problems)


def read_rule(text: str, where: str, topic: str, lists: dict[str, WordList]) -> Rule:
    found = _RULE.match(text)
    if not found:
        raise GrammarError(f"{where}: a rule is 'spoken form: action(parameters)'.")
    spoken = found["spoken"].strip()
    pattern = _Parser(spoken, where, lists).parse()
    params, fixed = _parse_args(found["args"], where)
    counts = _slot_counts(pattern)
    if counts != {len(params)}:
        said = " or ".join(str(count) for count in sorted(counts))
        slots = _plural(max(counts) if len(counts) == 1 else 2, "slot")
        raise GrammarError(
            f"{where}: the spoken form fills {said} {slots} but the action takes "
            f"{len(params)} {_plural(len(params), 'parameter')}."
        )
    return Rule(spoken, pattern, found["action"], params, fixed, bool(found["mark"]), topic, where)


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def _parse_args(text: str, where: str) -> tuple[tuple[str, ...], tuple[tuple[str, object], ...]]:
    params: list[str] = []
    fixed: list[tuple[str, object]] = []
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        name, equals, literal = (piece.strip() for piece in part.partition("="))
        if not _IDENTIFIER.match(name):
            raise GrammarError(f"{where}: '{name}' is not a parameter name.")
        if name in params or name in dict(fixed):
            raise GrammarError(f"{where}: the parameter '{name}' is given twice.")
        if equals:
            fixed.append((name, _parse_literal(literal, where)))
        else:
            params.append(name)
    return tuple(params), tuple(fixed)


def _parse_literal(text: str, where: str) -> object:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    if text.isdigit():
        return int(text)
    if text in ANCHORS:
        return SpokenTime(anchor=text)
    raise GrammarError(
        f'{where}: a fixed argument is "words", a whole number, or one of start, end, here.'
    )


class _Parser:
    """Recursive descent over the spoken form: sequence := item*, item := word | <slot> |
    {list} | (sequence | ...) | [sequence | ...]."""

    _TOKEN = re.compile(r"\s*([()\[\]|]|<[^>]*>|\{[^}]*\}|[^\s()\[\]|<>{}]+)")

    def __init__(self, spoken: str, where: str, lists: dict[str, WordList]) -> None:
        self.where = where
        self.lists = lists
        self.tokens = self._tokenise(spoken)
        self.position = 0

    def _tokenise(self, spoken: str) -> list[str]:
        tokens, position = [], 0
        while position < len(spoken.rstrip()):
            found = self._TOKEN.match(spoken, position)
            if not found:
                raise GrammarError(f"{self.where}: unexpected '{spoken[position:].strip()[0]}'.")
            tokens.append(found.group(1))
            position = found.end()
        return tokens

    def parse(self) -> tuple[Element, ...]:
        sequence = self._sequence()
        if self.position < len(self.tokens):
            raise GrammarError(f"{self.where}: unexpected '{self.tokens[self.position]}'.")
        if not sequence:
            raise GrammarError(f"{self.where}: the spoken form is empty.")
        return sequence

    def _sequence(self) -> tuple[Element, ...]:
        items: list[Element] = []
        while self.position < len(self.tokens) and self.tokens[self.position] not in ")]|":
            items.extend(self._item())
        return tuple(items)

    def _item(self) -> list[Element]:
        token = self.tokens[self.position]
        self.position += 1
        if token in "([":
            closing = ")" if token == "(" else "]"
            options = [self._sequence()]
            while self._peek() == "|":
                self.position += 1
                options.append(self._sequence())
            if self._peek() != closing:
                raise GrammarError(f"{self.where}: '{token}' is not closed by '{closing}'.")
            self.position += 1
            if token == "(" and not all(options):
                raise GrammarError(f"{self.where}: an empty alternative; use [optional] words.")
            return [Choice(tuple(options) + (((),) if token == "[" else ()))]
        if token.startswith("<"):
            return [self._slot(token[1:-1].strip())]
        if token.startswith("{"):
            return [self._list_choice(token[1:-1].strip())]
        found = words(token)
        written = token if len(found) == 1 and found[0] != token else ""
        return [Word(text, written) for text in found]

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _slot(self, kind: str) -> Slot:
        if kind not in BUILTIN_SLOTS and kind + "s" not in self.lists:
            raise GrammarError(
                f"{self.where}: unknown slot <{kind}>; the slots are "
                f"{', '.join(f'<{name}>' for name in BUILTIN_SLOTS)}, or <x> with lists/xs.list."
            )
        return Slot(kind)

    def _list_choice(self, name: str) -> Choice:
        if name not in self.lists:
            raise GrammarError(f"{self.where}: there is no list lists/{name}.list.")
        return Choice(tuple(tuple(Word(w) for w in e.words) for e in self.lists[name].entries))


def _slot_counts(pattern: tuple[Element, ...]) -> set[int]:
    """How many slots each path through the pattern fills."""
    counts = {0}
    for element in pattern:
        if isinstance(element, Slot):
            counts = {count + 1 for count in counts}
        elif isinstance(element, Choice):
            options = set().union(*(_slot_counts(option) for option in element.options))
            counts = {count + extra for count in counts for extra in options}
    return counts


def check_destructive(rules: tuple[Rule, ...]) -> None:
    marked: dict[str, Rule] = {}
    for rule in rules:
        first = marked.setdefault(rule.action, rule)
        if first.destructive != rule.destructive:
            raise GrammarError(
                f"{rule.source}: {rule.action} is marked destructive ('!') in {first.source} "
                "but not here, or the other way round; mark it in every rule or none."
            )
