"""The spoken command language, loaded from the grammar files in grammars/.

Design: the language is data, one rule a line (Talon's .talon files, dragonfly's specs), so
help, the README's command table, Whisper's vocabulary prompt and the matcher all read the same
source. A rule compiles to a small tree of `Word`, `Slot` and `Choice` elements; optional
parts are a `Choice` with an empty option. Nothing here matches text: that is matcher.py.
The syntax is documented in grammars/README.md; errors point at `file:line`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path

from voiceedit.errors import VoiceEditError
from voiceedit.understand.command import SpokenTime
from voiceedit.understand.numbers import ANCHOR_WORDS, parse_number, parse_ordinal, parse_time

# Slot kinds with their own parser (numbers.py, or free words); any other `<kind>` reads a list.
BUILTIN_SLOTS = ("time", "number", "ordinal", "quote")
ANCHORS = ("start", "end", "here")  # fixed time arguments: `split(time=here)`

GRAMMAR_DIR = Path(__file__).resolve().parents[1] / "grammars"  # shipped inside the package


class GrammarError(VoiceEditError):
    """A grammar or list file is malformed; the message starts with `file:line:`."""


@dataclass(frozen=True)
class Word:
    text: str  # normalised: lower case, no punctuation or apostrophes
    written: str = ""  # as in the file ("what's", "I"), for examples; empty: same as text

    @property
    def shown(self) -> str:
        return self.written or self.text


@dataclass(frozen=True)
class Slot:
    kind: str  # "time", "number", "ordinal", "quote", or a list-backed kind like "format"


@dataclass(frozen=True)
class Choice:
    options: tuple[tuple[Element, ...], ...]  # an empty option makes the choice optional


Element = Word | Slot | Choice


@dataclass(frozen=True)
class ListEntry:
    spoken: str  # as written
    words: tuple[str, ...]  # normalised
    value: str


@dataclass(frozen=True)
class WordList:
    name: str
    entries: tuple[ListEntry, ...]


@dataclass(frozen=True)
class Rule:
    spoken: str  # the spoken form as written in the file
    pattern: tuple[Element, ...]
    action: str
    params: tuple[str, ...]  # bound to the slots in spoken order
    fixed: tuple[tuple[str, object], ...]  # arguments written in the rule: (name, value)
    destructive: bool
    topic: str
    source: str  # "editing.grammar:12"

    @property
    def call(self) -> str:
        """The right-hand side as written, without the destructive mark."""
        fixed = [f"{name}={_literal_text(value)}" for name, value in self.fixed]
        return f"{self.action}({', '.join([*self.params, *fixed])})"


@dataclass(frozen=True)
class Topic:
    name: str  # the file's stem
    about: str
    names: tuple[str, ...]  # what people call it, as written


@dataclass(frozen=True)
class Grammar:
    rules: tuple[Rule, ...]
    topics: tuple[Topic, ...]
    lists: tuple[WordList, ...]

    def word_list(self, name: str) -> WordList:
        for word_list in self.lists:
            if word_list.name == name:
                return word_list
        return WordList(name, ())

    def slot_list(self, kind: str) -> WordList:
        """The list behind a list-backed slot: `<format>` reads `formats`."""
        return self.word_list(kind + "s")


# ---------------------------------------------------------------------------- normalising

_APOSTROPHES = str.maketrans({"\u2019": "", "\u2018": "", "'": "", "`": ""})
_INNER_DOT = re.compile(r"(?<=\w)[.:](?=\w)")  # 1:30, 2.5, intro.mp4 keep theirs
_NOT_WORD = re.compile(r"[^\w\u0001\u0002]+")


def words(text: str) -> list[str]:
    """Text as the matcher sees it: lower case, apostrophes dropped ("let's" -> "lets"),
    punctuation as spaces, except dots and colons inside a token ("1:30", "2.5")."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_APOSTROPHES)
    text = _INNER_DOT.sub(lambda m: "\u0001" if m.group() == "." else "\u0002", text)
    text = _NOT_WORD.sub(" ", text).replace("_", " ")
    return text.replace("\u0001", ".").replace("\u0002", ":").split()


# ---------------------------------------------------------------------------- loading


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


def _literal_text(value: object) -> str:
    if isinstance(value, SpokenTime):
        return value.anchor
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


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


# ---------------------------------------------------------------------------- expanding


