"""What the rules can be said as: their concrete spoken forms, their words, and the plain
example of each that help, the vocabulary prompt and suggestions show."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from voiceedit.understand.rules import Choice, Element, Grammar, Rule, Slot, Word


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
        collect_words(rule.pattern, found)
    for kind in {slot.kind for rule in grammar.rules for slot in slots(rule.pattern)}:
        for entry in grammar.slot_list(kind).entries:
            found.update(entry.words)
    return frozenset(found)


def collect_words(pattern: tuple[Element, ...], found: set[str]) -> None:
    """Add every fixed word of `pattern` (in all its choices) to `found`."""
    for element in pattern:
        if isinstance(element, Word):
            found.add(element.text)
        elif isinstance(element, Choice):
            for option in element.options:
                collect_words(option, found)


def slots(pattern: Iterable[Element]) -> Iterator[Slot]:
    """Every slot in the pattern, in any option."""
    for element in pattern:
        if isinstance(element, Slot):
            yield element
        elif isinstance(element, Choice):
            for option in element.options:
                yield from slots(option)


def required_words(pattern: tuple[Element, ...]) -> frozenset[str]:
    """Words every path through the pattern contains (a cheap filter before matching)."""
    found: set[str] = set()
    for element in pattern:
        if isinstance(element, Word):
            found.add(element.text)
        elif isinstance(element, Choice):
            found |= frozenset.intersection(*(required_words(o) for o in element.options))
    return frozenset(found)


# Values put into slots when a rule is said as an example, by slot kind and parameter name
# ("delete from ten seconds to twenty seconds", "shorten ... to half a second").
EXAMPLE_VALUES = {
    "time": {"": "ten seconds", "end": "twenty seconds", "longer": "two seconds",
             "to": "half a second", "amount": "two seconds"},
    "number": {"": "two", "other": "three", "second": "three", "position": "one"},
    "ordinal": {"": "second", "other": "third", "second": "third", "position": "first"},
    "quote": {"": "some words", "last": "other words"},
}  # fmt: skip


# Values for one action's slot where its kind's example would mislead in help (examples.py):
# a speech rate of "two" is refused, and "correct your words to your words" or "call
# speaker two your words" read as nonsense when heard. The recogniser's prompt keeps the
# kinds' own values (`example`): its words were measured so (bench/RESULTS.md).
ACTION_VALUES = {
    ("set_speech_rate", "rate"): "three hundred",
    ("correct", "words"): "the right words",
    ("spell", "letters"): "p a m",
    ("help_search", "words"): "cut",
    ("name_speaker", "name"): "Pam",
    ("add_chapter", "name"): "Introduction",
    ("rename_chapter", "name"): "Introduction",
    ("add_marker", "name"): "applause",
    ("insert_media", "quote"): "intro",
    ("cover_quote", "media"): "skyline",
    ("cover_clip", "media"): "skyline",
    ("cover_range", "media"): "skyline",
    ("describe", "text"): "a woman at a desk",
    ("delete_speaker_words", "who"): "Pam",
}


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
