"""Recognise one short spoken command, fast: Whisper below its 30 s window.

Whisper's encoder is trained on 30 s windows, and plain faster-whisper pads every command to
30 s (3000 feature frames): 0.45–1.1 s for a two-second command on this machine. CTranslate2's
encoder accepts shorter inputs, as whisper.cpp's `audio_ctx` does, and the cost falls with the
window: 3000 frames 429 ms, 1000 frames 133 ms, 600 frames 92 ms for a 3 s command (DESIGN.md).

What goes wrong in a short window, and what we do about it (measured in bench/commands.py):
- The decoder repeats itself ("yes yes yes", "split here. split here.") when the window leaves
  little silence after the speech. The window is the speech plus a margin of silence, never
  below a floor; decoding runs *with* timestamps, which lets the model close the segment and
  stop; `max_length` is capped by the audio's length; and a segment that repeats an earlier
  one or starts after the audio ended is dropped.
- Padding: the features of the speech, then zeros (what faster-whisper does for its 30 s pad).
- The grammar's own vocabulary is given as the previous-text prompt (Whisper's
  `initial_prompt`), so "undo" is less often "and do" and "export" less often "expert".

The model stays loaded: build one `CommandRecognizer` and call `recognise` per utterance.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.feature_extractor import FeatureExtractor
from faster_whisper.tokenizer import Tokenizer

from voiceedit.answer.spoken_time import say_time
from voiceedit.errors import VoiceEditError
from voiceedit.hear.models import resolve_model

SAMPLE_RATE = 16000
HOP = 160  # samples per feature frame: 100 frames a second
MAX_FRAMES = 3000  # Whisper's 30 s window
SECONDS_PER_TIMESTAMP = 0.02
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


@dataclass(frozen=True)
class Heard:
    """What was recognised in one utterance."""

    text: str  # the best hypothesis, stripped ("Delete from 1 minute 30 to 2 minutes.")
    avg_logprob: float
    alternatives: tuple[Hypothesis, ...]  # n-best, best first; alternatives[0] is `text`
    timings: Timings
    frames: int  # the encoder window used, in feature frames (100 a second)

    @property
    def confidence(self) -> float:
        """exp(avg_logprob): 1 when the model had no doubt about any token."""
        return math.exp(self.avg_logprob)


class CommandRecognizer:
    """A warm Whisper model that turns one utterance (float32, 16 kHz, mono) into text.

    `prompt` is text the model reads as if it came just before (the grammar's vocabulary).
    `beam_size`/`num_hypotheses` > 1 return an n-best list for grammar-guided rescoring.
    """

    def __init__(
        self,
        model: str = "tiny.en",
        prompt: str | None = None,
        *,
        compute_type: str = "int8",
        cpu_threads: int = 2,
        beam_size: int = 1,
        num_hypotheses: int = 1,
        margin_frames: int = 300,
        min_frames: int = 500,
        timestamps: bool = True,
    ) -> None:
        info = resolve_model(model)
        self.name = info.name
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
        self.prompt = self._prompt_tokens(prompt)

    def _prompt_tokens(self, prompt: str | None) -> list[int]:
        tokens = []
        if prompt and prompt.strip():
            # Whisper keeps at most half its 448-token context for previous text.
            tokens = [self.tokenizer.sot_prev, *self.tokenizer.encode(" " + prompt.strip())[-223:]]
        tokens.extend(self.tokenizer.sot_sequence)
        if not self.timestamps:
            tokens.append(self.tokenizer.no_timestamps)
        return tokens

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
        window = np.zeros((mel.shape[0], frames), dtype=np.float32)
        window[:, : min(frames, mel.shape[1])] = mel[:, :frames]
        featured = time.perf_counter()
        encoded = self.whisper.model.encode(ctranslate2.StorageView.from_array(window[None]))
        encoded_at = time.perf_counter()
        seconds = len(audio) / SAMPLE_RATE
        result = self.whisper.model.generate(
            encoded,
            [self.prompt],
            beam_size=self.beam_size,
            num_hypotheses=self.num_hypotheses,
            max_length=len(self.prompt) + int(16 + 10 * seconds),
            return_scores=True,
        )[0]
        decoded = time.perf_counter()
        hypotheses = tuple(
            Hypothesis(self._text(ids, seconds), _avg_logprob(score, len(ids)))
            for ids, score in zip(result.sequences_ids, result.scores, strict=True)
        )
        timings = Timings(
            features=1000 * (featured - started),
            encode=1000 * (encoded_at - featured),
            decode=1000 * (decoded - encoded_at),
        )
        best = hypotheses[0]
        return Heard(best.text, best.avg_logprob, hypotheses, timings, frames)

    def _text(self, ids: list[int], seconds: float) -> str:
        """The text of the segments that belong to the utterance, without repeats."""
        kept: list[str] = []
        for start, text in self._segments(ids):
            if start is not None and start >= seconds:
                break  # begins in the silent padding: the decoder is inventing
            text = collapse_repeats(text)
            if text and text.casefold() not in (k.casefold() for k in kept):
                kept.append(text)
        return collapse_repeats(" ".join(kept))

    def _segments(self, ids: list[int]) -> list[tuple[float | None, str]]:
        """Split decoded tokens at timestamps into (start seconds or None, text) pieces."""
        first_timestamp = self.tokenizer.timestamp_begin
        segments: list[tuple[float | None, list[int]]] = [(None, [])]
        for token in ids:
            if token >= first_timestamp:
                start = (token - first_timestamp) * SECONDS_PER_TIMESTAMP
                if segments[-1][1]:
                    segments.append((start, []))  # a timestamp after text closes the segment
                else:
                    segments[-1] = (start, [])  # the next segment opens here
            else:
                segments[-1][1].append(token)
        return [(start, self.tokenizer.decode(tokens).strip()) for start, tokens in segments]


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


def recognise_file(path: str | Path, recognizer: CommandRecognizer | None = None) -> Heard:
    """Recognise the command in an audio file (`voiceedit do --audio`)."""
    audio = command_audio(path)
    if recognizer is None:
        from voiceedit.understand.matcher import vocabulary_prompt

        recognizer = CommandRecognizer(prompt=vocabulary_prompt())
    return recognizer.recognise(audio)


def collapse_repeats(text: str) -> str:
    """"Split here. Split here. Split" → "Split here.": the decoder looping on one phrase.

    The text is cut to its shortest leading phrase when the rest of it only repeats that phrase
    (the last time possibly cut short by `max_length`), comparing words without case or
    punctuation. A cut-short repeat must run at least three words, so "clip two and clip"
    stays whole.
    """
    words = text.split()
    bare = ["".join(c for c in w.casefold() if c.isalnum()) for w in words]
    for period in range(1, len(words)):
        repeated = len(words) - period
        if repeated >= min(period, 3) and all(
            bare[i] == bare[i % period] for i in range(period, len(words))
        ):
            return " ".join(words[:period])
    return text


def _avg_logprob(score: float, length: int) -> float:
    # CTranslate2 returns the cumulative log probability divided by the length (length_penalty 1);
    # faster-whisper reports it over length + 1 (counting the end token), and so do we.
    return score * length / (length + 1)
