"""The spoken command language as data: rules compiled to trees of `Word`, `Slot` and `Choice`,
the word lists, the topics, and how heard text is normalised into words.

A rule's spoken form compiles to a small tree: optional parts are a `Choice` with an empty
option. grammar.py builds these from the files, walker.py walks them; nothing here matches.

Lists are the single source of vocabulary. Every `lists/NAME.list` line is `spoken words:
value` (the value defaults to the spoken words), and `Grammar.word_list("NAME")` gives those
entries; `Grammar.slot_list("format")` gives the list behind a `<format>` slot (`formats`).
Code that needs the spoken names of something (export formats, verbosity levels, topics)
reads them here as `entry.words -> entry.value` instead of keeping its own table, so a name
added to a list is heard, matched, shown in help and acted on at once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from voiceedit.understand.command import SpokenTime


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
    own: bool = False  # from the person's own files (user_grammar.py), not the built-in ones

    @property
    def call(self) -> str:
        """The right-hand side as written, without the destructive mark."""
        fixed = [f"{name}={literal_text(value)}" for name, value in self.fixed]
        return f"{self.action}({', '.join([*self.params, *fixed])})"


@dataclass(frozen=True)
class Topic:
    name: str  # the file's stem
    about: str
    names: tuple[str, ...]  # what people call it, as written
    prompt_later: bool = False  # `prompt: later`: its examples only fill the prompt's room left


@dataclass(frozen=True)
class Grammar:
    rules: tuple[Rule, ...]
    topics: tuple[Topic, ...]
    lists: tuple[WordList, ...]
    # The person's own rules and entries that were skipped, one sentence each ("my.grammar:3:
    # there is no action 'delet_quote'; did you mean 'delete_quote'?"), for the surface to say.
    problems: tuple[str, ...] = ()

    def word_list(self, name: str) -> WordList:
        """The entries of lists/NAME.list (spoken words -> value); empty if there is none."""
        for word_list in self.lists:
            if word_list.name == name:
                return word_list
        return WordList(name, ())

    def slot_list(self, kind: str) -> WordList:
        """The list behind a list-backed slot: `<format>` reads `formats`."""
        return self.word_list(kind + "s")

    def slot_choice(self, kind: str) -> Choice:
        """A list-backed slot as a choice of its entries' words, for walking word by word."""
        return self._list_choices.get(kind + "s") or Choice(())

    @cached_property
    def _list_choices(self) -> dict[str, Choice]:
        return {
            word_list.name: Choice(
                tuple(tuple(Word(word) for word in entry.words) for entry in word_list.entries)
            )
            for word_list in reversed(self.lists)  # the first list of a name wins, as above
        }


def literal_text(value: object) -> str:
    """A fixed argument as written in a rule: `"words"`, a number, or an anchor."""
    if isinstance(value, SpokenTime):
        return value.anchor
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


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
