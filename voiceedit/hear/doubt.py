"""When a reading is sure enough to act on, and when a cut must be read back first.

A wrong cut done unasked is the one failure that must never happen, so a destructive
command is read back (its confidence lowered below the matcher's CONFIRM_BELOW) whenever
the model, the other readings or the project give a reason to doubt it. The greedy pass has
one reading and no rival to doubt it by: what only a rival would show (a number heard two
ways, a quote found only approximately) sends it on to the beam instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from voiceedit.hear.meaning import same_meaning, same_words
from voiceedit.hear.readings import Fit, Hypothesis, Placed, Places, acts, choose, ranked
from voiceedit.hear.recognizer_options import DEFAULT_OPTIONS, RecognizerOptions
from voiceedit.understand.command import Command, Quote, SpokenTime
from voiceedit.understand.matcher import CONFIRM_BELOW, REPAIRED_DESTRUCTIVE
from voiceedit.understand.numbers import number_value

DOUBT_CONFIDENCE = REPAIRED_DESTRUCTIVE  # below the matcher's CONFIRM_BELOW: read back
RIVALS = 5  # the likeliest tokens of each greedy step looked at for other numbers
EXACT = 1.0  # a command's confidence with nothing repaired; a fit with every quote found as said
# Why a cut is read back (doubt_reason), for the benchmark's log and `do --audio --json`.
UNSURE_WORDS, LIKELIER_READING = "unsure words", "another reading likelier"
APPROXIMATE_QUOTE, RIVAL_MEANING = "quote found only approximately", "a rival reading"
REPAIRED, UNSURE_NUMBERS = "repaired", "numbers heard unsurely"
OFFERED_SHARE = 0.1  # another meaning with this share of the readings' weight is offered
OFFERED = 3  # meanings offered at most, the chosen one first


def needs_certainty(command: Command, options: RecognizerOptions = DEFAULT_OPTIONS) -> bool:
    """Whether a command is read back when in doubt: a cut, or an action as final
    (`options.certain`: ending the session)."""
    return command.destructive or command.action in options.certain


def far_fetched(hypothesis: Hypothesis, options: RecognizerOptions = DEFAULT_OPTIONS) -> bool:
    """A grammar search's sentence forced out of other words (`options.far_fetched_below`)
    for a command done unasked: dropped, so "not understood" is heard, not a wrong action.
    A cut is kept: doubted, it is read back, and a question can hold the right meaning."""
    command = hypothesis.command
    return (hypothesis.search == "grammar" and command is not None
            and hypothesis.avg_logprob < options.far_fetched_below
            and not needs_certainty(command, options))


def judged(
    hypotheses: tuple[Hypothesis, ...],
    fit: Fit | None = None,
    options: RecognizerOptions = DEFAULT_OPTIONS,
    first: tuple[Hypothesis, ...] = (),
    places: Places | None = None,
    agreement: bool = False,
    early: bool = False,
) -> tuple[int, Command | None, str]:
    """The reading chosen, its command as the session gets it, and why it is doubted ("":
    not). A cut's confidence is lowered below CONFIRM_BELOW when in doubt, unless the greedy
    pass and the beam agreed on it word for word (`agreement`), and raised to be done when a
    cut the grammar repaired is sure by its meaning ("Trim the start on clip two"). `early`:
    decided after the first beam, on `options.early`."""
    chosen = choose(hypotheses, fit, options)
    command = hypotheses[chosen].command
    rule = options.early if early else options
    why = None if agreement else why_doubted(hypotheses, chosen, fit, rule, first, places)
    if command is not None and why is not None and needs_certainty(command, options):
        command = replace(command, confidence=min(command.confidence, DOUBT_CONFIDENCE))
    elif command is not None and command.destructive and options.by_meaning:
        command = replace(command, confidence=max(command.confidence, CONFIRM_BELOW))
    return chosen, command, why or ""


def is_sure(
    hypotheses: tuple[Hypothesis, ...],
    fit: Fit | None,
    options: RecognizerOptions = DEFAULT_OPTIONS,
    greedy: bool = False,
    others: tuple[Hypothesis, ...] = (),
    places: Places | None = None,
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
        hypotheses, chosen, fit, options, others, places
    )


def in_doubt(hypotheses: tuple[Hypothesis, ...], chosen: int, fit: Fit | None = None,
             options: RecognizerOptions = DEFAULT_OPTIONS,
             others: tuple[Hypothesis, ...] = (), places: Places | None = None) -> bool:
    """Whether a command should be read back or asked about although its words fit the
    grammar (why_doubted says why)."""
    return why_doubted(hypotheses, chosen, fit, options, others, places) is not None


def why_doubted(hypotheses: tuple[Hypothesis, ...], chosen: int, fit: Fit | None = None,
                options: RecognizerOptions = DEFAULT_OPTIONS,
                others: tuple[Hypothesis, ...] = (), places: Places | None = None) -> str | None:
    """Why a cut is read back (doubt_reason) or another command asked about (split_reason);
    None: neither."""
    return (doubt_reason(hypotheses, chosen, fit, options, others, places)
            or split_reason(hypotheses, chosen, fit, options, others, places))


def doubt_reason(
    hypotheses: tuple[Hypothesis, ...],
    chosen: int,
    fit: Fit | None = None,
    options: RecognizerOptions = DEFAULT_OPTIONS,
    others: tuple[Hypothesis, ...] = (),
    places: Places | None = None,
) -> str | None:
    """Why a destructive command should be read back, None when there is no reason.

    What must be sure is the meaning, not every word: a cut is done at once when the
    readings the grammar understands (these and `others`: the greedy pass's) give most of
    their probability to its meaning (readings whose quotes the project finds in the same
    `places` mean the same), its surest reading was not a guess, nothing was heard far
    likelier than the chosen reading, its quotes are found word for word and its numbers
    were heard surely. So "Trim the start on clip two by two seconds", heard so by every
    search, is done; "keep from sixty seconds" with "fifteen" close behind is read back
    (bench/RESULTS.md, "fewer questions"). `options.by_meaning=False` is the rule before,
    for the benchmark."""
    command = hypotheses[chosen].command
    if command is None or not needs_certainty(command, options):
        return None
    if not command.destructive and command.confidence < EXACT:
        return REPAIRED  # the grammar caps a repaired cut itself, not other actions
    if not options.by_meaning:
        return _reason_before(hypotheses, chosen, fit, options)
    heard = hypotheses[chosen]
    if command.meaning_repaired or command.confidence < options.repaired_from:
        return REPAIRED  # what it cuts was repaired, a sentence after it dropped, or too much
    readings = ranked(hypotheses + others)
    places = _remembered(places)
    if surest_reading(heard, readings, fit, options, places) < options.guess_below:
        return UNSURE_WORDS
    if max(h.avg_logprob for h in readings) - heard.avg_logprob >= options.likelier_far:
        return LIKELIER_READING  # the chosen words far below what the model heard
    if fit is not None and fit(command) < options.exact_fit:
        return APPROXIMATE_QUOTE
    if not numbers_heard(command, hypotheses + others, options, places):
        return UNSURE_NUMBERS
    if meaning_share(readings, command, fit, places, options.guess_below) < options.meaning_share:
        return RIVAL_MEANING
    return None


def other_meanings(readings: tuple[Hypothesis, ...], command: Command, fit: Fit | None = None,
                   places: Places | None = None,
                   options: RecognizerOptions = DEFAULT_OPTIONS) -> tuple[Command, ...]:
    """The other meanings a doubted command is offered beside, likeliest first: those the
    project can act on as said (quotes found word for word) with `OFFERED_SHARE` of the weight
    of the readings that could be meant (as `meaning_share` weighs them), each as its best
    reading's command; none never asked about (`options.never_asked`: an answer would answer
    the question itself). Asked "1, delete from 1:00 to 2:00, or 2, from 1:30 to 2:00?", a
    person who speaks with effort says "two" rather than "no" and the whole command again."""
    return tuple(group[choose(tuple(group), fit, options)].command
                 for share, group in rival_meanings(readings, command, fit, places, options)
                 if share >= OFFERED_SHARE)[: OFFERED - 1]


def rival_meanings(readings: tuple[Hypothesis, ...], command: Command, fit: Fit | None = None,
                   places: Places | None = None, options: RecognizerOptions = DEFAULT_OPTIONS
                   ) -> list[tuple[float, list[Hypothesis]]]:
    """The meanings other than `command` that the readings could be meant as, each with its
    share of their weight (as `meaning_share` weighs them) and its readings, largest first.
    Left out: one whose quote is found only approximately (a question of its own), and one
    never asked about (`options.never_asked`)."""
    places = _remembered(places)
    rivals = could_be_meant(readings, command, fit, options.guess_below)
    if not rivals:
        return []
    top = max(h.logprob for h in rivals)
    total = sum(math.exp(h.logprob - top) for h in rivals)
    groups: list[list[Hypothesis]] = []
    for reading in rivals:
        if (fit is not None and fit(reading.command) < options.exact_fit) or same_meaning(
                reading.command, command, places):
            continue
        group = next((g for g in groups if same_meaning(g[0].command, reading.command, places)),
                     None)
        if group is None:
            groups.append([reading])
        else:
            group.append(reading)
    shares = [(sum(math.exp(h.logprob - top) for h in group) / total, group) for group in groups
              if group[0].command.action not in options.never_asked]
    return sorted(shares, key=lambda s: -s[0])


def split_reason(hypotheses: tuple[Hypothesis, ...], chosen: int, fit: Fit | None = None,
                 options: RecognizerOptions = DEFAULT_OPTIONS, others: tuple[Hypothesis, ...] = (),
                 places: Places | None = None) -> str | None:
    """Why a command that removes nothing is asked rather than done: another meaning holds
    `options.rival_asks` of the readings' weight. Done, the wrong one of two ("Go to one
    minute." for "one minute twelve", "Speak slower." for "be verbose") costs a person who
    speaks with effort the command again, and a blind editor the place they were at; asked,
    "two" is one word."""
    command = hypotheses[chosen].command
    if (command is None or needs_certainty(command, options) or not options.by_meaning
            or command.action in options.never_asked or options.rival_asks >= 1):
        return None
    rivals = rival_meanings(ranked(hypotheses + others), command, fit, places, options)
    return RIVAL_MEANING if rivals and rivals[0][0] >= options.rival_asks else None


def surest_reading(heard: Hypothesis, readings: tuple[Hypothesis, ...], fit: Fit | None = None,
                   options: RecognizerOptions = DEFAULT_OPTIONS,
                   places: Places | None = None) -> float:
    """The best mean log probability of the chosen reading and of those meaning the same cut
    with their quotes found word for word: the grammar search's sentence may read as a guess
    where the free beam heard the same cut surely in other words ("Get rid of the arms." for
    "the ums"). A quote found only approximately is no such witness."""
    command = heard.command
    witnesses = [h.avg_logprob for h in readings
                 if h.command is not None and same_meaning(h.command, command, places)
                 and (fit is None or fit(h.command) >= options.exact_fit)]
    return max([heard.avg_logprob, *witnesses])


def _remembered(places: Places | None) -> Places | None:
    """`places`, asked once per action and quote words: every reading is compared with the
    chosen one, and each question is a search of the transcript."""
    if places is None:
        return None
    asked: dict[tuple, Placed] = {}

    def placed(command: Command) -> Placed:
        key = (command.action, tuple((name, value.text) for name, value in command.args.items()
                                     if isinstance(value, Quote)))
        if key not in asked:
            asked[key] = places(command)
        return asked[key]

    return placed


def numbers_heard(command: Command, readings: tuple[Hypothesis, ...],
                  options: RecognizerOptions = DEFAULT_OPTIONS,
                  places: Places | None = None) -> bool:
    """Whether no greedy reading meaning the same cut wrote its numbers with less than
    `numbers_doubted` (readings are not merged by text here: the greedy one carries the
    certainty), and, with `numbers_by_greedy`, whether one did hear this cut's numbers."""
    alike = [h for h in readings
             if h.command is not None and same_meaning(h.command, command, places)]
    if any(h.numbers_sure < options.numbers_doubted for h in alike):
        return False
    if options.numbers_by_greedy and says_number(command):
        return any(h.search == "greedy" for h in alike)
    return True