def expand(pattern: tuple[Element, ...], limit: int = 200) -> list[str]:
    """Concrete spoken forms of a pattern, slots left as `<kind>`: at most `limit` of them."""
    return [" ".join(form) for form in islice(_expand(pattern), limit)]


def _expand(pattern: tuple[Element, ...]) -> Iterator[tuple[str, ...]]:
    if not pattern:
        yield ()
        return
    head, rest = pattern[0], pattern[1:]
    if isinstance(head, Choice):
        for option in head.options:
            yield from _expand(option + rest)
        return
    first = head.text if isinstance(head, Word) else f"<{head.kind}>"
    for tail in _expand(rest):
        yield (first, *tail)


def vocabulary(grammar: Grammar) -> frozenset[str]:
    """Every literal word the rules can match (list words included)."""
    found: set[str] = set()
    for rule in grammar.rules:
        _collect_words(rule.pattern, found)
    for kind in {slot.kind for rule in grammar.rules for slot in _slots(rule.pattern)}:
        for entry in grammar.slot_list(kind).entries:
            found.update(entry.words)
    return frozenset(found)


def _collect_words(pattern: tuple[Element, ...], found: set[str]) -> None:
    for element in pattern:
        if isinstance(element, Word):
            found.add(element.text)
        elif isinstance(element, Choice):
            for option in element.options:
                _collect_words(option, found)


def _slots(pattern: tuple[Element, ...]) -> Iterator[Slot]:
    for element in pattern:
        if isinstance(element, Slot):
            yield element
        elif isinstance(element, Choice):
            for option in element.options:
                yield from _slots(option)


def required_words(pattern: tuple[Element, ...]) -> frozenset[str]:
    """Words every path through the pattern contains (a cheap filter before matching)."""
    found: set[str] = set()
    for element in pattern:
        if isinstance(element, Word):
            found.add(element.text)
        elif isinstance(element, Choice):
            found |= frozenset.intersection(*(required_words(o) for o in element.options))
    return frozenset(found)


# ---------------------------------------------------------------------------- examples

# Values put into slots when a rule is said as an example, by slot kind and parameter name
# ("delete from ten seconds to twenty seconds", "shorten ... to half a second").
EXAMPLE_VALUES = {
    "time": {"": "ten seconds", "end": "twenty seconds", "longer": "two seconds",
             "to": "half a second", "amount": "two seconds"},
    "number": {"": "two", "other": "three", "second": "three", "position": "one"},
    "ordinal": {"": "second", "other": "third", "second": "third", "position": "first"},
    "quote": {"": "some words", "last": "other words"},
}  # fmt: skip


# Optional words kept in examples so they read as sentences ("clear the selection").
GLUE_WORDS = frozenset({"the", "from", "at", "a", "an"})


def example(rule: Rule, grammar: Grammar | None = None) -> str:
    """The rule's plainest spoken form: first alternatives, optional words left out (but
    articles and "from", "at") unless that would leave a single word ("undo that", not
    "undo"). With a grammar, slots are filled with example values ("delete clip two");
    without, they stay as `<number>`."""
    form = _first_form(rule.pattern, optional=False)
    if len(form) < 2:
        form = _first_form(rule.pattern, optional=True)
    params = iter(rule.params)
    out = []
    for element in form:
        if isinstance(element, Word):
            if out and out[-1] == element.shown:
                continue  # two optional "the"s in a row ("delete [the | all] [the] ...")
            out.append(element.shown)
        elif grammar is None:
            out.append(f"<{element.kind}>")
        else:
            out.append(example_value(element.kind, next(params, ""), grammar))
    return " ".join(out)


def _first_form(pattern: tuple[Element, ...], optional: bool) -> list[Word | Slot]:
    form: list[Word | Slot] = []
    for element in pattern:
        if isinstance(element, Choice):
            first = next(option for option in element.options if option)
            glue = len(first) == 1 and isinstance(first[0], Word) and first[0].text in GLUE_WORDS
            if () in element.options and not (optional or glue):
                continue
            form.extend(_first_form(first, optional))
        else:
            form.append(element)
    return form


def example_value(kind: str, param: str, grammar: Grammar) -> str:
    """An example of what a slot takes: by parameter, else by kind, else the list's first."""
    if kind in EXAMPLE_VALUES:
        values = EXAMPLE_VALUES[kind]
        return values.get(param, values[""])
    entries = grammar.slot_list(kind).entries
    return entries[0].spoken if entries else kind


