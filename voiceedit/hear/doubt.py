"""When a reading is sure enough to act on, and when a cut must be read back first.

A wrong cut done unasked is the one failure that must never happen, so a destructive
command is read back (its confidence lowered below the matcher's CONFIRM_BELOW) whenever
the model, the other readings or the project give a reason to doubt it. The greedy pass has
one reading and no rival to doubt it by: what only a rival would show (a number heard two
ways, a quote found only approximately) sends it on to the beam instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from rapidfuzz import fuzz

from voiceedit.hear.readings import Fit, Hypothesis, acts, choose
from voiceedit.hear.recognizer_options import DEFAULT_OPTIONS, RecognizerOptions
from voiceedit.hear.whisper_text import bare
from voiceedit.understand.command import Command, Quote, SpokenTime
from voiceedit.understand.matcher import CONFIRM_BELOW, REPAIRED_DESTRUCTIVE
from voiceedit.understand.numbers import number_value

DOUBT_CONFIDENCE = REPAIRED_DESTRUCTIVE  # below the matcher's CONFIRM_BELOW: read back
QUOTE_ALIKE = 80  # rapidfuzz ratio from which two quotes find the same words
RIVALS = 5  # the likeliest tokens of each greedy step looked at for other numbers
EXACT = 1.0  # a command's confidence with nothing repaired; a fit with every quote found as said
# Why a cut is read back (doubt_reason), for the benchmark's log and `do --audio --json`.
UNSURE_WORDS, LIKELIER_READING = "unsure words", "another reading likelier"
APPROXIMATE_QUOTE, RIVAL_MEANING = "quote found only approximately", "a rival reading"
REPAIRED = "repaired"


def needs_certainty(command: Command, options: RecognizerOptions = DEFAULT_OPTIONS) -> bool:
    """Whether a command is read back when in doubt: a cut, or an action as final
    (`options.certain`: ending the session)."""
    return command.destructive or command.action in options.certain


def is_sure(
    hypotheses: tuple[Hypothesis, ...],
    fit: Fit | None,
    options: RecognizerOptions = DEFAULT_OPTIONS,
    greedy: bool = False,
) -> bool:
    """A command the project can act on, heard with confidence, and no rival reading.

    `greedy`: the one reading of a greedy pass, which must not need a rival to be doubted:
    no destructive command with a number the model was unsure of, no quote found only
    approximately, and no cut that would be read back (the beam often hears it exactly)."""
    if not any(acts(h, fit) for h in hypotheses):
        return False
    chosen = choose(hypotheses, fit, options)
    best = hypotheses[chosen]
    if greedy and best.command.destructive and best.numbers_sure < options.number_sure:
        return False
    if greedy and best.command.destructive and best.command.confidence < CONFIRM_BELOW:
        return False  # a cut it would read back: the beam may hear it as said
    if greedy and needs_certainty(best.command, options) and best.command.confidence < EXACT:
        return False
    if greedy and fit is not None and fit(best.command) < options.exact_fit:
        return False
    return best.avg_logprob >= options.sure_from and not in_doubt(
        hypotheses, chosen, fit, options
    )


def in_doubt(
    hypotheses: tuple[Hypothesis, ...],
    chosen: int,
    fit: Fit | None = None,
    options: RecognizerOptions = DEFAULT_OPTIONS,
) -> bool:
    """Whether a destructive command should be read back although its words fit the grammar
    (doubt_reason says why)."""
    return doubt_reason(hypotheses, chosen, fit, options) is not None


def doubt_reason(
    hypotheses: tuple[Hypothesis, ...],
    chosen: int,
    fit: Fit | None = None,
    options: RecognizerOptions = DEFAULT_OPTIONS,
) -> str | None:
    """Why a destructive command should be read back although its words fit the grammar,
    None when there is no reason: the model was unsure of the words, another reading was
    likelier, its quote is found only approximately, or another hypothesis the project could
    act on means something else ("keep from sixty seconds" / "keep from fifteen seconds")."""
    command = hypotheses[chosen].command
    if command is None or not needs_certainty(command, options):
        return None
    if not command.destructive and command.confidence < EXACT:
        return REPAIRED  # the grammar caps a repaired cut itself, not other actions
    likeliest = max(h.avg_logprob for h in hypotheses)
    if hypotheses[chosen].avg_logprob < options.unsure_logprob:
        return UNSURE_WORDS
    if likeliest - hypotheses[chosen].avg_logprob >= options.likelier_by:
        return LIKELIER_READING  # the model heard another reading likelier than this one
    if fit is not None and fit(command) < options.exact_fit:
        return APPROXIMATE_QUOTE
    rival = any(
        other.command is not None
        and other.command.confidence >= command.confidence - options.doubt_margin
        and acts(other, fit)
        and not same_meaning(other.command, command)
        for other in hypotheses
    )
    return RIVAL_MEANING if rival else None


def agreed(
    first: Hypothesis | None,
    beam: tuple[Hypothesis, ...],
    fit: Fit | None = None,
    options: RecognizerOptions = DEFAULT_OPTIONS,
) -> bool:
    """Whether the greedy reading and the beam's choice are the same command, each heard
    word for word as the grammar has it: nothing repaired in either, the same quote words
    found exactly in the project, the greedy pass sure of its numbers. Two searches hearing
    one exact sentence is what a rival reading's doubt is for: such a command is done at
    once, whatever else the beam offered (bench/RESULTS.md, "fewer questions")."""
    if first is None or first.command is None or not beam or not options.agreement:
        return False
    best = beam[choose(beam, fit, options)]
    heard = (first.command, best.command)
    if heard[1] is None or not same_words(*heard):
        return False
    if min(command.confidence for command in heard) < EXACT:
        return False  # a repaired word, or a quote that sounds like a command
    if fit is not None and min(fit(command) for command in heard) < EXACT:
        return False  # a quote found only approximately, or nowhere
    if fit is None and any(isinstance(v, Quote) for v in heard[1].args.values()):
        return False  # no project to find the quote in: any words fit "cut <quote>"
    if first.numbers_sure < options.agreed_number_sure:
        return False
    return min(first.avg_logprob, best.avg_logprob) >= options.agreed_from


def same_words(first: Command, second: Command) -> bool:
    """Same action and arguments, quotes the same words (letter case and punctuation aside)."""
    return _same_command(first, second, lambda one, other: one == other)


def _same_command(first: Command, second: Command, alike: Callable[[str, str], bool]) -> bool:
    """Same action and arguments, each pair of quotes `alike` (as bare words)."""
    if first.action != second.action or first.args.keys() != second.args.keys():
        return False
    for name, value in first.args.items():
        other = second.args[name]
        if isinstance(value, Quote) and isinstance(other, Quote):
            if not alike(bare(value.text), bare(other.text)):
                return False
        elif value != other:
            return False
    return True


def says_number(command: Command) -> bool:
    """Whether a command has a number or a time in figures ("clip three", "ten seconds"), not
    only anchors ("the start") and quotes."""
    return any(
        isinstance(value, int) or (isinstance(value, SpokenTime) and value.anchor == "absolute")
        for value in command.args.values()
    )


def number_certainty(
    ids: Sequence[int],
    step_logits: Sequence[object],
    token_text: Callable[[int], str],
    options: RecognizerOptions = DEFAULT_OPTIONS,
) -> float:
    """How sure a greedy reading is of its numbers: the least probability it wrote a number
    word with (other spellings of the same number counted with it: " ten" and " 10"), and,
    at a step that wrote no number, one less the weight of the numbers it could have written
    there instead when that is `number_rival` or more ("seconds" against "two"). 1.0 when no
    number was written or near. `step_logits[i]` is the distribution `ids[i]` was taken from."""
    least = 1.0
    for token, logits in zip(ids, step_logits, strict=False):
        scores = np.asarray(logits, dtype=np.float32).ravel()
        probabilities = np.exp(scores - scores.max())
        probabilities /= probabilities.sum()
        likeliest = np.argpartition(-probabilities, RIVALS)[:RIVALS]
        rivals = [
            (number_value(token_text(int(other))), float(probabilities[other]))
            for other in likeliest
            if other != token
        ]
        value = number_value(token_text(token))
        if value is not None:
            same = sum(weight for other, weight in rivals if other == value)
            least = min(least, float(probabilities[token]) + same)
        else:
            other_numbers = sum(weight for other, weight in rivals if other is not None)
            if other_numbers >= options.number_rival:
                least = min(least, 1.0 - other_numbers)
    return least


def same_meaning(first: Command, second: Command) -> bool:
    """Same action and arguments; quotes alike enough to find the same words."""
    return _same_command(first, second,
                         lambda one, other: fuzz.ratio(one, other) >= QUOTE_ALIKE)
