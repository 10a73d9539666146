"""Who speaks when: each transcribed word given a speaker number (1, 2, ...), cached by content.

Voices are told apart by Resemblyzer's speaker encoder (its weights ship in the wheel, so
nothing is downloaded). The stretches of speech come from the silero detector inside
faster-whisper; each is cut into windows of at most 1.6 s that never cross a pause, since
turns mostly change at pauses and a window holding two voices is neither. The windows'
embeddings are clustered with scikit-learn (average-link agglomerative on cosine distance,
stopped at DISTANCE: the number of voices is found, not given, and one voice gives one
speaker), and each word takes the speaker nearest to the mean of the windows it overlaps.
bench/speakers.py measures this against fixed windows and 2-means (DESIGN.md §6).

The encoder's mel input is computed here with numpy (the same numbers as
resemblyzer.audio.wav_to_mel_spectrogram): librosa's own path costs seconds on its first
call in a process. Speakers are known within one source only: the same person in two files
is clustered twice and may get two numbers.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from voiceedit.errors import VoiceEditError
from voiceedit.hear.audio import SAMPLE_RATE
from voiceedit.timeline.transcript import Transcript, Word
from voiceedit.timeline.words import SENTENCE_END
from voiceedit.user_config import cache_dir, read_cached, write_cached

# Bump when a change alters the speakers found, so old cache entries are not used.
CACHE_VERSION = 3
HOP = 160  # samples per mel frame: 10 ms, the encoder's own
N_FFT = 400  # 25 ms
N_MELS = 40
WINDOW = 160  # frames in one window: 1.6 s, what the encoder was trained on
STEP = 80  # frames between windows in a long stretch of speech (0.8 s)
SHORTEST = 40  # frames: a stretch shorter than 0.4 s says too little about its voice
DISTANCE = 0.35  # cosine distance at which two groups of windows are two voices
BATCH = 1024  # windows run through the encoder at once (about 30 MB of input)
SMALLEST_SHARE = 0.05  # a "voice" with fewer windows than this share joins its nearest
MOST_CLUSTERED = 2000  # windows clustered at once (a 2000 x 2000 distance matrix)

ProgressCallback = Callable[[float], None]


def with_speakers(transcript: Transcript, audio: np.ndarray | None = None,
                  progress: ProgressCallback | None = None,
                  use_cache: bool = True) -> Transcript:
    """The transcript with each word's `speaker` set (cached by the media's content and the
    words' times); `audio` is the media's 16 kHz samples when the caller has them."""
    if not transcript.words:
        return transcript
    cached = _cache_file(transcript)
    numbers = read_cached(cached, _numbers_from_json) if use_cache else None
    if numbers is None or len(numbers) != len(transcript.words):
        if audio is None:
            from voiceedit.hear.transcribe import load_audio

            audio = load_audio(transcript.media)
        numbers = find_speakers(audio, transcript.words, progress)
        if use_cache:
            write_cached(cached, {"speakers": numbers})
    if progress:
        progress(1.0)
    words = tuple(replace(w, speaker=n) for w, n in zip(transcript.words, numbers, strict=True))
    position = {id(w): i for i, w in enumerate(transcript.words)}  # segments share the words
    segments = tuple(replace(s, words=tuple(words[position[id(w)]] for w in s.words))
                     for s in transcript.segments)
    return replace(transcript, words=words, segments=segments)


def find_speakers(audio: np.ndarray, words: Sequence[Word],
                  progress: ProgressCallback | None = None) -> list[int | None]:
    """A speaker number (1 for whoever speaks first) for each word, None where unknown."""
    stretches = speech_stretches(audio)
    windows = windows_in(stretches)
    if not windows:
        return [None] * len(words)
    embeddings = embed(mel_frames(audio), windows, progress)
    labels = cluster(embeddings)
    return assign_words(words, windows, embeddings, labels)


def speech_stretches(audio: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) mel frames of each stretch of speech, split at pauses of 0.15 s or more."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(min_silence_duration_ms=150, speech_pad_ms=30)
    return [(s["start"] // HOP, s["end"] // HOP)
            for s in get_speech_timestamps(audio, options, sampling_rate=SAMPLE_RATE)]


def windows_in(stretches: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Windows of at most WINDOW frames covering each stretch, none crossing a pause: a long
    stretch gets windows STEP apart, the last one ending where the stretch ends."""
    windows = []
    for start, end in stretches:
        if end - start < SHORTEST:
            continue
        if end - start <= WINDOW:
            windows.append((start, end))
            continue
        starts = list(range(start, end - WINDOW, STEP)) + [end - WINDOW]
        windows += [(s, s + WINDOW) for s in starts]
    return windows