def meaning_share(readings: tuple[Hypothesis, ...], command: Command,
                  fit: Fit | None = None, places: Places | None = None,
                  guess_below: float = -math.inf) -> float:
    """The share of the probability of the readings that could be meant which goes to those
    meaning `command` (quotes found in the same `places`, or alike enough, count as one
    meaning). A reading of the same action counts though the project cannot act on it: "one
    minute to one minute", a range of no length, says the numbers were not heard surely. One
    of another action the project cannot act on does not ("get rid of the verbs" quotes
    words the interview lacks, against "get rid of the ums"), nor one of another action the
    model was guessing at (below `guess_below`): the grammar search's "Correct." or "Go to
    sleep." for three seconds of speech weighs much only because it is short. Each search's
    readings are weighed on its own scores (the grammar search reads with a shorter prompt,
    without timestamps): close, not equal, and the thresholds were measured so
    (bench/RESULTS.md)."""
    rivals = could_be_meant(readings, command, fit, guess_below)
    if not rivals:
        return 0.0
    top = max(h.logprob for h in rivals)
    weights = [math.exp(h.logprob - top) for h in rivals]
    agreeing = sum(w for w, h in zip(weights, rivals, strict=True)
                   if same_meaning(h.command, command, places))
    return agreeing / sum(weights)


def could_be_meant(readings: tuple[Hypothesis, ...], command: Command, fit: Fit | None,
                   guess_below: float) -> list[Hypothesis]:
    """The readings weighed against `command` (meaning_share says which and why)."""
    return [h for h in readings if h.command is not None and (
        h.command.action == command.action
        or ((fit is None or fit(h.command) > 0) and h.avg_logprob >= guess_below))]


def _reason_before(
    hypotheses: tuple[Hypothesis, ...],
    chosen: int,
    fit: Fit | None,
    options: RecognizerOptions,
) -> str | None:
    """The rule before issue 17: any rival reading near the chosen one in the grammar's
    confidence, or a chosen reading below `unsure_logprob`, is a reason."""
    command = hypotheses[chosen].command
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
