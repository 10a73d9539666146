"""A person's own words: grammar and list files in their config folder and `--grammar-dir`.

Talon users write their own command files, and people whose speech is affected by their
condition need exactly that: a shorter phrase for a command they use often, a word they say
for another. The files have the format of voiceedit/grammars/ (README.md there), the header
optional: a rule gives another phrasing to an action the built-in commands already name
(`snip <quote>: !delete_quote(quote)`), a `lists/NAME.list` adds entries to the list of that
name (`lists/delete.list`: `snip`), and `lists/vocabulary.list` names words the recogniser
should expect (people, places), which go into its prompt.

The built-in rules are what a person's rule is checked against: its action must be one they
name, with the parameters one of them gives, each said with the same kind of slot. `!` must
be written as in the built-in rules, not inherited: a line then reads as what it does, and
the error for a missing one shows the line to write. A broken rule or list entry is skipped
and reported as one sentence with `file:line`; the rest of the person's files and every
built-in command still work.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from voiceedit.understand.command import SpokenTime
from voiceedit.understand.forms import expand
from voiceedit.understand.grammar_files import (
    GrammarError,
    lines,
    read_header,
    read_list,
    read_rules,
)
from voiceedit.understand.rules import Choice, Element, Rule, Slot, Topic, WordList
from voiceedit.user_config import config_dir

VOCABULARY_LIST = "vocabulary"  # lists/vocabulary.list: words to hear, not commands
# Lists whose values the code acts on (a level of verbosity, a precision of times, an export
# format): a person's entries may add words for those values, never a value of their own.
CLOSED_LISTS = frozenset({"levels", "precisions", "formats"})
ALL_FORMS = 5000  # the spoken forms compared for a clash: more than any rule has
MAX_SEQUENCES = 256  # slot orders looked at per rule; a person's rules have a few

_extra_dirs: tuple[Path, ...] = ()


def use_grammar_dirs(directories: Iterable[Path | str]) -> None:
    """Read a person's files from these folders as well as their config folder's
    `grammars/` (the command line's `--grammar-dir`); set once, before anything is heard."""
    global _extra_dirs
    _extra_dirs = tuple(Path(directory).resolve() for directory in directories)


def user_grammar_dirs() -> tuple[Path, ...]:
    """Where a person's own files are read from, in order; a missing folder is skipped."""
    return (config_dir() / "grammars", *_extra_dirs)


def add_user_lists(
    lists: dict[str, WordList], directories: Iterable[Path], problems: list[str]
) -> dict[str, WordList]:
    """The lists with each person's entries added after the built-in ones."""
    merged = dict(lists)
    for directory in directories:
        for path in sorted((directory / "lists").glob("*.list")):
            known = merged.get(path.stem, WordList(path.stem, ()))
            values = tuple(dict.fromkeys(e.value for e in known.entries)) if (
                path.stem in CLOSED_LISTS) else ()
            added = _readable(path, problems) and read_list(path, problems, values)
            if not added:
                continue
            new = tuple(entry for entry in added.entries if entry not in known.entries)
            merged[path.stem] = WordList(path.stem, known.entries + new)
    return merged


def user_grammar_files(
    directories: Iterable[Path], problems: list[str]
) -> list[tuple[Path, Topic, int]]:
    """Each readable `.grammar` file with its topic: from its header, or, without one, a
    topic named after the file."""
    found = []
    for directory in directories:
        for path in sorted(directory.glob("*.grammar")):
            if not _readable(path, problems):
                continue
            try:
                if any(text == "-" for _, text in lines(path)):
                    topic, first_line = read_header(path)
                else:
                    about = f"your own commands from {path.name}"
                    topic, first_line = Topic(path.stem, about, ()), 1
            except GrammarError as error:
                problems.append(f"{error} The file is skipped.")
                continue
            found.append((path, topic, first_line))
    return found


def _readable(path: Path, problems: list[str]) -> bool:
    try:
        path.read_text(encoding="utf-8")
    except (OSError, UnicodeError) as error:
        reason = "it is not UTF-8 text" if isinstance(error, UnicodeError) else error.strerror
        problems.append(f"{path.name}:1: cannot be read ({reason}); the file is skipped.")
        return False
    return True


def user_rules(
    files: list[tuple[Path, Topic, int]],
    lists: dict[str, WordList],
    built_in: tuple[Rule, ...],
    problems: list[str],
) -> tuple[Rule, ...]:
    """The person's rules that are right, marked as their own; the others in `problems`."""
    uses = _uses(built_in)
    taken: dict[str, Rule] | None = None  # the built-in rules' spoken forms, when needed
    found = []
    for path, topic, first_line in files:
        for rule in read_rules(path, topic.name, first_line, lists, problems):
            problem = _problem(rule, uses)
            if problem:
                problems.append(f"{rule.source}: {problem}")
                continue
            taken = taken if taken is not None else _forms(built_in)
            same = next((f for f in expand(rule.pattern, ALL_FORMS) if f in taken), None)
            if same is not None:  # kept for its other forms; this one is never its own
                problems.append(f"{rule.source}: '{same}' is already the built-in "
                                f"'{taken[same].spoken}' ({taken[same].action}), which is "
                                "heard first.")
            found.append(replace(rule, own=True))
    return tuple(found)


def _forms(rules: tuple[Rule, ...]) -> dict[str, Rule]:
    """Each spoken form ("find <quote>") of the rules, with the first rule that says it."""
    forms: dict[str, Rule] = {}
    for rule in rules:
        for form in expand(rule.pattern, ALL_FORMS):
            forms.setdefault(form, rule)
    return forms


@dataclass
class _Use:
    """How the built-in rules call one action."""

    destructive: bool
    signatures: set[frozenset[str]] = field(default_factory=set)  # parameter names given
    kinds: dict[str, set[str]] = field(default_factory=dict)  # parameter -> slot kinds


def _uses(rules: tuple[Rule, ...]) -> dict[str, _Use]:
    uses: dict[str, _Use] = {}
    for rule in rules:
        use = uses.setdefault(rule.action, _Use(rule.destructive))
        use.signatures.add(frozenset(rule.params) | {name for name, _ in rule.fixed})
        for name, value in rule.fixed:
            use.kinds.setdefault(name, set()).add(_literal_kind(value))
        for sequence in slot_sequences(rule.pattern):
            for name, kind in zip(rule.params, sequence, strict=True):
                use.kinds.setdefault(name, set()).add(kind)
    return uses


def _problem(rule: Rule, uses: dict[str, _Use]) -> str | None:
    """What is wrong with a person's rule, as the rest of one sentence; None when right."""
    use = uses.get(rule.action)
    if use is None:
        close = difflib.get_close_matches(rule.action, list(uses), n=1)
        hint = f"did you mean '{close[0]}'?" if close else "voiceedit help lists the actions."
        return f"there is no action '{rule.action}'; {hint}"
    given = frozenset(rule.params) | {name for name, _ in rule.fixed}
    if given not in use.signatures:
        takes = " or ".join(_names(names) for names in sorted(use.signatures, key=sorted))
        return f"{rule.action} takes {takes}, not {_names(given)}."
    for sequence in slot_sequences(rule.pattern):
        for name, kind in zip(rule.params, sequence, strict=True):
            if kind not in use.kinds[name]:
                return f"{rule.action}'s {name} is said as {_kinds(use.kinds[name])}, not <{kind}>."
    for name, value in rule.fixed:
        if _literal_kind(value) not in {_literal_kind_of_slot(k) for k in use.kinds[name]}:
            return f"{rule.action}'s {name} is said as {_kinds(use.kinds[name])}."
    if rule.destructive != use.destructive:
        if use.destructive:
            return (f"{rule.action} removes material, so its rule needs '!' before the action: "
                    f"'{rule.spoken}: !{rule.call}'.")
        return f"{rule.action} removes nothing, so drop the '!': '{rule.spoken}: {rule.call}'."
    return None


def _names(names: frozenset[str]) -> str:
    ordered = sorted(names)
    if not ordered:
        return "no parameters"
    return ordered[0] if len(ordered) == 1 else f"{', '.join(ordered[:-1])} and {ordered[-1]}"


def _kinds(kinds: set[str]) -> str:
    return " or ".join(kind if kind.startswith("fixed") else f"<{kind}>" for kind in sorted(kinds))


def _literal_kind(value: object) -> str:
    """A fixed argument's kind, compared with the kinds of slot its parameter is said with."""
    if isinstance(value, SpokenTime):
        return "fixed time"
    return "fixed number" if isinstance(value, int) else "fixed words"


def _literal_kind_of_slot(kind: str) -> str:
    if kind.startswith("fixed"):
        return kind
    if kind == "time":
        return "fixed time"
    return "fixed number" if kind in ("number", "ordinal") else "fixed words"


def slot_sequences(pattern: tuple[Element, ...]) -> set[tuple[str, ...]]:
    """The kinds of slot each path through the pattern fills, in spoken order."""
    return set(_sequences(pattern, ()))


def _sequences(pattern: tuple[Element, ...], before: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    found = {before}
    for element in pattern:
        if isinstance(element, Slot):
            found = {sequence + (element.kind,) for sequence in found}
        elif isinstance(element, Choice):
            found = {
                longer
                for sequence in found
                for option in element.options
                for longer in _sequences(option, sequence)
            }
            if len(found) > MAX_SEQUENCES:
                found = set(sorted(found)[:MAX_SEQUENCES])
    yield from found
