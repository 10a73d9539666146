"""Grammar-constrained decoding: Whisper's decoder may only write what can become a command.

Free decoding in noise writes what Whisper's language model likes ("That's what's an EDL",
"Short and pawned longer than two seconds"), and no amount of forgiving matching gets the
command back. Command-and-control recognisers (Talon, dragonfly over Kaldi) search only the
grammar's sentences instead; this module does that with Whisper. CTranslate2 has no hook into
its beam search, so the decoder steps run in openai-whisper's PyTorch network (the same
bundled weights, `openai_engine.load_openai_whisper`) over CTranslate2's encoding of the window:
the encoder, the costly half, is computed once and shared with the free passes.

The search is an ordinary beam search whose candidates are the model's most likely next
tokens that `Continuations` lets through, and the end of text only where the words are a
whole command. Scores are the model's own log probabilities over the whole vocabulary, so a
sentence the model finds unlikely keeps a low mean log probability: forcing noise into the
grammar never makes it sound sure, and the recogniser reads such a command back.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from threading import Event, Lock

import numpy as np

from voiceedit.hear.models import ModelInfo
from voiceedit.understand.continuation import Continuations
from voiceedit.understand.grammar import words

CANDIDATES = 64  # next tokens looked at per beam, most likely first
# Looked at when no beam's CANDIDATES fit the grammar: in noise the model may want only
# what no command says next ("Shorten-p" + "ounded", not "auses"). At most DEEPER_STEPS
# times a search, over its best beams: each costs about 20 ms a beam in Python.
DEEPER = 4096
DEEPER_STEPS = 3
OPENING_STEPS = 3  # the first tokens decide the command: searched wider
# Tokens a command is written with: words and numbers, "'s", digits after "." or ":" ("10.5",
# "1:30"), a comma or hyphen between words, and one full stop (or ? !) at the very end.
WORD_PIECE = re.compile(r"^ ?[A-Za-z0-9]+$|^'[a-z]+$|^[.:][0-9]+$")
WORD_START = re.compile(r"^ [A-Za-z]+$")
INNER_MARK = frozenset({",", "-", ".", ":"})  # "." and ":" inside only between digits
FINAL_MARK = frozenset({".", "?", "!"})
_SEARCHING = Lock()


@dataclass(frozen=True)
class Decoded:
    ids: tuple[int, ...]
    text: str
    logprob: float  # summed over the tokens and the end of text

    @property
    def avg_logprob(self) -> float:
        """Per token, counting the end of text (as faster-whisper reports it)."""
        return self.logprob / (len(self.ids) + 1)


@dataclass
class _Beam:
    ids: list[int]
    text: str
    logprob: float


class ConstrainedDecoder:
    """Beam search within the grammar over an encoded window (CTranslate2's encoder output).

    `prompt` is the token sequence the decoder starts from (previous-text prompt, start of
    transcript, no timestamps); `pieces[token]` is the text of each token below `eot` (the
    special tokens after it are never written).
    """

    def __init__(self, model: ModelInfo, prompt: list[int], pieces: list[str], eot: int,
                 threads: int = 2, opening_width: int = 20) -> None:
        import torch

        from voiceedit.hear.openai_engine import load_openai_whisper

        self.torch = torch
        self.threads = threads
        self.network = load_openai_whisper(model)
        self.decoder = self.network.decoder
        self.prompt = list(prompt)
        self.eot = eot
        self.pieces = list(pieces[:eot]) + [""] * (self.network.dims.n_vocab - eot)
        self.opening_width = opening_width
        self.writable = np.array(
            [bool(WORD_PIECE.match(piece)) or piece in INNER_MARK | FINAL_MARK
             for piece in self.pieces]
        )
        # A space and letters: the word it starts, as grammar.words writes it ("" if not).
        self.word_start = [piece[1:].lower() if WORD_START.match(piece) else ""
                           for piece in self.pieces]
        self.projection = output_projection(torch, self.decoder.token_embedding.weight)
        self.cross = {block.cross_attn.key for block in self.decoder.blocks} | {
            block.cross_attn.value for block in self.decoder.blocks
        }

    def decode(self, encoded: np.ndarray, fence: Continuations, beam_size: int = 5,
               max_tokens: int = 40, stop: Event | None = None) -> list[Decoded]:
        """The best finished sentences (best mean log probability first), at most beam_size.
        `stop`, once set, ends the search at its next step with nothing found: the search
        runs beside the free beam, and is not needed when that beam is sure."""
        # One search at a time in the process: recognisers of one model share its network
        # (openai_engine.load_openai_whisper), whose modules carry each search's hooks.
        with _SEARCHING:
            if stop is not None and stop.is_set():
                return []
            return self._decode(encoded, fence, beam_size, max_tokens, stop)

    def _decode(self, encoded: np.ndarray, fence: Continuations, beam_size: int,
                max_tokens: int, stop: Event | None) -> list[Decoded]:
        torch = self.torch
        if torch.get_num_threads() != self.threads:  # a process-wide setting: ours, here
            torch.set_num_threads(self.threads)
        audio = torch.from_numpy(np.ascontiguousarray(encoded, dtype=np.float32))
        cache: dict = {}
        hooks = self._hooks(cache)
        finished: list[Decoded] = []
        deeper = DEEPER_STEPS
        try:
            with torch.inference_mode():
                logits = self._logits(torch.tensor([self.prompt]), audio, cache)
                beams = [_Beam([], "", 0.0)]
                for step in range(max_tokens):
                    if stop is not None and stop.is_set():
                        return []
                    logprobs = torch.log_softmax(logits.float(), dim=-1)
                    width = self.opening_width if step < OPENING_STEPS else beam_size
                    chosen = self._step(beams, logprobs, fence, finished, width)
                    if not chosen and not finished and deeper:
                        # Every likely token leaves the grammar: rather than end with
                        # nothing, look further down the best beams' tokens.
                        deeper -= 1
                        chosen = self._step(beams[:beam_size], logprobs[:beam_size], fence,
                                            finished, width, DEEPER)
                    if not chosen or _settled(finished, chosen, beam_size):
                        break
                    beams = [beam for _, beam in chosen]
                    self._reorder(cache, [source for source, _ in chosen])
                    tokens = torch.tensor([[beam.ids[-1]] for beam in beams])
                    logits = self._logits(tokens, audio.expand(len(beams), -1, -1), cache)
        finally:
            for hook in hooks:
                hook.remove()
        best: dict[str, Decoded] = {}  # one per wording: "10 seconds." / "10 seconds"
        for decoded in sorted(finished, key=lambda d: d.avg_logprob, reverse=True):
            best.setdefault(" ".join(words(decoded.text)), decoded)
        return list(best.values())[:beam_size]

    def _logits(self, tokens, audio, cache: dict):
        """openai-whisper's TextDecoder.forward, projecting only the last position."""
        decoder = self.decoder
        offset = next(iter(cache.values())).shape[1] if cache else 0
        x = decoder.token_embedding(tokens) + decoder.positional_embedding[
            offset : offset + tokens.shape[-1]
        ]
        for block in decoder.blocks:
            x = block(x, audio, mask=decoder.mask, kv_cache=cache)
        return self.projection(decoder.ln(x[:, -1]))

    def _step(self, beams: list[_Beam], logprobs, fence: Continuations,
              finished: list[Decoded], width: int, depth: int = CANDIDATES
              ) -> list[tuple[int, _Beam]]:
        """One step of beam search: every beam's likely tokens that the grammar allows, and
        the end of text where the words are a whole command, compete. An ending among the
        best `width` is finished; the best `width` tokens grow, so that short commands
        finished early ("No.") don't crowd out the longer one still being written. `depth`:
        how many of each beam's likeliest tokens are looked at."""
        values, indices = self.torch.topk(logprobs, depth, dim=-1)
        eot_logprobs = logprobs[:, self.eot].tolist()
        options: list[tuple[float, int, int, str]] = []  # (score, beam, token, text)
        for source, beam in enumerate(beams):
            if beam.ids and fence.is_command(tuple(words(beam.text))):
                options.append((beam.logprob + eot_logprobs[source], source, self.eot, ""))
            options.extend(self._grown(beam, source, values[source], indices[source], fence))
        options.sort(key=lambda option: option[0], reverse=True)
        growing = []
        for rank, (score, source, token, text) in enumerate(options):
            beam = beams[source]
            if token != self.eot:
                growing.append((source, _Beam([*beam.ids, token], text, score)))
                if len(growing) == width:
                    break
            elif rank < width:  # an ending as likely as the best growing beams
                finished.append(Decoded(tuple(beam.ids), beam.text.strip(), score))
        return growing

    def _grown(self, beam: _Beam, source: int, values, indices, fence: Continuations
               ) -> list[tuple[float, int, int, str]]:
        """The beam grown by each of these tokens (most likely first) the grammar allows.
        A token that is a space and letters starts a word after the beam's words, which
        are read once a beam, not once a token: most of a step's time is this loop."""
        grown = []
        said: tuple[str, ...] | None = None
        for logprob, token in zip(values.tolist(), indices.tolist(), strict=True):
            if token == self.eot or not self.writable[token]:
                continue
            text = beam.text + self.pieces[token]
            if self.word_start[token]:
                if said is None:
                    said = tuple(words(beam.text))
                allowed = fence.may_continue(said, self.word_start[token])
            else:
                allowed = _well_marked(text) and fence.allows(text)
            if allowed:
                grown.append((beam.logprob + logprob, source, token, text))
        return grown

    def _hooks(self, cache: dict) -> list:
        cross = self.cross

        def keep(module, _, output):
            if module in cross:
                cache.setdefault(module, output)  # the audio's keys and values, computed once
            elif module in cache:
                cache[module] = self.torch.cat([cache[module], output], dim=1)
            else:
                cache[module] = output
            return cache[module]

        hooks = []
        for block in self.decoder.blocks:
            for attention in (block.attn, block.cross_attn):
                hooks.append(attention.key.register_forward_hook(keep))
                hooks.append(attention.value.register_forward_hook(keep))
        return hooks

    def _reorder(self, cache: dict, sources: list[int]) -> None:
        """Each kept beam takes the self-attention cache of the beam it grew from."""
        index = self.torch.tensor(sources)
        for module, value in cache.items():
            if module in self.cross:
                cache[module] = value[:1].expand(len(sources), -1, -1)
            else:
                cache[module] = value.index_select(0, index)


def output_projection(torch, embedding) -> Callable:
    """The decoder's last product, onto the whole vocabulary: five beams x 384 x 51,864 at
    every step, most of the search's time in float (8.8 ms a step on one thread). In int8,
    one scale a token as CTranslate2 keeps the free passes' weights: 1.2 ms, and the same
    best sentence on 39 of 41 unsure clips (the others near ties). PyTorch marks its eager
    quantization deprecated; where it is gone, the float product is used."""
    weight = embedding.detach()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

            linear = torch.nn.Linear(weight.shape[1], weight.shape[0], bias=False)
            linear.weight.data = weight.clone()
            quantized = quantize_dynamic(torch.nn.Sequential(linear),
                                         {torch.nn.Linear: per_channel_dynamic_qconfig},
                                         dtype=torch.qint8)
            quantized(torch.zeros(1, weight.shape[1]))  # no quantized engine: fails here
            return quantized
    except (ImportError, AttributeError, RuntimeError, NotImplementedError):
        projection = weight.t().contiguous()  # transposed once, not at every step
        return lambda x: x @ projection


def _settled(finished: list[Decoded], growing: list[tuple[int, _Beam]], wanted: int) -> bool:
    """Whether `wanted` sentences are finished and no growing beam is likely to beat the
    last of them: its mean log probability if it ended at the next token is already worse
    (the next tokens usually cost more than the mean so far)."""
    if len(finished) < wanted:
        return False
    kept = sorted((d.avg_logprob for d in finished), reverse=True)[wanted - 1]
    return all(beam.logprob / (len(beam.ids) + 2) < kept for _, beam in growing)


def _well_marked(text: str) -> bool:
    """Punctuation a command can have: a mark only after a word, never two in a row,
    nothing after a full stop (or ? !) but digits after a number's "." ("10.5")."""
    last = text[-1]
    if last.isalnum() or last == "'":
        if len(text) > 1 and text[-2] in FINAL_MARK:
            return text[-2] == "." and last.isdigit() and len(text) > 2 and text[-3].isdigit()
        return True
    before = text[-2] if len(text) > 1 else " "
    if not before.isalnum():
        return False
    if last in (".", ":") and before.isdigit():
        return True
    return last in FINAL_MARK or last in (",", "-")
