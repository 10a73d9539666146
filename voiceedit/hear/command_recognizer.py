"""Recognise one short spoken command, fast: Whisper below its 30 s window, guided by the grammar.

Plain faster-whisper pads every command to Whisper's 30 s window; CTranslate2's encoder
accepts shorter inputs, and the cost falls with the window. The recogniser encodes the
speech plus a silent margin once, then reads it as cheaply as it can be sure of: the
model's one greedy reading when clear, else a beam whose readings the grammar and the
project choose among, and when that is unsure, a wider beam and a search within the grammar
over the same encoding. A cut in doubt is read back rather than done. docs/design.md
("Hearing commands") has the reasons and the measurements; `RecognizerOptions` the settings.

The model stays loaded: build one `CommandRecognizer` and call `recognise` per utterance.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.feature_extractor import FeatureExtractor
from faster_whisper.tokenizer import Tokenizer

from voiceedit.errors import VoiceEditError
from voiceedit.hear.audio import HOP, MAX_FRAMES, SAMPLE_RATE, command_audio
from voiceedit.hear.doubt import (
    agreed,
    is_sure,
    judged,
    number_certainty,
    says_number,
)
from voiceedit.hear.models import one_blas_thread, resolve_model
from voiceedit.hear.readings import (
    Fit,
    Grammar,
    Heard,
    Hypothesis,
    Phrases,
    Places,
    Timings,
    acts,
    ranked,
)
from voiceedit.hear.recognizer_options import DEFAULT_OPTIONS, RecognizerOptions
from voiceedit.hear.whisper_text import drop_repeats, shortened
from voiceedit.understand.continuation import Continuations
from voiceedit.understand.grammar import load_grammar, vocabulary
from voiceedit.understand.matcher import understand, vocabulary_prompt
from voiceedit.understand.own_words import rare_words

if TYPE_CHECKING:
    from voiceedit.hear.constrained_decoder import ConstrainedDecoder

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
    ) -> None:
        info = resolve_model(model)
        self.name = info.name
        self.options = options
        one_blas_thread()
        self.whisper = WhisperModel(
            str(info.path),
            device="cpu",
            compute_type=options.compute_type,
            cpu_threads=options.cpu_threads,
        )
        self.tokenizer = Tokenizer(
            self.whisper.hf_tokenizer,
            self.whisper.model.is_multilingual,
            task="transcribe",
            language="en",
        )
        self.features = FeatureExtractor(feature_size=self.whisper.model.n_mels)
        self.greedy_first = options.greedy_first and grammar is not None
        self.grammar = grammar
        self.fit = fit
        self.phrases = phrases
        self.places = places
        self.prompt = self._prompt_tokens(options.prompt)
        # Built when first needed (PyTorch takes about 2 s to load): clear speech never is.
        self._model_info = info
        self._constrained: ConstrainedDecoder | None | bool = (
            None if options.constrained else False
        )
        self._fence: tuple[object, Continuations] | None = None

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
        try:
            from voiceedit.hear.constrained_decoder import ConstrainedDecoder
        except ImportError:
            return None
        tokenizer = self.tokenizer
        pieces = [tokenizer.decode([token]) for token in range(tokenizer.eot)]
        prompt = shortened(self.options.prompt, self.options.constrained_prompt_words)
        start = self._prompt_tokens(prompt)
        if self.options.timestamps:
            start.append(tokenizer.no_timestamps)
        try:
            return ConstrainedDecoder(
                self._model_info, start, pieces, tokenizer.eot, self.options.cpu_threads
            )
        except (ImportError, VoiceEditError):  # no PyTorch, or no openai-whisper
            return None

    def fence(self) -> Continuations:
        """The grammar, with quotes limited to the project's words when we know them."""
        phrases = self.phrases() if self.phrases is not None else None
        grammar = load_grammar()  # with the person's own rules
        if self._fence is None or self._fence[0] is not phrases or (
            self._fence[1].grammar is not grammar
        ):
            self._fence = (phrases, Continuations(grammar, phrases))
        return self._fence[1]

    def window(self, samples: int) -> int:
        """Encoder frames for an utterance: its length plus a silent margin, within bounds."""
        frames = -(-samples // HOP) + self.options.margin_frames
        frames = min(MAX_FRAMES, max(self.options.min_frames, frames))
        return frames + frames % 2  # the encoder halves the frames with a stride-2 convolution

    def recognise(self, audio: np.ndarray) -> Heard:
        """Recognise one utterance; audio past 30 s is ignored (a command is a few seconds)."""
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
        greedy = first[0] if first else None
        narrow = options.beam
        wide = (options.wide_beam, options.wide_beam) if options.wide_beam else narrow
        hypotheses, timings = self._generate(encoded, narrow, seconds, timings)
        beam = hypotheses
        if agreed(greedy, beam, self.fit, options):
            # Two searches heard one exact sentence: no rival reading doubts it, and no
            # wider search is needed.
            return self._heard(beam, timings, frames, first, beam, agreement=True)
        if is_sure(hypotheses, self.fit, options.early, others=first, places=self.places):
            return self._heard(beam, timings, frames, first, beam, early=True)
        if self.grammar is not None:
            # Unsure: a wider free beam and a search within the grammar over the same
            # encoding, at a cost only unclear speech pays.
            if options.wide_beam:
                hypotheses, timings = self._generate(encoded, wide, seconds, timings)
            if self.constrained is not None:
                within, timings = self._within_grammar(encoded, seconds, timings)
                hypotheses = ranked(hypotheses + within)
        if self.grammar is not None and options.retry_pad and not self._usable(hypotheses):
            # Nothing fits the grammar and the project: the other padding hears differently,
            # and costs nothing when the first pass is understood.
            encoded, timings = self._encode(padded(mel, frames, options.retry_pad), timings)
            retry, timings = self._generate(encoded, wide, seconds, timings)
            if self._usable(retry) or not any(h.command is not None for h in hypotheses):
                hypotheses = retry
        return self._heard(hypotheses, timings, frames, first, beam)

    def _heard(
        self,
        hypotheses: tuple[Hypothesis, ...],
        timings: Timings,
        frames: int,
        first: tuple[Hypothesis, ...] = (),
        beam: tuple[Hypothesis, ...] = (),
        agreement: bool = False,
        early: bool = False,
    ) -> Heard:
        """The chosen reading and its command, judged (doubt.judged)."""
        chosen, command, why = judged(hypotheses, self.fit, self.options, first, self.places,
                                      agreement, early)
        best = hypotheses[chosen]
        return Heard(
            best.text, best.avg_logprob, hypotheses, timings, frames, command,
            greedy=first[0] if first else None, beam=beam, doubt=why, agreed=agreement,
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

    def _generate(
        self,
        encoded: ctranslate2.StorageView,
        search: tuple[int, int],
        seconds: float,
        timings: Timings,
    ) -> Search:
        """The best readings of an encoded window: `search` is (beam size, how many)."""
        started = time.perf_counter()
        beam, count = search
        result = self.whisper.model.generate(
            encoded,
            [self.prompt],
            beam_size=beam,
            num_hypotheses=count,
            max_length=len(self.prompt) + int(16 + 10 * seconds),
            return_scores=True,
        )[0]
        hypotheses = tuple(
            self._hypothesis(ids, score)
            for ids, score in zip(result.sequences_ids, result.scores, strict=True)
        )
        return hypotheses, _decoded(timings, started)

    def _greedy(self, encoded: ctranslate2.StorageView, seconds: float, timings: Timings) -> Search:
        """The model's one best reading, or none when it may be cut short.

        Greedy decoding often goes round again after the command, a decoder step a token;
        so it stops at `greedy_tokens`, and a reading that reaches that limit without going
        round again may be cut short and is not used."""
        started = time.perf_counter()
        base, per_second = self.options.greedy_tokens
        limit = int(base + per_second * seconds)
        result = self.whisper.model.generate(
            encoded,
            [self.prompt],
            beam_size=1,
            max_length=len(self.prompt) + limit,
            return_scores=True,
            return_logits_vocab=True,  # each step's distribution: how sure its numbers are
        )[0]
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
        return hypotheses, _decoded(timings, started)

    def _within_grammar(
        self, encoded: ctranslate2.StorageView, seconds: float, timings: Timings
    ) -> Search:
        started = time.perf_counter()
        found = self.constrained.decode(
            np.asarray(encoded), self.fence(), self.options.num_hypotheses, int(16 + 10 * seconds)
        )
        hypotheses = tuple(
            self._understood(d.text, d.avg_logprob, search="grammar", tokens=len(d.ids) + 1)
            for d in found
        )
        return hypotheses, _decoded(timings, started)

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


def padded(mel: np.ndarray, frames: int, pad: str) -> np.ndarray:
    """Log-mel features of an utterance, padded (or cut) to `frames`.

    "silence" pads with the features of digital silence, as openai-whisper (which pads the
    audio itself) and Whisper's training did: the log-mel floor, which Whisper's normalisation
    puts 8 log10 units below the loudest bin, i.e. `max - 2` after it; computed directly rather
    than by running the STFT over seconds of zeros. "zeros" pads with 0, as faster-whisper
    pads its 30 s window.
    """
    floor = mel.max() - 2.0 if pad == "silence" and mel.size else 0.0
    window = np.full((mel.shape[0], frames), floor, dtype=np.float32)
    window[:, : min(frames, mel.shape[1])] = mel[:, :frames]
    return window


def command_prompt(transcript: Iterable[str] = ()) -> str:
    """The prompt for `RecognizerOptions.prompt`: the grammar's commands (the person's own
    phrasings and listed words included), then the names in the open project's transcript
    (its words as written), so a quoted name is written as the project spells it."""
    names = rare_words(transcript, known=vocabulary(load_grammar()))
    return vocabulary_prompt(names=names)


def recognise_file(
    path: str | Path,
    recognizer: CommandRecognizer | None = None,
    fit: Fit | None = None,
    phrases: Phrases | None = None,
    transcript: Iterable[str] = (),
    places: Places | None = None,
) -> Heard:
    """Recognise the command in an audio file (`voiceedit do --audio`); `transcript`: the
    open project's words, whose names go into the prompt."""
    audio = command_audio(path)
    if recognizer is None:
        options = RecognizerOptions(prompt=command_prompt(transcript))
        recognizer = CommandRecognizer(options=options, fit=fit, phrases=phrases,
                                       places=places)
    return recognizer.recognise(audio)


def _decoded(timings: Timings, started: float) -> Timings:
    """`timings` with the decoding time since `started` added."""
    return replace(timings, decode=timings.decode + 1000 * (time.perf_counter() - started))


def _avg_logprob(score: float, length: int) -> float:
    # CTranslate2 returns the cumulative log probability divided by the length (length_penalty 1);
    # faster-whisper reports it over length + 1 (counting the end token), and so do we.
    return score * length / (length + 1)
