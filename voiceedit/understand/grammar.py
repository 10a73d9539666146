"""The spoken command language, loaded from the grammar files in voiceedit/grammars/.

Design: the language is data, one rule a line (Talon's .talon files, dragonfly's specs), so
help, the README's command table, Whisper's vocabulary prompt and the matcher all read the same
source. This module reads and checks the files into a `Grammar` (rules.py: rules as trees of
`Word`, `Slot` and `Choice`; the lists, each spoken words -> value, are the one source of
vocabulary: `Grammar.word_list("levels")`, `Grammar.slot_list("format")`). Nothing here
matches text: walker.py walks the rules for the matcher, the continuations and `is_final`.
The syntax is documented in voiceedit/grammars/README.md; errors point at `file:line`.

The files ship inside the package, so an installed voiceedit finds them beside this code;
VOICEEDIT_GRAMMARS names another folder (a user's own commands, a test's).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from voiceedit.errors import VoiceEditError
from voiceedit.understand.command import SpokenTime
from voiceedit.understand.endings import is_final
from voiceedit.understand.forms import (
    EXAMPLE_VALUES,
    GLUE_WORDS,
    example,
    example_value,
    expand,
    required_words,
    slots,
    vocabulary,
)
from voiceedit.understand.rules import (
    Choice,
    Element,
    Grammar,
    ListEntry,
    Rule,
    Slot,
    Topic,
    Word,
    WordList,
    words,
)
from voiceedit.understand.walker import BUILTIN_SLOTS

# What other modules import from here, besides the loader's own names.
__all__ = [
    "EXAMPLE_VALUES", "GLUE_WORDS", "GRAMMAR_DIR", "BUILTIN_SLOTS", "Choice", "Element",
    "Grammar", "GrammarError", "ListEntry", "Rule", "Slot", "Topic", "Word", "WordList",
    "example", "example_value", "expand", "grammar_dir", "is_final", "load_grammar",
    "required_words", "slots", "vocabulary", "words",
]  # fmt: skip

ANCHORS = ("start", "end", "here")  # fixed time arguments: `split(time=here)`
GRAMMAR_DIR = Path(__file__).resolve().parents[1] / "grammars"  # shipped inside the package


class GrammarError(VoiceEditError):
    """A grammar or list file is malformed; the message starts with `file:line:`."""


def grammar_dir() -> Path:
    return Path(os.environ.get("VOICEEDIT_GRAMMARS", GRAMMAR_DIR))


def load_grammar(directory: Path | str | None = None) -> Grammar:
    """Load and check every grammar and list file; compiled once per directory."""
    return _load(str(Path(directory or grammar_dir()).resolve()))


@lru_cache(maxsize=8)
def _load(directory: str) -> Grammar:
    root = Path(directory)
    if not root.is_dir():
        raise GrammarError(f"The grammar folder {root} is missing.")
    lists = {path.stem: _read_list(path) for path in sorted((root / "lists").glob("*.list"))}
    files = sorted(root.glob("*.grammar"))
    if not files:
        raise GrammarError(f"There are no grammar files in {root}.")
    headers = [_read_header(path) for path in files]
    topics = tuple(topic for topic, _ in headers)
    lists["topics"] = WordList("topics", tuple(_topic_entries(topics)))
    rules = tuple(
        rule
        for path, (topic, first_rule_line) in zip(files, headers, strict=True)
        for rule in _read_rules(path, topic.name, first_rule_line, lists)
    )
    _check_destructive(rules)
    return Grammar(rules, topics, tuple(lists.values()))


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text without comment) for each non-blank line."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.split("#", 1)[0].strip()
        if text:
            yield number, text


def _read_list(path: Path) -> WordList:
    entries = []
    for number, text in _lines(path):
        spoken, _, value = text.partition(":")
        spoken_words = tuple(words(spoken))
        if not spoken_words:
            raise GrammarError(f"{path.name}:{number}: an entry needs spoken words.")
        entries.append(ListEntry(spoken.strip(), spoken_words, value.strip() or spoken.strip()))
    return WordList(path.stem, tuple(entries))


def _read_header(path: Path) -> tuple[Topic, int]:
    """The topic from `about:` and `say:` lines, and the line number after the `-`."""
    fields: dict[str, str] = {}
    for number, text in _lines(path):
        if text == "-":
            missing = [key for key in ("about", "say") if key not in fields]
            if missing:
                raise GrammarError(f"{path.name}:{number}: the header needs '{missing[0]}:'.")
            names = tuple(name.strip() for name in fields["say"].split("|") if name.strip())
            return Topic(path.stem, fields["about"], names), number + 1
        key, colon, value = text.partition(":")
        if not colon or key.strip() not in ("about", "say"):
            raise GrammarError(
                f"{path.name}:{number}: a header line is 'about: ...' or 'say: ...', "
                "and a line with only '-' ends the header."
            )
        fields[key.strip()] = value.strip()
    raise GrammarError(f"{path.name}:1: the header must end with a line holding only '-'.")


def _topic_entries(topics: tuple[Topic, ...]) -> Iterator[ListEntry]:
    for topic in topics:
        for name in dict.fromkeys((topic.name, *topic.names)):
            yield ListEntry(name, tuple(words(name)), topic.name)


_RULE = re.compile(r"^(?P<spoken>.+):\s*(?P<mark>!?)(?P<action>[a-z_][a-z0-9_]*)\((?P<args>.*)\)$")


def _read_rules(
    path: Path, topic: str, first_line: int, lists: dict[str, WordList]
) -> Iterator[Rule]:
    for number, text in _lines(path):
        if number < first_line:
            continue
        where = f"{path.name}:{number}"
        found = _RULE.match(text)
        if not found:
            raise GrammarError(f"{where}: a rule is 'spoken form: action(parameters)'.")
        spoken = found["spoken"].strip()
        pattern = _Parser(spoken, where, lists).parse()
        params, fixed = _parse_args(found["args"], where)
        counts = _slot_counts(pattern)
        if counts != {len(params)}:
            said = " or ".join(str(count) for count in sorted(counts))
            raise GrammarError(
                f"{where}: the spoken form fills {said} slots but the action takes "
                f"{len(params)} parameters."
            )
        yield Rule(
            spoken, pattern, found["action"], params, fixed, bool(found["mark"]), topic, where
        )


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


def _check_destructive(rules: tuple[Rule, ...]) -> None:
    marked: dict[str, Rule] = {}
    for rule in rules:
        first = marked.setdefault(rule.action, rule)
        if first.destructive != rule.destructive:
            raise GrammarError(
                f"{rule.source}: {rule.action} is marked destructive ('!') in {first.source} "
                "but not here, or the other way round; mark it in every rule or none."
            )
