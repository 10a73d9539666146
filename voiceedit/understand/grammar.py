"""The spoken command language, loaded from the grammar files in voiceedit/grammars/.

Design: the language is data, one rule a line (Talon's .talon files, dragonfly's specs), so
help, the README's command table, Whisper's vocabulary prompt and the matcher all read the same
source. This module puts the files together into a `Grammar` (rules.py: rules as trees of
`Word`, `Slot` and `Choice`; the lists, each spoken words -> value, are the one source of
vocabulary: `Grammar.word_list("levels")`, `Grammar.slot_list("format")`); grammar_files.py
reads and checks each file. Nothing here matches text: walker.py walks the rules for the
matcher, the continuations and `is_final`. The syntax is documented in
voiceedit/grammars/README.md; errors point at `file:line`.

The files ship inside the package, so an installed voiceedit finds them beside this code;
VOICEEDIT_GRAMMARS names another folder (a test's). A person's own files (user_grammar.py:
their config folder's `grammars/`, `--grammar-dir`) are added on top: `load_grammar()` is
what every engine hears with, `builtin_grammar()` what the README documents.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

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
from voiceedit.understand.grammar_files import (
    GrammarError,
    check_destructive,
    read_header,
    read_list,
    read_rules,
    topic_entries,
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
from voiceedit.understand.user_grammar import (
    add_user_lists,
    user_grammar_dirs,
    user_grammar_files,
    user_rules,
)
from voiceedit.understand.walker import BUILTIN_SLOTS

# What other modules import from here, besides the loader's own names.
__all__ = [
    "EXAMPLE_VALUES", "GLUE_WORDS", "GRAMMAR_DIR", "BUILTIN_SLOTS", "Choice", "Element",
    "Grammar", "GrammarError", "ListEntry", "Rule", "Slot", "Topic", "Word", "WordList",
    "builtin_grammar", "example", "example_value", "expand", "grammar_dir", "is_final",
    "load_grammar", "required_words", "slots", "vocabulary", "words",
]  # fmt: skip

GRAMMAR_DIR = Path(__file__).resolve().parents[1] / "grammars"  # shipped inside the package


def grammar_dir() -> Path:
    return Path(os.environ.get("VOICEEDIT_GRAMMARS", GRAMMAR_DIR))


def load_grammar(directory: Path | str | None = None) -> Grammar:
    """The grammar to hear with: the built-in files and the person's own (their mistakes in
    `Grammar.problems`); with `directory`, that folder's files alone. Compiled once per
    set of folders."""
    if directory is not None:
        return _load(str(Path(directory).resolve()))
    own = tuple(str(folder) for folder in user_grammar_dirs() if folder.is_dir())
    return _load(str(grammar_dir().resolve()), own)


def builtin_grammar() -> Grammar:
    """The built-in commands only: what README.md documents, whoever generates it."""
    return load_grammar(grammar_dir())


@lru_cache(maxsize=8)
def _load(directory: str, own: tuple[str, ...] = ()) -> Grammar:
    root = Path(directory)
    if not root.is_dir():
        raise GrammarError(f"The grammar folder {root} is missing.")
    own_dirs = [Path(folder) for folder in own]
    problems: list[str] = []
    lists = {path.stem: read_list(path) for path in sorted((root / "lists").glob("*.list"))}
    lists = add_user_lists(lists, own_dirs, problems)
    files = sorted(root.glob("*.grammar"))
    if not files:
        raise GrammarError(f"There are no grammar files in {root}.")
    headers = [read_header(path) for path in files]
    topics = tuple(topic for topic, _ in headers)
    own_files = user_grammar_files(own_dirs, problems)
    known = {topic.name for topic in topics}
    new_topics = {t.name: t for _, t, _ in own_files if t.name not in known}  # once a name
    topics += tuple(new_topics.values())
    lists["topics"] = WordList("topics", tuple(topic_entries(topics)))
    rules = tuple(
        rule
        for path, (topic, first_rule_line) in zip(files, headers, strict=True)
        for rule in read_rules(path, topic.name, first_rule_line, lists)
    )
    check_destructive(rules)
    rules += user_rules(own_files, lists, rules, problems)
    return Grammar(rules, topics, tuple(lists.values()), tuple(problems))
