"""What the recogniser heard: readings of one utterance, and which of them to act on.

Several searches (greedy, Whisper's beam, the search within the grammar) each give readings;
they compete on the same terms, so the model's own probabilities, the grammar and the
project each have their say (docs/design.md, "Hearing commands").
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from voiceedit.hear.recognizer_options import DEFAULT_OPTIONS, RecognizerOptions
from voiceedit.understand.command import Command

Grammar = Callable[[str], Command]  # text -> Command; raises VoiceEditError when not understood
# How well the project can act on a command: 0 not at all (a quote is nowhere in the
# transcript), 1 exactly (no quote, or every quote found word for word), between: a quote
# found only approximately.
Fit = Callable[[Command], float]
# Where the project finds a command's quotes (actions/fit.places): quote parameter -> its
# places; None when it has none to find, or one is nowhere. Two readings whose quotes are
# found in the same places cut the same words, however differently they were heard.
Placed = Mapping[str, object] | None
Places = Callable[[Command], Placed]
# The word runs a quote may be taken from (the timeline's words, media names), normalised as
# grammar.words does; the same object while the project is unchanged, so the fence is reused.
Phrases = Callable[[], Sequence[Sequence[str]]]
# The actions that would do nothing now whatever was said (an answer while no question
# waits): the search within the grammar leaves them out, so noise is not forced into them.
Idle = Callable[[], frozenset[str]]


@dataclass(frozen=True)
class Timings:
    """Where the time went, in milliseconds."""

    features: float
    encode: float
    decode: float

    @property
    def total(self) -> float:
        return self.features + self.encode + self.decode

    def decoded_since(self, started: float) -> Timings:
        """These timings with the decoding since `started` (time.perf_counter) added."""
        return replace(self, decode=self.decode + 1000 * (time.perf_counter() - started))


@dataclass(frozen=True)
class Hypothesis:
    text: str
    avg_logprob: float  # mean log probability per token, as faster-whisper reports it
    command: Command | None = None  # what the grammar makes of it; None: not understood
    # "greedy": the greedy first pass; "free": Whisper's own beam search; "grammar": the
    # search within the grammar.
    search: str = "free"
    # How sure the greedy pass was of the numbers it wrote (number_certainty); 1.0 otherwise.
    numbers_sure: float = 1.0
    # Tokens the mean log probability is taken over (the end of text counted); 0: unknown,
    # estimated from the words when readings are weighed against each other.
    tokens: int = 0

    @property
    def logprob(self) -> float:
        """The whole reading's log probability: how readings of different lengths compare."""
        tokens = self.tokens or len(self.text.split()) + 3  # words, about a token each, + ends
        return self.avg_logprob * tokens


@dataclass(frozen=True)
class Heard:
    """What was recognised in one utterance."""

    text: str  # the chosen hypothesis ("Delete from one minute thirty to two minutes.")
    avg_logprob: float  # the chosen hypothesis's
    alternatives: tuple[Hypothesis, ...]  # n-best in the model's order, best score first
    timings: Timings
    frames: int  # the encoder window used, in feature frames (100 a second)
    # The chosen hypothesis's command, its confidence lowered below the matcher's
    # CONFIRM_BELOW when a destructive command is in doubt; None: no hypothesis understood.
    command: Command | None = None
    greedy: Hypothesis | None = None  # the greedy pass's reading, when it ran and was whole
    beam: tuple[Hypothesis, ...] = ()  # the first beam's readings, when it ran
    # Why the chosen command is asked about (doubt.doubt_reason for a cut, split_reason for
    # another heard as two meanings alike); "": not doubted.
    doubt: str = ""
    agreed: bool = False  # greedy and beam heard it word for word alike: done at once
    # Other meanings a doubted command is asked beside, likeliest first (doubt.other_meanings)
    meanings: tuple[Command, ...] = ()

    @property
    def search(self) -> str:
        """Which search found the chosen hypothesis ("greedy", "free" or "grammar")."""
        return next((h.search for h in self.alternatives if h.text == self.text), "free")

    @property
    def confidence(self) -> float:
        """exp(avg_logprob): 1 when the model had no doubt about any token."""
        return math.exp(self.avg_logprob)


def ranked(hypotheses: tuple[Hypothesis, ...]) -> tuple[Hypothesis, ...]:
    """One hypothesis per text (the likelier), best mean log probability first: the model's
    order, over readings from several searches."""
    best: dict[str, Hypothesis] = {}
    for hypothesis in hypotheses:
        kept = best.get(hypothesis.text)
        if kept is None or hypothesis.avg_logprob > kept.avg_logprob:
            best[hypothesis.text] = hypothesis
    return tuple(sorted(best.values(), key=lambda h: h.avg_logprob, reverse=True))


def choose(
    hypotheses: tuple[Hypothesis, ...],
    fit: Fit | None = None,
    options: RecognizerOptions = DEFAULT_OPTIONS,
) -> int:
    """The likeliest command among the hypotheses the project can act on, else among all
    understood; the model's order decides ties, and when nothing is understood.

    Likeliest is a log-linear score: how sure the model was of the words (mean log
    probability), how well the grammar explains them (log of the command's confidence), and
    how well the project finds its quotes (`fit_weight` x log of `fit`). So an exact
    sentence forced out of noise by the grammar search loses to a likelier free reading that
    needed a small repair ("And do that." for undo)."""

    def rank(hypothesis: Hypothesis) -> tuple[bool, bool, float]:
        command = hypothesis.command
        if command is None:
            return (False, False, 0.0)
        found = fit(command) if fit is not None else 1.0
        score = hypothesis.avg_logprob + _log(command.confidence) + options.fit_weight * _log(found)
        return (True, found > 0, score)

    ranks = [rank(hypothesis) for hypothesis in hypotheses]
    return ranks.index(max(ranks))  # the first of the best: the model's order breaks ties


def acts(hypothesis: Hypothesis, fit: Fit | None) -> bool:
    """Understood, and something the project can act on (when we know the project)."""
    command = hypothesis.command
    return command is not None and (fit is None or fit(command) > 0)


def _log(value: float) -> float:
    return math.log(value) if value > 0 else -math.inf
