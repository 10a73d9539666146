"""Recognise one short spoken command, fast: Whisper below its 30 s window, guided by the grammar.

Whisper's encoder is trained on 30 s windows, and plain faster-whisper pads every command to
30 s (3000 feature frames): 0.45–1.1 s for a two-second command on this machine. CTranslate2's
encoder accepts shorter inputs, as whisper.cpp's `audio_ctx` does, and the cost falls with the
window (DESIGN.md: 3000 frames 429 ms, 1000 frames 133 ms for a 3 s command).

What goes wrong in a short window, and what we do about it (each measured in bench/commands.py):
- Padding. The window is padded with the features of digital silence (the log-mel floor), as
  openai-whisper pads the audio and Whisper was trained; faster-whisper's zero features, fine
  at 30 s, cost several points of accuracy in a short window.
- Length. The window is the speech plus 3 s of silence, at least 10 s: below that the decoder
  loses accuracy in noise and starts repeating itself ("yes yes yes"). `max_length` is capped
  by the audio's length, and what loops anyway is cut (`drop_repeats`).
- Vocabulary. The grammar's example commands are the previous-text prompt (Whisper's
  `initial_prompt`): "undo" is less often "and do", "export" less often "expert".
- Clear speech first. The model's one best reading (greedy, cut off at a few tokens a second
  of speech, where it would go round again) is the answer when the project can act on it
  and the model was sure of it: most commands, in about half the time of a beam of five.
  Not a quote found only approximately, nor a destructive command with a number the model
  was unsure of (a number word written with less than NUMBER_SURE, or another number close
  behind it: "fifteen" 0.57, "fifty" and "sixty" next): one reading has no rival to show
  the number is wrong, but its own probabilities do. Anything else unsure goes on to the
  beam.
- Grammar. Beam search returns the 5 best hypotheses; the one the grammar explains best wins
  ("Print the start of clip two" loses to "Trim the start of clip two").
- Within the grammar. When that first reading is unsure (no command the project can act on
  heard with confidence, or rival readings), a second search over the same encoding may only
  write what can become a command, its quotes only runs of the project's own words
  (constrained_decoder.py): in noise "Short and pawned longer than two seconds" becomes
  "Shorten pauses longer than two seconds". Its sentences join the first five and compete
  on the same terms, scored by the model's own probabilities, so a sentence forced out of
  noise stays unsure and is read back. Without PyTorch, a wider free beam (20) stands in.
  When nothing is understood, a pass over the same features padded with zeros often is. When the
  hypotheses mean different things and the chosen command is destructive, or the model was
  unsure of it, the command's confidence is lowered so the session reads it back and waits
  for "yes" ("keep from sixty seconds" / "keep from fifteen seconds").
- The project. A hypothesis whose quote is nowhere in the transcript ("get rid of the
  thumbs", "delete from two and ten seconds to four seconds") loses to one the project can
  act on (`fit`, given by the session): the user meant words that are there. A cut whose
  quote is found only approximately ("stop it worth telling" for "a story worth telling")
  is read back first: the words it finds may not be the ones meant.

The model stays loaded: build one `CommandRecognizer` and call `recognise` per utterance.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.feature_extractor import FeatureExtractor
from faster_whisper.tokenizer import Tokenizer
from rapidfuzz import fuzz

from voiceedit.errors import VoiceEditError
from voiceedit.hear.models import one_blas_thread, resolve_model
from voiceedit.spoken_time import say_time
from voiceedit.understand.command import Command, Quote, SpokenTime
from voiceedit.understand.continuation import Continuations
from voiceedit.understand.grammar import load_grammar
from voiceedit.understand.matcher import CONFIRM_BELOW, REPAIRED_DESTRUCTIVE, understand
from voiceedit.understand.numbers import number_value

if TYPE_CHECKING:
    from voiceedit.hear.constrained_decoder import ConstrainedDecoder

SAMPLE_RATE = 16000
HOP = 160  # samples per feature frame: 100 frames a second
MAX_FRAMES = 3000  # Whisper's 30 s window
UNSURE_LOGPROB = -0.5  # a chosen hypothesis below this mean log probability is a guess
EXACT_FIT = 0.95  # a cut's quote found less well than this is read back first
SURE_LOGPROB = -0.3  # from this mean log probability (and no rival) one narrow beam suffices
# The greedy pass has no rival readings to doubt it by, so what only a rival shows stays with
# the beam: a quote found only approximately (the beam's readings may find it exactly), and a
# destructive command with a number the model was not sure of. A whole reading can be sure
# while its number is not ("keep from sixty seconds" heard as "fifteen" at a mean log
# probability of -0.12, "fifteen" written with 0.57, "fifty" and "sixty" next), so the number
# words' own probabilities decide: on the spoken set the greedy pass's wrong numbers had at
# most 0.57, and from 0.8 a third of the cuts with numbers still go on to the beam, none wrong.
NUMBER_SURE = 0.8
NUMBER_RIVAL = 0.1  # a number the greedy pass could have written instead, this likely, doubts
RIVALS = 5  # the likeliest tokens of each step looked at for other numbers
GREEDY_TOKENS = (4, 5)  # the greedy pass writes at most 4 + 5 tokens a second of speech
LIKELIER_BY = 0.15  # a reading this much likelier to the model than the chosen cut doubts it
DOUBT_MARGIN = 0.2  # another hypothesis within this of the chosen one's confidence competes
DOUBT_CONFIDENCE = REPAIRED_DESTRUCTIVE  # below the matcher's CONFIRM_BELOW: read back
FIT_WEIGHT = 3.0  # how much a quote found exactly counts against the model's doubt (choose)
QUOTE_ALIKE = 80  # rapidfuzz ratio from which two quotes find the same words
REPEAT_RATIO = 75  # rapidfuzz ratio from which a later sentence counts as a repeat
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
SILENCE_DBFS = -50  # the loudest 20 ms of a command is well above this; of a silent file, not


@dataclass(frozen=True)
class Timings:
    """Where the time went, in milliseconds."""

    features: float
    encode: float
    decode: float

    @property
    def total(self) -> float:
        return self.features + self.encode + self.decode


@dataclass(frozen=True)
class Hypothesis:
    text: str
    avg_logprob: float  # mean log probability per token, as faster-whisper reports it
    command: Command | None = None  # what the grammar makes of it; None: not understood
    search: str = "free"  # "free": Whisper's own beam search; "grammar": within the grammar
    # How sure the greedy pass was of the numbers it wrote (number_certainty); 1.0 otherwise.
    numbers_sure: float = 1.0


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

    @property
    def search(self) -> str:
        """Which search found the chosen hypothesis ("free" or "grammar")."""
        return next((h.search for h in self.alternatives if h.text == self.text), "free")

    @property
    def confidence(self) -> float:
        """exp(avg_logprob): 1 when the model had no doubt about any token."""
        return math.exp(self.avg_logprob)


Grammar = Callable[[str], Command]  # text -> Command; raises VoiceEditError when not understood
# How well the project can act on a command: 0 not at all (a quote is nowhere in the
# transcript), 1 exactly (no quote, or every quote found word for word), between: a quote
# found only approximately.
Fit = Callable[[Command], float]
# The word runs a quote may be taken from (the timeline's words, media names), normalised as
# grammar.words does; the same object while the project is unchanged, so the fence is reused.
Phrases = Callable[[], Sequence[Sequence[str]]]


class CommandRecognizer:
    """A warm Whisper model that turns one utterance (float32, 16 kHz, mono) into text.

    `prompt` is text the model reads as if it came just before: give it the grammar's
    vocabulary (`matcher.vocabulary_prompt()`). `grammar` picks among the `num_hypotheses`
    best and judges doubt; `grammar=None` keeps the model's best and matches nothing.
    `Heard.command` is the command to apply (its confidence already says whether to ask).
    `fit`, when set (the session sets it to its own quote lookup), ranks the hypotheses
    the project can act on above those it can't, and doubts a cut found only approximately.
    `phrases`, when set, are what a quote may say in the search within the grammar
    (`constrained`; any words when not set).
    The defaults are the settings bench/commands.py measured best within the latency budget.
    """

    def __init__(
        self,
        model: str = "tiny.en",
        prompt: str | None = None,
        *,
        grammar: Grammar | None = understand,
        compute_type: str = "int8",
        cpu_threads: int = 2,
        beam_size: int = 5,
        num_hypotheses: int = 5,
        margin_frames: int = 300,
        min_frames: int = 1000,
        timestamps: bool = True,
        pad: str = "silence",
        retry_pad: str | None = "zeros",
        fit: Fit | None = None,
        wide_beam: int | None = 20,
        greedy_first: bool = True,
        sure_from: float = SURE_LOGPROB,
        constrained: bool = True,
        phrases: Phrases | None = None,
        constrained_prompt_words: int = 80,
    ) -> None:
        info = resolve_model(model)
        self.name = info.name
        one_blas_thread()
        self.whisper = WhisperModel(
            str(info.path), device="cpu", compute_type=compute_type, cpu_threads=cpu_threads
        )
        self.tokenizer = Tokenizer(
            self.whisper.hf_tokenizer,
            self.whisper.model.is_multilingual,
            task="transcribe",
            language="en",
        )
        self.features = FeatureExtractor(feature_size=self.whisper.model.n_mels)
        self.beam_size = max(beam_size, num_hypotheses)
        self.num_hypotheses = num_hypotheses
        self.margin_frames = margin_frames
        self.min_frames = min_frames
        self.timestamps = timestamps
        self.pad = pad
        self.retry_pad = retry_pad
        self.wide_beam = wide_beam
        self.greedy_first = greedy_first and grammar is not None
        self.sure_from = sure_from
        self.cpu_threads = cpu_threads
        self.grammar = grammar
        self.fit = fit
        self.prompt = self._prompt_tokens(prompt)
        self.phrases = phrases
        # Built when first needed (PyTorch takes about 2 s to load): clear speech never is.
        self._constrained_settings = (info, shortened(prompt, constrained_prompt_words))
        self._constrained: ConstrainedDecoder | None | bool = None if constrained else False
        self._fence: tuple[object, Continuations] | None = None

    def _prompt_tokens(self, prompt: str | None) -> list[int]:
        tokens = []
        if prompt and prompt.strip():
            # Whisper keeps at most half its 448-token context for previous text.
            tokens = [self.tokenizer.sot_prev, *self.tokenizer.encode(" " + prompt.strip())[-223:]]
        tokens.extend(self.tokenizer.sot_sequence)
        if not self.timestamps:
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
        info, prompt = self._constrained_settings
        tokenizer = self.tokenizer
        pieces = [tokenizer.decode([token]) for token in range(tokenizer.eot)]
        start = self._prompt_tokens(prompt)
        if self.timestamps:
            start.append(tokenizer.no_timestamps)
        try:
            return ConstrainedDecoder(info, start, pieces, tokenizer.eot, self.cpu_threads)
        except (ImportError, VoiceEditError):  # no PyTorch, or no openai-whisper
            return None

    def fence(self) -> Continuations:
        """The grammar, with quotes limited to the project's words when we know them."""
        phrases = self.phrases() if self.phrases is not None else None
        if self._fence is None or self._fence[0] is not phrases:
            self._fence = (phrases, Continuations(load_grammar(), phrases))
        return self._fence[1]

    def window(self, samples: int) -> int:
        """Encoder frames for an utterance: its length plus a silent margin, within bounds."""
        frames = -(-samples // HOP) + self.margin_frames
        frames = min(MAX_FRAMES, max(self.min_frames, frames))
        return frames + frames % 2  # the encoder halves the frames with a stride-2 convolution

    def recognise(self, audio: np.ndarray) -> Heard:
        """Recognise one utterance; audio past 30 s is ignored (a command is a few seconds)."""
        audio = np.asarray(audio, dtype=np.float32)[: MAX_FRAMES * HOP]
        started = time.perf_counter()
        frames = self.window(len(audio))
        mel = self.features(audio, padding=HOP)[:, :-1]
        timings = Timings(features=1000 * (time.perf_counter() - started), encode=0, decode=0)
        seconds = len(audio) / SAMPLE_RATE
        encoded, timings = self._encode(padded(mel, frames, self.pad), timings)
        if self.greedy_first:
            # Most commands are clear: the model's one best reading, if sure, is the answer,
            # in half the time of a beam of five.
            first, timings = self._greedy(encoded, seconds, timings)
            if first and self._sure(first, greedy=True):
                return self._heard(first, timings, frames)
        narrow = (self.beam_size, self.num_hypotheses)
        wide = (self.wide_beam, self.wide_beam) if self.wide_beam else narrow
        hypotheses, timings = self._generate(encoded, narrow, seconds, timings)
        if self.grammar is not None and not self._sure(hypotheses):
            # Unsure: a wider free beam and a search within the grammar over the same
            # encoding, at a cost only unclear speech pays.
            if self.wide_beam:
                hypotheses, timings = self._generate(encoded, wide, seconds, timings)
            if self.constrained is not None:
                within, timings = self._within_grammar(encoded, seconds, timings)
                hypotheses = ranked(hypotheses + within)
        if self.grammar is not None and self.retry_pad and not self._usable(hypotheses):
            # Nothing fits the grammar and the project: the other padding hears differently
            # (measured to rescue a third of these in noise), and costs nothing when the first
            # pass is understood.
            encoded, timings = self._encode(padded(mel, frames, self.retry_pad), timings)
            retry, timings = self._generate(encoded, wide, seconds, timings)
            if self._usable(retry) or not any(h.command is not None for h in hypotheses):
                hypotheses = retry
        return self._heard(hypotheses, timings, frames)

    def _heard(self, hypotheses: tuple[Hypothesis, ...], timings: Timings, frames: int) -> Heard:
        """The chosen reading, its command's confidence lowered when it is in doubt."""
        chosen = choose(hypotheses, self.fit)
        command = hypotheses[chosen].command
        if command is not None and in_doubt(hypotheses, chosen, self.fit):
            command = replace(command, confidence=min(command.confidence, DOUBT_CONFIDENCE))
        best = hypotheses[chosen]
        return Heard(best.text, best.avg_logprob, hypotheses, timings, frames, command)

    def _usable(self, hypotheses: tuple[Hypothesis, ...]) -> bool:
        """Whether some hypothesis is a command the project can act on."""
        return any(_acts(h, self.fit) for h in hypotheses)

    def _sure(self, hypotheses: tuple[Hypothesis, ...], greedy: bool = False) -> bool:
        """A command the project can act on, heard with confidence, and no rival reading.
        `greedy`: the one reading of a greedy pass, which must not need a rival to be
        doubted: no destructive command with a number the model was unsure of, no quote found
        only approximately; and no cut that would be read back ("Short and pauses longer
        than two seconds", repaired): the beam often hears it exactly, and it is done at once."""
        if not self._usable(hypotheses):
            return False
        chosen = choose(hypotheses, self.fit)
        best = hypotheses[chosen]
        if greedy and best.command.destructive and best.numbers_sure < NUMBER_SURE:
            return False
        if greedy and best.command.destructive and best.command.confidence < CONFIRM_BELOW:
            return False  # a cut it would read back: the beam may hear it as said
        if greedy and self.fit is not None and self.fit(best.command) < EXACT_FIT:
            return False
        return best.avg_logprob >= self.sure_from and not in_doubt(hypotheses, chosen, self.fit)

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
    ) -> tuple[tuple[Hypothesis, ...], Timings]:
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
        spent = 1000 * (time.perf_counter() - started)
        return hypotheses, replace(timings, decode=timings.decode + spent)

    def _greedy(
        self, encoded: ctranslate2.StorageView, seconds: float, timings: Timings
    ) -> tuple[tuple[Hypothesis, ...], Timings]:
        """The model's one best reading, or none when it may be cut short.

        Greedy decoding often goes round again after the command ("Split the clip here.
        Split the clip here. ..."), which costs a decoder step a token; `drop_repeats` keeps
        the first sentence. So it stops at GREEDY_TOKENS, which left 3 tokens or more to spare
        after every command's words in the spoken set (504 clips, all voices and noise levels);
        a reading that reaches it without going round again may be cut short and is not used."""
        started = time.perf_counter()
        limit = int(GREEDY_TOKENS[0] + GREEDY_TOKENS[1] * seconds)
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
            reading = self._hypothesis(ids, score)
            if reading.command is not None and says_number(reading.command):
                sure = number_certainty(ids, result.logits[0], self._token_text)
                reading = replace(reading, numbers_sure=sure)
            hypotheses = (reading,)
        spent = 1000 * (time.perf_counter() - started)
        return hypotheses, replace(timings, decode=timings.decode + spent)

    def _within_grammar(
        self, encoded: ctranslate2.StorageView, seconds: float, timings: Timings
    ) -> tuple[tuple[Hypothesis, ...], Timings]:
        started = time.perf_counter()
        found = self.constrained.decode(
            np.asarray(encoded), self.fence(), self.num_hypotheses, int(16 + 10 * seconds)
        )
        hypotheses = tuple(
            replace(self._understood(d.text, d.avg_logprob), search="grammar") for d in found
        )
        spent = 1000 * (time.perf_counter() - started)
        return hypotheses, replace(timings, decode=timings.decode + spent)

    def _hypothesis(self, ids: list[int], score: float) -> Hypothesis:
        return self._understood(self._text(ids), _avg_logprob(score, len(ids)))

    def _understood(self, text: str, avg_logprob: float) -> Hypothesis:
        command = None
        if self.grammar is not None and text:
            try:
                command = self.grammar(text)
            except VoiceEditError:
                command = None
        return Hypothesis(text, avg_logprob, command)

    def _token_text(self, token: int) -> str:
        return self.tokenizer.decode([token]) if token < self.tokenizer.timestamp_begin else ""

    def _text(self, ids: list[int]) -> str:
        """The words of the decoded tokens, without timestamps and without the decoder's loops."""
        text_ids = [token for token in ids if token < self.tokenizer.timestamp_begin]
        return drop_repeats(self.tokenizer.decode(text_ids))


