"""Footage transcription: a media file in, a word-level Transcript out, cached by content.

This is the long-audio job (interviews, minutes to hours), kept apart from command
recognition (short utterances, lowest latency; see command_recognizer.py). Batched over the
speech only, greedy, with a verbatim prompt that keeps the filler words the cleanup commands
need, and cached by content hash; docs/design.md ("Hearing commands") says why.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from voiceedit.errors import VoiceEditError
from voiceedit.hear.audio import SAMPLE_RATE
from voiceedit.hear.models import ModelInfo, cache_dir, resolve_model
from voiceedit.hear.word_timing import refine_word_times
from voiceedit.media.fingerprint import content_hash
from voiceedit.media.probe import MediaInfo, probe
from voiceedit.timeline.transcript import Segment, Transcript, Word
from voiceedit.user_config import read_cached, write_cached

ENGINES = ("faster-whisper", "openai-whisper")
# Bump when the options below change what a transcript holds, so old cache entries are not used.
CACHE_VERSION = 3
CPU_THREADS_ENV = "VOICEEDIT_CPU_THREADS"
FILLER_PROMPT = "Um, uh, so, um, I mean, like, uh, you know, er, hmm."

ProgressCallback = Callable[[float], None]  # fraction done, 0..1


def transcribe(
    media: str | Path,
    model: str = "tiny.en",
    engine: str = "faster-whisper",
    language: str = "en",
    progress: ProgressCallback | None = None,
    use_cache: bool = True,
    device: str = "cpu",
    digest: str | None = None,
) -> Transcript:
    """Word-level transcript of any audio or video file ffmpeg reads. `device` ("cpu" or
    "cuda", see openai_engine.pick_device) is the openai-whisper engine's; `digest` is the
    file's content_hash when the caller has it. meta["content"] carries the hash on, so
    diarize.py does not read the whole file again."""
    if engine not in ENGINES:
        raise VoiceEditError(f"Unknown engine {engine}. Use {' or '.join(ENGINES)}.")
    info = audible(media)
    model_info = resolve_model(model)
    digest = digest or content_hash(info.path)
    key = _cache_key(digest, model_info, engine, language)
    cached = _cache_file(key)
    if use_cache and cached.is_file():
        transcript = read_cached(cached, Transcript.from_json)
        if transcript is not None:
            if progress:
                progress(1.0)
            return replace(transcript, media=info.path, meta={"cached": True, "content": digest})
    audio = load_audio(info.path)
    if engine == "faster-whisper":
        words = _faster_whisper_words(model_info, audio, language, progress)
    else:
        from voiceedit.hear.openai_engine import transcribe_openai

        raw = transcribe_openai(model_info, audio, initial_prompt=FILLER_PROMPT,
                                language=language, device=device)
        words = [word for segment in raw for word in segment.words]
    if progress:
        progress(1.0)
    transcript = finished(info.path, info.duration, words, audio, model_info.name, engine,
                          language)
    if use_cache:
        write_cached(cached, transcript.to_json())
    return replace(transcript, meta={"cached": False, "content": digest})


def finished(media: str, duration: int, words: list[Word], audio: np.ndarray, model: str,
             engine: str, language: str) -> Transcript:
    """The words any engine heard, cleaned up the same way (so transcripts compare word for
    word): probabilities rounded, times refined against the sound, grouped in sentences."""
    words = [replace(w, probability=round(w.probability, 4)) for w in words]
    segments = sentences(refine_word_times(words, audio, SAMPLE_RATE))
    return Transcript(
        media=media,
        duration=duration,
        words=tuple(word for segment in segments for word in segment.words),
        segments=tuple(segments),
        model=model,
        engine=engine,
        language=language,
        meta={"cached": False},
    )


def audible(media: str | Path) -> MediaInfo:
    """The file's probe, or the sentence saying it has no sound to transcribe."""
    info = probe(media)
    if not info.has_audio:
        raise VoiceEditError(f"{Path(info.path).name} has no sound to transcribe.")
    return info


def load_audio(path: str | Path) -> np.ndarray:
    """16 kHz mono float32 samples of the file's first audio stream."""
    from faster_whisper import decode_audio

    try:
        return decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except Exception as error:  # PyAV raises many types for damaged streams
        raise VoiceEditError(
            f"I can't decode the sound in {Path(path).name}; it may be corrupt."
        ) from error


@lru_cache(maxsize=2)
def load_faster_whisper(model_path: str):
    """One warm model per process: loading costs 0.2 to 1 s, more than a short file takes."""
    from faster_whisper import BatchedInferencePipeline, WhisperModel

    # A Dask worker with one thread sets VOICEEDIT_CPU_THREADS=1 (voiceedit/library/jobs.py):
    # two workers on two cores, each using both, would only fight over them.
    threads = int(os.environ.get(CPU_THREADS_ENV) or 0) or os.cpu_count() or 2
    model = WhisperModel(model_path, device="cpu", compute_type="int8", cpu_threads=threads)
    return BatchedInferencePipeline(model)


def _faster_whisper_words(
    model_info: ModelInfo, audio: np.ndarray, language: str, progress: ProgressCallback | None
) -> list[Word]:
    pipeline = load_faster_whisper(str(model_info.path))
    duration = len(audio) / SAMPLE_RATE
    raw_segments, _ = pipeline.transcribe(
        audio,
        language=language,
        beam_size=1,
        word_timestamps=True,
        initial_prompt=FILLER_PROMPT,
        batch_size=8,
    )
    words: list[Word] = []
    for raw in raw_segments:
        words += [
            Word(w.word.strip(), round(w.start * 1000), round(w.end * 1000), float(w.probability))
            for w in raw.words or ()
            if w.word.strip()
        ]
        if progress and duration:
            progress(min(1.0, raw.end / duration))
    return words


SENTENCE_END = (".", "?", "!")
SENTENCE_GAP_MS = 1500


def sentences(words: list[Word]) -> list[Segment]:
    """Words grouped into sentences: at end punctuation, or at a long silence.

    The batched pipeline returns chunks of up to 30 s; people read, hear and select
    sentences, so the transcript's segments are sentences.
    """
    segments: list[Segment] = []
    current: list[Word] = []
    for word in words:
        if current and word.start - current[-1].end >= SENTENCE_GAP_MS:
            segments.append(_segment(current))
            current = []
        current.append(word)
        if word.text.endswith(SENTENCE_END):
            segments.append(_segment(current))
            current = []
    if current:
        segments.append(_segment(current))
    return segments


def _segment(words: list[Word]) -> Segment:
    return Segment(" ".join(w.text for w in words), words[0].start, words[-1].end, tuple(words))


def _cache_key(digest: str, model_info: ModelInfo, engine: str, language: str) -> str:
    return f"{digest}-{engine}-{model_info.name}-{language}-v{CACHE_VERSION}"


def _cache_file(key: str) -> Path:
    return cache_dir() / "transcripts" / f"{key}.json"
