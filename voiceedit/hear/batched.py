"""Batched decoding for the GPU: the speech windows of many files decoded together.

Measured on an NVIDIA H200 with tiny.en (docs in /work/shared/DESIGN.md §6): openai-whisper's
`transcribe`, one file at a time, ran 7-20x real time (its per-token Python loop is the
limit), while `whisper.decode` on a batch of 256 thirty-second log-mel windows ran 2,549x. So
this path cuts every file into windows of speech (silero VAD, as faster-whisper's batched
pipeline does; consecutive speech joined while it fits in 30 s, so a window is one stretch
of the file and its times need no remapping), decodes the windows of all the files in
batches, then times each window's words with openai-whisper's own alignment (one forward
pass a window) and cleans the words up as `voiceedit transcribe` does.

The same code runs on the CPU (tests compare a batch with the windows one by one); there it
buys nothing over the faster-whisper engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from voiceedit.errors import VoiceEditError
from voiceedit.hear.audio import SAMPLE_RATE
from voiceedit.hear.models import ModelInfo, resolve_model
from voiceedit.timeline.transcript import Transcript, Word

WINDOW_SAMPLES = 30 * SAMPLE_RATE
BATCH_WINDOWS = {"cuda": 256, "cpu": 8}  # 256 windows took 3.6 GiB on the H200 (fp16)


@dataclass(frozen=True)
class Window:
    file: int  # index of the file in the job
    start: int  # samples
    end: int  # samples


def speech_windows(audio: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) samples of the stretches of speech, each at most 30 s."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    speech = get_speech_timestamps(audio, VadOptions(max_speech_duration_s=29,
                                                     min_silence_duration_ms=160))
    windows: list[tuple[int, int]] = []
    for part in speech:
        if windows and part["end"] - windows[-1][0] <= WINDOW_SAMPLES:
            windows[-1] = (windows[-1][0], part["end"])
        else:
            windows.append((part["start"], min(part["end"], part["start"] + WINDOW_SAMPLES)))
    return windows


def log_mel(audio: np.ndarray, n_mels: int, device: str):
    """A window's log-mel spectrogram, zero-padded to 30 s as Whisper's encoder wants."""
    import torch
    import whisper

    samples = whisper.pad_or_trim(torch.from_numpy(np.ascontiguousarray(audio, np.float32)))
    return whisper.log_mel_spectrogram(samples, n_mels).to(device)


def decode_windows(model, audios: list[np.ndarray], language: str, device: str,
                   batch: int, prompt: str | None = None) -> list:
    """whisper.decode's results (text, tokens) for each window, `batch` windows at a time."""
    return [result for _, results in decoded_batches(model, audios, language, device, batch,
                                                     prompt)
            for result in results]


def decoded_batches(model, audios: list[np.ndarray], language: str, device: str,
                    batch: int, prompt: str | None = None) -> Iterator[tuple]:
    """(log-mels, whisper.decode's results) for each batch of windows: the mels go on to
    window_words, which would otherwise compute them again."""
    import torch
    import whisper

    options = whisper.DecodingOptions(language=language, temperature=0.0,
                                      without_timestamps=True, fp16=device == "cuda",
                                      prompt=prompt)
    for first in range(0, len(audios), batch):
        mels = torch.stack([log_mel(a, model.dims.n_mels, device)
                            for a in audios[first:first + batch]])
        with torch.no_grad():
            yield mels, whisper.decode(model, mels, options)


def window_words(model, tokenizer, audio: np.ndarray, tokens: list[int], text: str,
                 device: str, offset_ms: int, mel=None) -> list[Word]:
    """The words of one decoded window with their times in the file (ms); `mel` is the
    window's log_mel when the caller has it."""
    from whisper.audio import HOP_LENGTH
    from whisper.timing import add_word_timestamps

    segment = {"seek": 0, "start": 0.0, "end": len(audio) / SAMPLE_RATE, "text": text,
               "tokens": tokens}
    add_word_timestamps(segments=[segment], model=model, tokenizer=tokenizer,
                        mel=log_mel(audio, model.dims.n_mels, device) if mel is None else mel,
                        num_frames=max(1, len(audio) // HOP_LENGTH), last_speech_timestamp=0.0)
    return [Word(w["word"].strip(), offset_ms + round(w["start"] * 1000),
                 offset_ms + round(w["end"] * 1000), float(w["probability"]))
            for w in segment.get("words", []) if w["word"].strip()]


def transcribe_batched(paths: list[str], model: str = "tiny.en", language: str = "en",
                       device: str = "cpu", batch: int | None = None
                       ) -> list[Transcript | VoiceEditError]:
    """Each file's transcript (or the sentence saying why not), its windows decoded in
    batches with every other file's."""
    from voiceedit.hear.openai_engine import load_openai_whisper
    from voiceedit.hear.transcribe import FILLER_PROMPT, audible, finished, load_audio

    info = resolve_model(model)
    network = load_openai_whisper(info, device)
    language = "en" if info.english_only else language
    results: list[Transcript | VoiceEditError] = []
    audios: dict[int, np.ndarray] = {}
    windows: list[Window] = []
    for number, path in enumerate(paths):
        try:
            media = audible(path)
            audios[number] = load_audio(media.path)
        except VoiceEditError as error:
            results.append(error)
            continue
        results.append(Transcript(media.path, media.duration, (), (), info.name,
                                  "openai-whisper", language))
        windows += [Window(number, s, e) for s, e in speech_windows(audios[number])]
    pieces = [audios[w.file][w.start:w.end] for w in windows]
    words: dict[int, list[Word]] = {n: [] for n in audios}
    tokenizer = _tokenizer(network, info, language)
    place = iter(zip(windows, pieces, strict=True))
    for mels, heard in decoded_batches(network, pieces, language, device,
                                       batch or BATCH_WINDOWS.get(device, 8), FILLER_PROMPT):
        for mel, result, (window, piece) in zip(mels, heard, place, strict=False):
            words[window.file] += window_words(network, tokenizer, piece, result.tokens,
                                               result.text, device, window.start * 1000
                                               // SAMPLE_RATE, mel)
    for number, audio in audios.items():
        empty = results[number]
        assert isinstance(empty, Transcript)
        results[number] = finished(empty.media, empty.duration, words[number], audio,
                                   info.name, "openai-whisper", language)
    return results


def _tokenizer(network, info: ModelInfo, language: str):
    from whisper.tokenizer import get_tokenizer

    return get_tokenizer(network.is_multilingual, num_languages=network.num_languages,
                         language=language, task="transcribe")