def shortened(prompt: str | None, max_words: int) -> str | None:
    """The prompt's first sentences, up to `max_words` words: the search within the grammar
    runs PyTorch over every prompt token for every beam, and the grammar already does most
    of what the prompt's vocabulary does (80 words measured as right as 150, 40 ms sooner)."""
    if not prompt:
        return prompt
    kept: list[str] = []
    for sentence in SENTENCE_END.split(prompt.strip()):
        if len(kept) + len(sentence.split()) > max_words:
            break
        kept.extend(sentence.split())
    return " ".join(kept) or None


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


def ranked(hypotheses: tuple[Hypothesis, ...]) -> tuple[Hypothesis, ...]:
    """One hypothesis per text (the likelier), best mean log probability first: the model's
    order, over readings from several searches."""
    best: dict[str, Hypothesis] = {}
    for hypothesis in hypotheses:
        kept = best.get(hypothesis.text)
        if kept is None or hypothesis.avg_logprob > kept.avg_logprob:
            best[hypothesis.text] = hypothesis
    return tuple(sorted(best.values(), key=lambda h: h.avg_logprob, reverse=True))


def choose(hypotheses: tuple[Hypothesis, ...], fit: Fit | None = None) -> int:
    """The likeliest command among the hypotheses the project can act on, else among all
    understood; the model's order decides ties, and when nothing is understood.

    Likeliest is a log-linear score of three things: how sure the model was of the words
    (mean log probability), how well the grammar explains them (log of the command's
    confidence: 0 for an exact sentence, below for a repaired one), and how well the project
    finds its quotes (FIT_WEIGHT x log of `fit`: a quote found word for word beats one found
    only approximately). The two searches' readings compete on the same terms: an exact
    sentence forced out of noise by the grammar search ("No.", at -2.4) loses to a free
    reading that needed a small repair ("And do that." for undo, at -0.6). Measured on the
    10 dB half of the spoken set: 746 -> 756 of 840 right against ranking by grammar
    confidence alone, with the same gain for the Piper and the espeak voices, and for any
    FIT_WEIGHT from 2 to 5."""

    def rank(hypothesis: Hypothesis) -> tuple[bool, bool, float]:
        command = hypothesis.command
        if command is None:
            return (False, False, 0.0)
        found = fit(command) if fit is not None else 1.0
        score = hypothesis.avg_logprob + _log(command.confidence) + FIT_WEIGHT * _log(found)
        return (True, found > 0, score)

    ranks = [rank(hypothesis) for hypothesis in hypotheses]
    return ranks.index(max(ranks))  # the first of the best: the model's order breaks ties


