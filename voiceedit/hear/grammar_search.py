"""The search within the grammar as the command recogniser runs it: fenced by what the
project can say now, and started beside the free beam on the core that beam leaves free.

A command the greedy pass is unsure of is searched two ways over one encoding: a wide free
beam (CTranslate2, one thread) and the search within the grammar (hear/constrained_decoder.py,
PyTorch). Started together, neither waits for the other: the beam's best readings are judged
first, and the search is stopped when they are sure. docs/design.md ("Hearing commands").
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from threading import Event
from typing import TYPE_CHECKING

import numpy as np

from voiceedit.errors import VoiceEditError
from voiceedit.hear.models import ModelInfo
from voiceedit.understand.continuation import Continuations
from voiceedit.understand.grammar import Grammar, load_grammar

if TYPE_CHECKING:
    from voiceedit.hear.constrained_decoder import ConstrainedDecoder, Decoded


def constrained_decoder(model: ModelInfo, start: list[int], pieces: list[str], eot: int,
                        threads: int) -> ConstrainedDecoder | None:
    """The search's decoder, or None where PyTorch or openai-whisper is missing (the wide
    free beam then stands in)."""
    try:
        from voiceedit.hear.constrained_decoder import ConstrainedDecoder

        return ConstrainedDecoder(model, start, pieces, eot, threads)
    except (ImportError, VoiceEditError):
        return None


class Fences:
    """The grammar as a fence for the search: quotes limited to the project's words when
    they are known, without the actions that would do nothing now. One is built per set of
    idle actions and kept while the project's words and the grammar stay the same objects."""

    def __init__(self) -> None:
        self._built: tuple[object, Grammar | None, dict[frozenset[str], Continuations]] = (
            None, None, {})

    def fence(self, phrases: object, idle: frozenset[str]) -> Continuations:
        grammar = load_grammar()  # with the person's own rules
        if self._built[0] is not phrases or self._built[1] is not grammar:
            self._built = (phrases, grammar, {})
        fences = self._built[2]
        if idle not in fences:
            rules = tuple(rule for rule in grammar.rules if rule.action not in idle)
            fences[idle] = Continuations(replace(grammar, rules=rules), phrases)
        return fences[idle]


@dataclass(frozen=True)
class SearchBeside:
    """A search under way on another thread; `stop` ends it at its next step."""

    future: Future
    stop: Event

    def found(self) -> list[Decoded]:
        return self.future.result()

    def cancel(self) -> None:
        """Not needed: dropped if not started, else ended at its next step."""
        self.stop.set()
        self.future.cancel()


class SearchThread:
    """The one thread a recogniser's searches run on beside its free beam. A search stopped
    early ends within a decoder step, before the next is started. Used by one caller thread
    at a time, as the recogniser is."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None

    def start(self, search: Callable[..., list[Decoded]], encoded: np.ndarray,
              fence: Continuations, beams: int, max_tokens: int) -> SearchBeside:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="grammar-search")
        stop = Event()
        return SearchBeside(self._pool.submit(search, encoded, fence, beams, max_tokens, stop),
                            stop)
