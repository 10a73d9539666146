"""When two commands mean the same: the same action and arguments, their quotes the same
words or, with the project at hand, found in the same places. The doubt rule (doubt.py)
weighs readings by meaning with these; split from it to keep each module to one job.
"""

from __future__ import annotations

from collections.abc import Callable

from rapidfuzz import fuzz

from voiceedit.hear.readings import Places
from voiceedit.hear.whisper_text import bare
from voiceedit.understand.command import Command, Quote

QUOTE_ALIKE = 80  # rapidfuzz ratio from which two quotes find the same words


def same_words(first: Command, second: Command) -> bool:
    """Same action and arguments, quotes the same words (letter case and punctuation aside)."""
    return _same_command(first, second,
                         lambda _, one, other: bare(one.text) == bare(other.text))


def _same_command(first: Command, second: Command,
                  alike: Callable[[str, Quote, Quote], bool]) -> bool:
    """Same action and arguments, each pair of quotes `alike` (given the parameter's name)."""
    if first.action != second.action or first.args.keys() != second.args.keys():
        return False
    for name, value in first.args.items():
        other = second.args[name]
        if isinstance(value, Quote) and isinstance(other, Quote):
            if not alike(name, value, other):
                return False
        elif value != other:
            return False
    return True


def same_meaning(first: Command, second: Command, places: Places | None = None) -> bool:
    """Same action and arguments; each pair of quotes found in the same places of the project
    (`places`: they cut the same words), or, where it cannot say, alike enough to."""
    found: dict[str, bool] = {}
    if places is not None and _same_command(first, second, lambda *_: True):
        where, other = places(first), places(second)
        if where is not None and other is not None:
            found = {name: where[name] == other[name] for name in where.keys() & other.keys()}

    def alike(name: str, one: Quote, two: Quote) -> bool:
        if name in found:
            return found[name]
        return fuzz.ratio(bare(one.text), bare(two.text)) >= QUOTE_ALIKE

    return _same_command(first, second, alike)