@lru_cache(maxsize=1)
def mel_filters() -> np.ndarray:
    """The Slaney-style mel filter bank librosa gives for 16 kHz, 400-point FFT, 40 bands
    (tests/test_diarize.py checks it against librosa.filters.mel)."""
    fft_freqs = np.linspace(0, SAMPLE_RATE / 2, N_FFT // 2 + 1)
    mel_points = np.linspace(_hz_to_mel(0.0), _hz_to_mel(SAMPLE_RATE / 2), N_MELS + 2)
    hz_points = _mel_to_hz(mel_points)
    differences = np.diff(hz_points)
    ramps = hz_points[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / differences[:-1, None]
    upper = ramps[2:] / differences[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (hz_points[2:] - hz_points[:-2]))[:, None]  # equal area per band
    return weights.astype(np.float32)


def _hz_to_mel(hz: np.ndarray | float) -> np.ndarray:
    """Slaney's scale: linear below 1 kHz, logarithmic above."""
    hz = np.asarray(hz, dtype=np.float64)
    linear = hz / (200.0 / 3)
    log = 15.0 + np.log(np.maximum(hz, 1e-10) / 1000.0) / (np.log(6.4) / 27.0)
    return np.where(hz >= 1000.0, log, linear)


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    linear = mel * (200.0 / 3)
    log = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel - 15.0))
    return np.where(mel >= 15.0, log, linear)


def mel_frames(audio: np.ndarray) -> np.ndarray:
    """(frames, 40) mel power spectrogram, frame i centred on sample i * HOP: the encoder's
    input, as resemblyzer.audio.wav_to_mel_spectrogram computes it."""
    padded = np.pad(np.asarray(audio, dtype=np.float32), N_FFT // 2)
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP]
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)
    mels = []
    for first in range(0, len(frames), 4096):  # a bounded amount of memory for long files
        spectrum = np.abs(np.fft.rfft(frames[first:first + 4096] * window, axis=1)) ** 2
        mels.append(spectrum.astype(np.float32) @ mel_filters().T)
    return np.concatenate(mels) if mels else np.zeros((0, N_MELS), dtype=np.float32)


@lru_cache(maxsize=1)
def load_encoder():
    """Resemblyzer's encoder with the weights from its wheel (checked against the sum
    voiceedit ships, like the Whisper models), on the CPU, once a process."""
    from importlib.util import find_spec

    from voiceedit.hear.models import check_bundled

    spec = find_spec("resemblyzer")
    if spec is None or spec.origin is None:
        raise VoiceEditError("Speaker finding is not available (pip install --no-deps "
                             "resemblyzer==0.1.4, as make setup does).")
    check_bundled("speaker encoder", Path(spec.origin).parent)
    with warnings.catch_warnings():  # its audio module imports a deprecated scipy name
        warnings.simplefilter("ignore", DeprecationWarning)
        from resemblyzer import VoiceEncoder

    return VoiceEncoder(device="cpu", verbose=False)


def embed(mels: np.ndarray, windows: list[tuple[int, int]],
          progress: ProgressCallback | None = None) -> np.ndarray:
    """One unit-length embedding per window (Resemblyzer's forward pass). All windows run as
    one packed batch, short ones included: the LSTM's cost is its 160 steps, so a wide
    batch costs little more than a narrow one."""
    import torch

    encoder = load_encoder()
    embeddings = []
    # One thread: on this shared 2-core machine two OpenMP threads waited on each other and
    # took 10x longer (bench/RESULTS.md, "Speakers").
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.inference_mode():
            for first in range(0, len(windows), BATCH):
                embeddings.append(_embed_batch(encoder, mels, windows[first:first + BATCH]))
                if progress:
                    progress(0.95 * min(len(windows), first + BATCH) / len(windows))
    finally:
        torch.set_num_threads(threads)
    return np.concatenate(embeddings)


def _embed_batch(encoder, mels: np.ndarray, windows: list[tuple[int, int]]) -> np.ndarray:
    import torch
    from torch.nn.utils.rnn import pack_padded_sequence

    lengths = [end - start for start, end in windows]
    batch = np.zeros((len(windows), max(lengths), N_MELS), dtype=np.float32)
    for row, (start, end) in enumerate(windows):
        got = mels[start:end]
        batch[row, :len(got)] = got
    packed = pack_padded_sequence(torch.from_numpy(batch), lengths, batch_first=True,
                                  enforce_sorted=False)
    _, (hidden, _) = encoder.lstm(packed)  # the last real step of each window
    raw = encoder.relu(encoder.linear(hidden[-1]))
    return (raw / torch.norm(raw, dim=1, keepdim=True)).numpy()


