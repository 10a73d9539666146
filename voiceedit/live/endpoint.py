"""When an utterance may end early: a whole, sure command that nothing could continue.

Grammar-aware endpointing, as Talon and voice assistants do: a final command is acted on
after a short pause instead of the full hangover. A command that could go on ("play" before
"from one minute", a quote mid-sentence) waits out the hangover (why, and the risk taken:
docs/design.md, "The live session").
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

from voiceedit.understand.command import Command
from voiceedit.understand.grammar import Grammar, is_final, words
from voiceedit.understand.matcher import CONFIRM_BELOW

# An early result ends the utterance only if the model was sure of its words: Whisper
# finishes audio cut off mid-command from its prompt, less surely than whole commands.
EARLY_END_LOGPROB = -0.25


def is_final_command(
    heard: object, grammar: Grammar, quote_ends_sentence: Callable[[Command], bool] | None = None
) -> bool:
    """Whether what the recogniser heard is a command to act on without waiting for more
    speech: understood, sure enough not to be asked about, heard surely (EARLY_END_LOGPROB),
    and final by the grammar (nothing could continue its words). A quote could always go on,
    unless `quote_ends_sentence` (the session's) says it ends where a sentence of the
    transcript ends. Heard without a command (a fake's plain text) never is."""
    command: Command | None = getattr(heard, "command", None)
    if command is None or command.confidence < CONFIRM_BELOW or getattr(heard, "meanings", ()):
        return False  # read back, or heard as two meanings: more speech may settle it
    if getattr(heard, "avg_logprob", -math.inf) < EARLY_END_LOGPROB:
        return False
    rule = next(
        (r for r in grammar.rules if r.spoken == command.rule and r.action == command.action),
        None,
    )
    # The rule's own words when the matcher repaired what was heard ("and do that" is "undo
    # that"): a command heard a little wrong but surely understood ends as soon as one heard
    # right.
    said = words(command.meant or command.heard)
    if rule is None:
        return False
    if is_final(said, rule, grammar):
        return True
    closed = quote_ends_sentence is not None and quote_ends_sentence(command)
    return closed and is_final(said, rule, grammar, quote_closed=True)


class PushToTalk:
    """Armed by a key press (from any thread); the next utterance is taken, then disarmed."""

    def __init__(self) -> None:
        self._armed = threading.Event()

    def press(self) -> None:
        self._armed.set()

    @property
    def armed(self) -> bool:
        return self._armed.is_set()

    def take(self) -> bool:
        if self._armed.is_set():
            self._armed.clear()
            return True
        return False
