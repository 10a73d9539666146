"""Whether a heard command is final: nobody saying it could still be in the middle of it, so
the live loop may act without waiting out the pause after speech."""

from __future__ import annotations

from collections.abc import Sequence

from voiceedit.understand.forms import slots
from voiceedit.understand.rules import Grammar, Rule
from voiceedit.understand.walker import after_words, elements, may_end, position


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
    go on "to for you").
    """
    said = tuple(said)
    ends = [
        last for rest, last in after_words(position(rule.pattern), said, grammar) if may_end(rest)
    ]
    still_open = ("time",) if quote_closed else ("quote", "time")
    if not ends or any(last in still_open for last in ends):
        return False
    for other in grammar.rules:
        same = other.action == rule.action and other.fixed == rule.fixed
        for rest, last in after_words(position(other.pattern), said, grammar):
            still_quoting = last == "quote" and not quote_closed
            goes_on = not may_end(rest)
            if not still_quoting and goes_on and not (same and not any(slots(elements(rest)))):
                return False
    return True
