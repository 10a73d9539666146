"""Speaker finding speed and accuracy on two voices taking turns, beside the naive way.

The audio is tests/two_voices.py's: ten turns, the Piper voice and espeak-ng by turns,
said `--rounds` times over (3 rounds: about 2.5 minutes, 30 turns), 0.5 s between turns.
It is transcribed once with tiny.en (cached; not timed). Then, each `--repeat` times:

1. voiceedit (`hear/diarize.py`, no cache): voice activity (silero), windows that never cross
   a pause, the Resemblyzer encoder (one thread, packed batch), agglomerative clustering
   with the count of voices found, each word given the speaker nearest its windows.
2. The naive way of DESIGN.md §6: Resemblyzer's own `embed_utterance(return_partials=True,
   rate=4)` over the whole file (1.6 s windows four a second, its librosa mel), 2-means
   (the count given), each word given the label of the window centred nearest to it.

Wall time (the encoder's loading counted once, in the first run, as "cold"), real-time
factor, and the share of words given the right speaker (the best matching of labels to
voices, so the numbering does not count). Target (issue 19): at least 20x real time.

A third line runs the naive way on one thread too, as ours does: on this shared 2-core
machine torch's two threads wait on each other when other work holds a core.

    .venv/bin/python bench/speakers.py [--rounds 3] [--repeat 3] [--gap 500]
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from two_voices import Turns, two_voices, write_turns  # noqa: E402

from voiceedit.hear import diarize  # noqa: E402
from voiceedit.hear.audio import SAMPLE_RATE  # noqa: E402
from voiceedit.hear.transcribe import load_audio, transcribe  # noqa: E402


def accuracy(labels: list[int | None], mids: list[int], turns: Turns) -> float:
    """Share of words whose label is the true voice, under the best matching of labels."""
    truth = [turns.speaker_at(mid) for mid in mids]
    found = sorted({label for label in labels if label is not None})
    best = 0
    for voices in itertools.permutations(range(max(2, len(found))), len(found)):
        mapping = dict(zip(found, voices, strict=True))
        right = sum(1 for label, true in zip(labels, truth, strict=True)
                    if label is not None and mapping[label] == true)
        best = max(best, right)
    return best / len(labels)


def ours(audio: np.ndarray, words) -> list[int | None]:
    return diarize.find_speakers(audio, words)


def naive_one_thread(audio: np.ndarray, words) -> list[int]:
    """The naive way on one thread, as ours runs: what the windows and the mel cost."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return naive(audio, words)
    finally:
        torch.set_num_threads(threads)


def naive(audio: np.ndarray, words) -> list[int]:
    from sklearn.cluster import KMeans

    encoder = diarize.load_encoder()
    _, partials, slices = encoder.embed_utterance(audio, return_partials=True, rate=4)
    labels = KMeans(n_clusters=2, n_init=10, random_state=0).fit_predict(partials)
    centres = np.array([(s.start + s.stop) / 2 / SAMPLE_RATE * 1000 for s in slices])
    return [int(labels[np.argmin(np.abs(centres - (w.start + w.end) / 2))]) for w in words]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--gap", type=int, default=500, help="ms of silence between turns")
    options = parser.parse_args()
    turns = two_voices(repeat=options.rounds, gap_ms=options.gap)
    with tempfile.TemporaryDirectory() as folder:
        path = write_turns(Path(folder) / "turns.wav", turns)
        words = transcribe(path).words
        audio = load_audio(path)
    seconds = len(audio) / SAMPLE_RATE
    mids = [(w.start + w.end) // 2 for w in words]
    print(f"{seconds:.1f} s of two voices, {len(turns.turns)} turns {options.gap} ms apart, "
          f"{len(words)} words; "
          f"{platform.machine()}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}")
    start = time.perf_counter()
    diarize.load_encoder()
    from sklearn.cluster import AgglomerativeClustering, KMeans  # noqa: F401

    loading = time.perf_counter() - start
    print(f"loading torch, the encoder and scikit-learn: {loading:.2f} s (once a process)")
    for run in range(1, options.repeat + 1):
        row = [f"run {run}:"]
        for name, method in (("voiceedit", ours), ("naive 2-means", naive),
                             ("naive 2-means on one thread", naive_one_thread)):
            start = time.perf_counter()
            labels = method(audio, words)
            took = time.perf_counter() - start
            found = len({label for label in labels if label is not None})
            row.append(f"{name} {took:.2f} s ({seconds / took:.0f}x real time, "
                       f"{seconds / (took + loading):.0f}x cold), {found} voices, "
                       f"{100 * accuracy(labels, mids, turns):.1f}% of words right;")
        print("\n  ".join(row), f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