def _log(value: float) -> float:
    return math.log(value) if value > 0 else -math.inf


def in_doubt(
    hypotheses: tuple[Hypothesis, ...], chosen: int, fit: Fit | None = None
) -> bool:
    """Whether a destructive command should be read back although its words fit the grammar:
    the model was unsure of the words, its quote is found only approximately, or another
    hypothesis the project could act on means something else ("keep from sixty seconds" /
    "keep from fifteen seconds")."""
    command = hypotheses[chosen].command
    if command is None or not command.destructive:
        return False
    if hypotheses[chosen].avg_logprob < UNSURE_LOGPROB:
        return True
    if max(h.avg_logprob for h in hypotheses) - hypotheses[chosen].avg_logprob >= LIKELIER_BY:
        return True  # the model heard another reading likelier: the grammar chose this one
    if fit is not None and fit(command) < EXACT_FIT:
        return True
    return any(
        other.command is not None
        and other.command.confidence >= command.confidence - DOUBT_MARGIN
        and _acts(other, fit)
        and not same_meaning(other.command, command)
        for other in hypotheses
    )


def says_number(command: Command) -> bool:
    """Whether a command has a number or a time in figures ("clip three", "ten seconds"), not
    only anchors ("the start") and quotes."""
    return any(
        isinstance(value, int) or (isinstance(value, SpokenTime) and value.anchor == "absolute")
        for value in command.args.values()
    )


