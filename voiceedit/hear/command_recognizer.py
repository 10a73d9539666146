"""Recognise one short spoken command, fast: Whisper below its 30 s window, guided by the grammar.

Plain faster-whisper pads every command to Whisper's 30 s window; CTranslate2's encoder
accepts shorter inputs, and the cost falls with the window. The recogniser encodes the
speech plus a silent margin once, then reads it as cheaply as it can be sure of: the
model's one greedy reading when clear; else a wide beam, whose best readings the grammar
and the project choose among, with a search within the grammar over the same encoding on
the other core (hear/grammar_search.py), waited for only when the beam is unsure. A cut in
doubt is read back rather than done. docs/design.md ("Hearing commands") has the reasons
and the measurements; `RecognizerOptions` the settings.

The model stays loaded: build one `CommandRecognizer` and call `recognise` per utterance.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from threading import Event
from typing import TYPE_CHECKING

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.feature_extractor import FeatureExtractor
from faster_whisper.tokenizer import Tokenizer

from voiceedit.errors import VoiceEditError
from voiceedit.hear.audio import HOP, MAX_FRAMES, SAMPLE_RATE, padded
from voiceedit.hear.doubt import (
    agreed,
    far_fetched,
    is_sure,
    judged,
    number_certainty,
    other_meanings,
    says_number,
)
from voiceedit.hear.grammar_search import (
    Fences,
    SearchBeside,
    SearchThread,
    constrained_decoder,
)
from voiceedit.hear.models import one_blas_thread, resolve_model
from voiceedit.hear.readings import (
    Fit,
    Grammar,
    Heard,
    Hypothesis,
    Idle,
    Phrases,
    Places,
    Timings,
    acts,
    ranked,
)
from voiceedit.hear.recognizer_options import DEFAULT_OPTIONS, RecognizerOptions
from voiceedit.hear.whisper_text import drop_repeats, shortened
from voiceedit.understand.continuation import Continuations
from voiceedit.understand.matcher import understand

if TYPE_CHECKING:
    from voiceedit.hear.constrained_decoder import ConstrainedDecoder, Decoded

Search = tuple[tuple[Hypothesis, ...], Timings]  # readings, and the time spent so far


class CommandRecognizer:
    """A warm Whisper model that turns one utterance (float32, 16 kHz, mono) into text.

    `grammar` picks among the readings and judges doubt; `grammar=None` keeps the model's
    best and matches nothing. `Heard.command` is the command to apply (its confidence
    already says whether to ask). `fit`, when set (the session sets it to its own quote
    lookup), ranks the readings the project can act on above those it can't, and doubts a
    cut found only approximately. `phrases`, when set, are what a quote may say in the
    search within the grammar (any words when not set). `places`, when set, says where the
    project finds a reading's quotes: readings found in the same places are one meaning.
    `idle`, when set, names the actions that would do nothing now (an answer while no
    question waits): the search within the grammar leaves them out. `prompt_of`, when set,
    gives the prompt for each utterance: the project's names after a correction.
    """

    def __init__(
        self,
        model: str = "tiny.en",
        options: RecognizerOptions = DEFAULT_OPTIONS,
        *,
        grammar: Grammar | None = understand,
        fit: Fit | None = None,
        phrases: Phrases | None = None,
        places: Places | None = None,
        idle: Idle | None = None,
        prompt_of: Callable[[], str] | None = None,
    ) -> None:
        info = resolve_model(model)
        self.name = info.name
        self.options = options
        one_blas_thread()
        self.whisper = WhisperModel(str(info.path), device="cpu",
                                    compute_type=options.compute_type,
                                    cpu_threads=options.cpu_threads)
        self.tokenizer = Tokenizer(self.whisper.hf_tokenizer, self.whisper.model.is_multilingual,
                                   task="transcribe", language="en")
        self.features = FeatureExtractor(feature_size=self.whisper.model.n_mels)
        self.decoder = self.whisper.model
        if options.decode_threads != options.cpu_threads:  # the same weights, loaded again
            self.decoder = ctranslate2.models.Whisper(
                str(info.path), device="cpu", compute_type=options.compute_type,
                intra_threads=options.decode_threads)
        self.greedy_first = options.greedy_first and grammar is not None
        self.grammar = grammar
        self.fit = fit
        self.phrases = phrases
        self.places = places
        self.idle = idle
        self.prompt_of = prompt_of
        self.prompt = self._prompt_tokens(options.prompt)
        # Built when first needed (PyTorch takes about 2 s to load): speech the greedy pass
        # is sure of never is.
        self._model_info = info
        self._constrained: ConstrainedDecoder | None | bool = None if options.constrained else False
        self._fences = Fences()
        self._search_prompt_stale = False  # use_prompt changed the prompt since the search ran
        self._beside = SearchThread()

    def _prompt_tokens(self, prompt: str | None) -> list[int]:
        tokens = []
        if prompt and prompt.strip():
            # Whisper keeps at most half its 448-token context for previous text.
            tokens = [self.tokenizer.sot_prev, *self.tokenizer.encode(" " + prompt.strip())[-223:]]
        tokens.extend(self.tokenizer.sot_sequence)
        if not self.options.timestamps:
            tokens.append(self.tokenizer.no_timestamps)
        return tokens

    @property
    def constrained(self) -> ConstrainedDecoder | None:
        """The search within the grammar; None when turned off, or where PyTorch or
        openai-whisper is missing (the wide free beam stands in)."""
        if self._constrained is None:
            self._constrained = self._constrained_decoder() or False
        return self._constrained or None

    def warm_up(self) -> None:
        """Load everything an utterance may need now, not at the first unclear command."""
        if self.grammar is not None:
            _ = self.constrained
        self.recognise(np.zeros(SAMPLE_RATE // 2, dtype=np.float32))

    def _constrained_decoder(self) -> ConstrainedDecoder | None:
        if self.grammar is None:
            return None
        options, tokenizer = self.options, self.tokenizer
        pieces = [tokenizer.decode([token]) for token in range(tokenizer.eot)]
        free = options.cpu_threads - options.decode_threads  # beside the wide beam's decoder
        return constrained_decoder(self._model_info, self._search_start(), pieces,
                                   tokenizer.eot, free if free > 0 else options.cpu_threads)

    def _search_start(self) -> list[int]:
        """The grammar search's first tokens: the prompt's first words, then no timestamps."""
        options = self.options
        start = self._prompt_tokens(shortened(options.prompt, options.constrained_prompt_words))
        return start + [self.tokenizer.no_timestamps] if options.timestamps else start

    def use_prompt(self, prompt: str | None) -> None:
        """Hear with this prompt from the next utterance on; the grammar search takes it up
        at its next start (its decoder may be being built on its thread now)."""
        if prompt != self.options.prompt:
            self.options = replace(self.options, prompt=prompt)
            self.prompt = self._prompt_tokens(prompt)
            self._search_prompt_stale = True

    def fence(self) -> Continuations:
        """The grammar as the search's fence (grammar_search.Fences): the project's words
        and the actions that would do something now."""
        idle = frozenset(self.idle()) if self.idle is not None else frozenset()
        return self._fences.fence(self.phrases() if self.phrases is not None else None, idle)

    def window(self, samples: int) -> int:
        """Encoder frames for an utterance: its length plus a silent margin, within bounds."""
        frames = -(-samples // HOP) + self.options.margin_frames
        frames = min(MAX_FRAMES, max(self.options.min_frames, frames))
        return frames + frames % 2  # the encoder halves the frames with a stride-2 convolution

    def recognise(self, audio: np.ndarray) -> Heard:
        """Recognise one utterance; audio past 30 s is ignored (a command is a few seconds)."""
        if self.prompt_of is not None:
            self.use_prompt(self.prompt_of())
        options = self.options
        audio = np.asarray(audio, dtype=np.float32)[: MAX_FRAMES * HOP]
        started = time.perf_counter()
        frames = self.window(len(audio))
        mel = self.features(audio, padding=HOP)[:, :-1]
        timings = Timings(features=1000 * (time.perf_counter() - started), encode=0, decode=0)
        seconds = len(audio) / SAMPLE_RATE
        encoded, timings = self._encode(padded(mel, frames, options.pad), timings)
        first: tuple[Hypothesis, ...] = ()
        if self.greedy_first:
            # Most commands are clear: the model's one best reading, if sure, is the answer.
            first, timings = self._greedy(encoded, seconds, timings)
            if first and is_sure(first, self.fit, options, greedy=True, places=self.places):
                return self._heard(first, timings, frames, first)
        # Unsure: the search within the grammar starts now on the free core, beside the
        # free beam, and is stopped if that beam is sure.
        search = self._search_beside(encoded, seconds)
        try:
            return self._beyond_greedy(encoded, mel, frames, seconds, timings, first, search)
        finally:
            if search is not None:
                search.cancel()

    def _beyond_greedy(self, encoded: ctranslate2.StorageView, mel: np.ndarray, frames: int,
                       seconds: float, timings: Timings, first: tuple[Hypothesis, ...],
                       search: SearchBeside | None) -> Heard:
        """A free beam's best few readings, judged first; when unsure, the wide beam's and
        the grammar search's together. With the search under way beside it, the first beam
        is the wide one (`options.wide_first`), so no second beam is waited for; with no
        core free for the search, a narrow beam, then the wide beam and the search in turn."""
        options, greedy = self.options, first[0] if first else None
        wide = (options.wide_beam, options.wide_beam) if options.wide_beam else options.beam
        opening = wide if search is not None and options.wide_first else options.beam
        started, count = time.perf_counter(), options.num_hypotheses
        found = self._beam(encoded, opening, seconds)
        beam = self._readings(found, 0, count)  # the rest parsed only when needed
        timings = timings.decoded_since(started)
        if agreed(greedy, beam, self.fit, options):
            # Two searches heard one exact sentence: no rival reading doubts it, and no
            # wider search is needed.
            return self._heard(beam, timings, frames, first, beam, agreement=True)
        if is_sure(beam, self.fit, options.early, others=first, places=self.places):
            return self._heard(beam, timings, frames, first, beam, early=True)
        started = time.perf_counter()
        if search is None or opening == wide:
            hypotheses = beam + self._readings(found, count)  # the rest, parsed now
        else:  # the wide beam now, the search still beside it
            hypotheses = self._readings(self._beam(encoded, wide, seconds))
        if search is not None:
            hypotheses = ranked(hypotheses + self._understood_all(search.found()))
        elif self.grammar is not None:
            hypotheses = self._wider(encoded, hypotheses, seconds)
        timings = timings.decoded_since(started)
        if self.grammar is not None and options.retry_pad and not self._usable(hypotheses):
            # Nothing fits the grammar and the project: the other padding hears differently,
            # and costs nothing when the first pass is understood.
            encoded, timings = self._encode(padded(mel, frames, options.retry_pad), timings)
            started = time.perf_counter()
            retry = self._readings(self._beam(encoded, wide, seconds))
            timings = timings.decoded_since(started)
            if self._usable(retry) or not any(h.command is not None for h in hypotheses):
                hypotheses = retry
        return self._heard(hypotheses, timings, frames, first, beam)

    def _heard(self, hypotheses: tuple[Hypothesis, ...], timings: Timings, frames: int,
               first: tuple[Hypothesis, ...] = (), beam: tuple[Hypothesis, ...] = (),
               agreement: bool = False, early: bool = False) -> Heard:
        """The chosen reading and its command, judged (doubt.judged)."""
        chosen, command, why = judged(hypotheses, self.fit, self.options, first, self.places,
                                      agreement, early)
        best = hypotheses[chosen]
        meanings = () if not why or command is None else other_meanings(
            ranked(hypotheses + first), command, self.fit, self.places, self.options)
        return Heard(
            best.text, best.avg_logprob, hypotheses, timings, frames, command,
            greedy=first[0] if first else None, beam=beam, doubt=why, agreed=agreement,
            meanings=meanings,
        )  # fmt: skip

    def _usable(self, hypotheses: tuple[Hypothesis, ...]) -> bool:
        """Whether some hypothesis is a command the project can act on."""
        return any(acts(h, self.fit) for h in hypotheses)

    def _encode(
        self, window: np.ndarray, timings: Timings
    ) -> tuple[ctranslate2.StorageView, Timings]:
        started = time.perf_counter()
        encoded = self.whisper.model.encode(ctranslate2.StorageView.from_array(window[None]))
        spent = 1000 * (time.perf_counter() - started)
        return encoded, replace(timings, encode=timings.encode + spent)

    def _beam(self, encoded: ctranslate2.StorageView, search: tuple[int, int], seconds: float):
        """The best readings of an encoded window: `search` is (beam size, how many)."""
        beam, count = search
        return self.decoder.generate(encoded, [self.prompt], beam_size=beam, num_hypotheses=count,
                                     max_length=len(self.prompt) + _most_tokens(seconds),
                                     return_scores=True)[0]

    def _readings(self, result, start: int = 0, stop: int | None = None
                  ) -> tuple[Hypothesis, ...]:
        """A beam's readings (those from `start` to `stop`), parsed."""
        found = zip(result.sequences_ids[start:stop], result.scores[start:stop], strict=True)
        return tuple(self._hypothesis(ids, score) for ids, score in found)

    def _wider(self, encoded: ctranslate2.StorageView, hypotheses: tuple[Hypothesis, ...],
               seconds: float) -> tuple[Hypothesis, ...]:
        """The wide free beam's readings (in place of the narrow beam's, when it is run) and
        the grammar search's, one after the other, where no core is free for the search."""
        if self.options.wide_beam:
            hypotheses = self._readings(self._beam(encoded, (self.options.wide_beam,) * 2,
                                                   seconds))
        if self.constrained is not None:
            hypotheses = ranked(hypotheses + self._within_grammar(encoded, seconds))
        return hypotheses

    def _search_beside(self, encoded: ctranslate2.StorageView, seconds: float
                       ) -> SearchBeside | None:
        """The search within the grammar, started on a core the free beam leaves free; None
        without a grammar, a free core or the search. The fence (the project's words) is
        made on this thread; the decoder is built on the search's own (PyTorch loads in
        about 2 s), so a command the beam is sure of never waits for it."""
        if self.grammar is None or self.options.decode_threads >= self.options.cpu_threads:
            return None
        if self._constrained is False:  # turned off, or no PyTorch
            return None
        return self._beside.start(self._search, np.asarray(encoded), self.fence(),
                                  self.options.num_hypotheses, _most_tokens(seconds))

    def _search(self, encoded: np.ndarray, fence: Continuations, beams: int, max_tokens: int,
                stop: Event | None = None) -> list[Decoded]:
        """The search within the grammar, or nothing where it cannot run."""
        decoder = self.constrained
        if decoder is not None and self._search_prompt_stale:
            self._search_prompt_stale = False
            decoder.prompt = self._search_start()
        return decoder.decode(encoded, fence, beams, max_tokens, stop) if decoder else []

    def _greedy(self, encoded: ctranslate2.StorageView, seconds: float, timings: Timings) -> Search:
        """The model's one best reading, or none when it may be cut short.

        Greedy decoding often goes round again after the command, a decoder step a token;
        so it stops at `greedy_tokens`, and a reading that reaches that limit without going
        round again may be cut short and is not used."""
        started = time.perf_counter()
        base, per_second = self.options.greedy_tokens
        limit = int(base + per_second * seconds)
        # Each step's distribution too (return_logits_vocab): how sure its numbers are.
        result = self.decoder.generate(encoded, [self.prompt], beam_size=1,
                                       max_length=len(self.prompt) + limit, return_scores=True,
                                       return_logits_vocab=True)[0]
        ids, score = result.sequences_ids[0], result.scores[0]
        text_ids = [token for token in ids if token < self.tokenizer.timestamp_begin]
        raw = self.tokenizer.decode(text_ids)
        cut_short = len(ids) >= limit and drop_repeats(raw) == raw.strip()
        hypotheses: tuple[Hypothesis, ...] = ()
        if not cut_short:
            reading = replace(self._hypothesis(ids, score), search="greedy")
            if reading.command is not None and says_number(reading.command):
                sure = number_certainty(ids, result.logits[0], self._token_text, self.options)
                reading = replace(reading, numbers_sure=sure)
            hypotheses = (reading,)
        return hypotheses, timings.decoded_since(started)

    def _within_grammar(self, encoded: ctranslate2.StorageView, seconds: float
                        ) -> tuple[Hypothesis, ...]:
        return self._understood_all(self._search(np.asarray(encoded), self.fence(),
                                                 self.options.num_hypotheses,
                                                 _most_tokens(seconds)))

    def _understood_all(self, found: list[Decoded]) -> tuple[Hypothesis, ...]:
        """The grammar search's sentences, parsed, but none far-fetched (doubt.far_fetched)."""
        readings = (self._understood(d.text, d.avg_logprob, search="grammar",
                                     tokens=len(d.ids) + 1) for d in found)
        return tuple(h for h in readings if not far_fetched(h, self.options))

    def _hypothesis(self, ids: list[int], score: float) -> Hypothesis:
        return self._understood(self._text(ids), _avg_logprob(score, len(ids)),
                                tokens=len(ids) + 1)

    def _understood(self, text: str, avg_logprob: float, search: str = "free",
                    tokens: int = 0) -> Hypothesis:
        command = None
        if self.grammar is not None and text:
            try:
                command = self.grammar(text)
            except VoiceEditError:
                command = None
        return Hypothesis(text, avg_logprob, command, search=search, tokens=tokens)

    def _token_text(self, token: int) -> str:
        return self.tokenizer.decode([token]) if token < self.tokenizer.timestamp_begin else ""

    def _text(self, ids: list[int]) -> str:
        """The words of the decoded tokens, without timestamps and without the decoder's loops."""
        text_ids = [token for token in ids if token < self.tokenizer.timestamp_begin]
        return drop_repeats(self.tokenizer.decode(text_ids))


def _most_tokens(seconds: float) -> int:
    """Tokens a beam may write for this much speech: every command's words, not loops."""
    return int(16 + 10 * seconds)


def _avg_logprob(score: float, length: int) -> float:
    # CTranslate2 returns the cumulative log probability divided by the length (length_penalty 1);
    # faster-whisper reports it over length + 1 (counting the end token), and so do we.
    return score * length / (length + 1)