def cluster(embeddings: np.ndarray) -> np.ndarray:
    """A voice label (0, 1, ...) per window: average-link clustering on cosine distance cut
    at DISTANCE, then voices with under SMALLEST_SHARE of the windows join their nearest.
    Past MOST_CLUSTERED windows (about 27 minutes of speech) an even sample is clustered
    and every window goes to its nearest voice: the clustering's memory grows as the
    square of the windows."""
    if len(embeddings) < 2:
        return np.zeros(len(embeddings), dtype=int)
    from sklearn.cluster import AgglomerativeClustering

    sample = embeddings[np.linspace(0, len(embeddings) - 1,
                                    min(len(embeddings), MOST_CLUSTERED)).astype(int)]
    labels = AgglomerativeClustering(n_clusters=None, distance_threshold=DISTANCE,
                                     metric="cosine", linkage="average").fit_predict(sample)
    counts = np.bincount(labels)
    big = np.flatnonzero(counts >= max(2, SMALLEST_SHARE * len(labels)))
    if len(big) == 0:
        return np.zeros(len(embeddings), dtype=int)
    centroids = _centroids(sample, labels, big)
    return big[np.argmax(embeddings @ centroids.T, axis=1)]


def _centroids(embeddings: np.ndarray, labels: np.ndarray, which: np.ndarray) -> np.ndarray:
    means = np.stack([embeddings[labels == label].mean(axis=0) for label in which])
    return means / np.linalg.norm(means, axis=1, keepdims=True)


def assign_words(words: Sequence[Word], windows: list[tuple[int, int]],
                 embeddings: np.ndarray, labels: np.ndarray) -> list[int | None]:
    """Each word's speaker: the voice whose centre is nearest the overlap-weighted mean of
    the windows under the word; numbered 1, 2, ... in the order they first speak.

    A word under no window (Whisper timed it into a pause: a sentence's last word often
    is) takes the speaker of the word before it in its sentence, else the one after it,
    else the nearest window within 0.5 s."""
    voices = np.unique(labels)
    centroids = _centroids(embeddings, labels, voices)
    starts = np.array([w[0] for w in windows]) * 10  # ms
    ends = np.array([w[1] for w in windows]) * 10

    def voice_of(weights: np.ndarray) -> int:
        return int(voices[np.argmax(centroids @ (weights @ embeddings))])

    found: list[int | None] = []
    for word in words:
        overlap = np.minimum(ends, word.end) - np.maximum(starts, word.start)
        found.append(voice_of(np.maximum(overlap, 0).astype(np.float32))
                     if overlap.max() > 0 else None)
    for index, word in enumerate(words):
        if found[index] is not None:
            continue
        before = words[index - 1] if index else None
        if before is not None and not before.text.endswith(SENTENCE_END) \
                and found[index - 1] is not None:
            found[index] = found[index - 1]
        elif index + 1 < len(words) and not word.text.endswith(SENTENCE_END) \
                and found[index + 1] is not None:
            found[index] = found[index + 1]
        else:
            gap = np.maximum(starts - word.end, word.start - ends)
            nearest = int(np.argmin(gap))
            if gap[nearest] <= 500:
                found[index] = voice_of((np.arange(len(windows)) == nearest).astype(np.float32))
    order = list(dict.fromkeys(v for v in found if v is not None))
    return [None if v is None else order.index(v) + 1 for v in found]


def _numbers_from_json(data: dict) -> list[int | None]:
    numbers = data["speakers"]
    if not isinstance(numbers, list) or any(
            n is not None and (type(n) is not int or n < 1) for n in numbers):
        raise ValueError("speakers must be whole numbers from 1")
    return numbers


def _cache_file(transcript: Transcript) -> Path:
    from voiceedit.media.fingerprint import content_hash

    times = hashlib.sha256(
        ",".join(f"{w.start}-{w.end}" for w in transcript.words).encode()).hexdigest()[:16]
    content = transcript.meta.get("content") or content_hash(transcript.media)  # see transcribe()
    name = f"{content}-{times}-v{CACHE_VERSION}.json"
    return cache_dir() / "speakers" / name