# ---------------------------------------------------------------------------- endings

# Time words after which a time is whole: "ten seconds" is done, "one minute" may go on
# ("one minute thirty"), and so may a bare number ("ten" before "seconds").
_LAST_TIME_WORDS = frozenset(
    {"second", "seconds", "sec", "secs", "s", "millisecond", "milliseconds", "ms"}
)
_TIME_WITH_UNIT = re.compile(r"^\d+(\.\d+)?(s|sec|secs|ms)$|:")  # "10s", "2.5s", "1:30"
_VALUE_SPANS = {"time": 8, "number": 4, "ordinal": 3}  # the most words a value takes


def is_final(
    said: Sequence[str], rule: Rule, grammar: Grammar, quote_closed: bool = False
) -> bool:
    """Whether `said` (normalised words) is a whole sentence of `rule` that nobody could
    still be in the middle of. Not final when:

    - the words are not exactly a sentence of `rule` (the matcher repaired them);
    - the rule's last value could take more words: a quote (unless `quote_closed`: the
      caller knows it is whole, as a quote that ends a sentence of the transcript), or a time
      without its seconds ("go to one minute" before "thirty");
    - another command needs more words after them: "play" before "from one minute", "stop"
      before "listening", "delete from ten seconds" before "to twelve seconds".

    More words that would give the same command ("yes" / "yes please") don't count, nor does
    another rule's quote still open at the end: a quote takes any words, so it would hold
    every command open (but a quote known to be whole does count: "delete from ask not" may
    go on "to for you"). The live loop ends a final command's utterance before the hangover.
    """
    said = tuple(said)
    ends = [last for rest, last in _prefix_ends(rule.pattern, said, grammar) if _may_end(rest)]
    still_open = ("time",) if quote_closed else ("quote", "time")
    if not ends or any(last in still_open for last in ends):
        return False
    for other in grammar.rules:
        same = other.action == rule.action and other.fixed == rule.fixed
        for rest, last in _prefix_ends(other.pattern, said, grammar):
            still_quoting = last == "quote" and not quote_closed
            if not still_quoting and not _may_end(rest) and not (same and not any(_slots(rest))):
                return False
    return True


def _prefix_ends(
    pattern: tuple[Element, ...], said: tuple[str, ...], grammar: Grammar, last: str = ""
) -> Iterator[tuple[tuple[Element, ...], str]]:
    """Each way the start of `pattern` says exactly `said`: (what of the pattern is left,
    the kind of value the last words were if it could take more words, else "")."""
    if not said:
        yield pattern, last
        return
    if not pattern:
        return
    head, rest = pattern[0], pattern[1:]
    if isinstance(head, Word):
        if head.text == said[0]:
            yield from _prefix_ends(rest, said[1:], grammar)
    elif isinstance(head, Choice):
        for option in head.options:
            yield from _prefix_ends(option + rest, said, grammar)
    elif head.kind == "quote":
        for size in range(1, len(said) + 1):
            yield from _prefix_ends(rest, said[size:], grammar, "quote")
    elif head.kind in _VALUE_SPANS:
        for size in range(1, min(len(said), _VALUE_SPANS[head.kind]) + 1):
            span = said[:size]
            if _value(head.kind, span) is not None:
                grows = "time" if _time_grows(head.kind, span) else ""
                yield from _prefix_ends(rest, said[size:], grammar, grows)
    else:  # a list-backed slot: its entries are words like any others
        entries = grammar.slot_list(head.kind).entries
        options = tuple(tuple(Word(word) for word in entry.words) for entry in entries)
        yield from _prefix_ends((Choice(options), *rest), said, grammar)


def _may_end(pattern: tuple[Element, ...]) -> bool:
    """Whether the pattern can be said with no words at all."""
    return all(
        isinstance(element, Choice) and any(_may_end(option) for option in element.options)
        for element in pattern
    )


def _value(kind: str, span: tuple[str, ...]) -> object:
    parse = {"time": parse_time, "number": parse_number, "ordinal": parse_ordinal}[kind]
    return parse(list(span))


def _time_grows(kind: str, span: tuple[str, ...]) -> bool:
    if kind != "time" or tuple(span) in ANCHOR_WORDS:
        return False
    return span[-1] not in _LAST_TIME_WORDS and not _TIME_WITH_UNIT.search(span[-1])