def number_certainty(
    ids: Sequence[int], step_logits: Sequence[object], token_text: Callable[[int], str]
) -> float:
    """How sure a greedy reading is of its numbers: the least probability it wrote a number
    word with (other spellings of the same number counted with it: " ten" and " 10"), and,
    at a step that wrote no number, one less the weight of the numbers it could have written
    there instead when that is NUMBER_RIVAL or more ("seconds" against "two"). 1.0 when no
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
            if other_numbers >= NUMBER_RIVAL:
                least = min(least, 1.0 - other_numbers)
    return least


def _acts(hypothesis: Hypothesis, fit: Fit | None) -> bool:
    """Understood, and something the project can act on (when we know the project)."""
    command = hypothesis.command
    return command is not None and (fit is None or fit(command) > 0)


def same_meaning(first: Command, second: Command) -> bool:
    """Same action and arguments; quotes alike enough to find the same words."""
    if first.action != second.action or first.args.keys() != second.args.keys():
        return False
    for name, value in first.args.items():
        other = second.args[name]
        if isinstance(value, Quote) and isinstance(other, Quote):
            if fuzz.ratio(_bare(value.text), _bare(other.text)) < QUOTE_ALIKE:
                return False
        elif value != other:
            return False
    return True


def command_audio(path: str | Path) -> np.ndarray:
    """A recorded command as 16 kHz mono float32, or one clear sentence saying what is wrong."""
    from faster_whisper.audio import decode_audio

    path = Path(path)
    if not path.is_file():
        raise VoiceEditError(f"There is no file at {path}.")
    try:
        audio = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except IndexError:  # PyAV opened it, but it has no audio stream
        raise VoiceEditError(f"{path.name} has no sound track.") from None
    except Exception:  # PyAV raises many kinds; all mean "not a media file"
        raise VoiceEditError(f"{path.name} is not an audio file I can read.") from None
    if len(audio) > MAX_FRAMES * HOP:
        length = say_time(len(audio) * 1000 // SAMPLE_RATE)
        raise VoiceEditError(f"{path.name} is {length} long; a spoken command is a few seconds.")
    if loudest_dbfs(audio) < SILENCE_DBFS:
        raise VoiceEditError(f"{path.name} is silent: there is no command in it to hear.")
    return audio


def loudest_dbfs(audio: np.ndarray) -> float:
    """The level of the loudest 20 ms, in dB below full scale (-inf for no sound at all)."""
    frames = audio[: len(audio) // 320 * 320].reshape(-1, 320)
    if len(frames) == 0:
        return -math.inf
    loudest = float(np.sqrt(np.max(np.mean(frames.astype(np.float64) ** 2, axis=1))))
    return 20 * math.log10(loudest) if loudest > 0 else -math.inf


def recognise_file(
    path: str | Path,
    recognizer: CommandRecognizer | None = None,
    fit: Fit | None = None,
    phrases: Phrases | None = None,
) -> Heard:
    """Recognise the command in an audio file (`voiceedit do --audio`)."""
    audio = command_audio(path)
    if recognizer is None:
        from voiceedit.understand.matcher import vocabulary_prompt

        recognizer = CommandRecognizer(prompt=vocabulary_prompt(), fit=fit, phrases=phrases)
    return recognizer.recognise(audio)


def drop_repeats(text: str) -> str:
    """Whisper in a short window sometimes goes round again after the command: "Delete the
    repeated takes. Delete the repeat. Delete the" → "Delete the repeated takes.".

    A sentence is dropped when it is nearly an earlier one (rapidfuzz ratio) or the start of
    one; within a sentence, a phrase said over and over is said once (`collapse_repeats`).
    Two different sentences stay: "Delete from one minute. To two minutes."
    """
    kept: list[str] = []
    for sentence in SENTENCE_END.split(text.strip()):
        sentence = collapse_repeats(sentence)
        if sentence and not any(_repeats(sentence, earlier) for earlier in kept):
            kept.append(sentence)
    return " ".join(kept)


def collapse_repeats(text: str) -> str:
    """"Help help help help" → "Help": the decoder looping on one phrase without punctuation.

    The text is cut to its shortest leading phrase when the rest only repeats that phrase,
    comparing words without case or punctuation; the last repeat may be cut short, even
    mid-word, by `max_length`. A cut-short repeat must run at least three words, so
    "clip two and clip" stays whole.
    """
    words = text.split()
    bare = [_bare(word) for word in words]
    for period in range(1, len(words)):
        tail = bare[period:]
        if len(tail) < min(period, 3):
            continue
        again = [bare[i % period] for i in range(period, len(words))]
        if tail[:-1] == again[:-1] and again[-1].startswith(tail[-1]):
            return " ".join(words[:period])
    return text


def _bare(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def _repeats(sentence: str, earlier: str) -> bool:
    later, before = _bare(sentence), _bare(earlier)
    return before.startswith(later) or fuzz.ratio(later, before) >= REPEAT_RATIO


def _avg_logprob(score: float, length: int) -> float:
    # CTranslate2 returns the cumulative log probability divided by the length (length_penalty 1);
    # faster-whisper reports it over length + 1 (counting the end token), and so do we.
    return score * length / (length + 1)
