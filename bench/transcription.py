"""Transcription speed: real-time factor (audio seconds / wall seconds), side by side.

Ours is voiceedit.hear.transcribe (faster-whisper batched over VAD speech chunks, fillers
prompt, word timestamps, word-time refinement). The alternatives, on the same audio, in the
same run: plain faster-whisper (`WhisperModel.transcribe`, sequential 30 s windows, word
timestamps) and plain openai-whisper (PyTorch, CPU, word timestamps). Model loading is
excluded; each figure is the best of --repeat runs. Nothing is cached.

    .venv/bin/python bench/transcription.py [--repeat 2] [--copies 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "interview.mp4"


def make_audio(copies: int, folder: Path) -> Path:
    """The sample repeated `copies` times: long enough for stable figures."""
    listing = folder / "list.txt"
    listing.write_text("".join(f"file '{SAMPLE}'\n" for _ in range(copies)))
    out = folder / "bench.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i",
                    str(listing), "-ar", "16000", "-ac", "1", str(out)], check=True)
    return out


def best_of(repeat: int, job) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = job()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--models", default="tiny.en,base")
    args = parser.parse_args()

    from faster_whisper import WhisperModel

    from voiceedit.hear import transcribe as ours
    from voiceedit.hear.audio import SAMPLE_RATE
    from voiceedit.hear.models import resolve_model
    from voiceedit.hear.openai_engine import load_openai_whisper, transcribe_openai

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VOICEEDIT_CACHE"] = tmp  # cold: nothing cached
        wav = make_audio(args.copies, Path(tmp))
        audio = ours.load_audio(wav)
        seconds = len(audio) / SAMPLE_RATE
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
        print(f"audio: the sample x{args.copies} = {seconds:.1f} s; best of {args.repeat} runs; "
              "word timestamps on; model load excluded")
        print(f"{'engine':<44}{'model':<9}{'wall s':>8}{'x real time':>13}{'words':>7}")
        for name in args.models.split(","):
            model = resolve_model(name)
            ours.load_faster_whisper(str(model.path))
            plain = WhisperModel(str(model.path), device="cpu", compute_type="int8",
                                 cpu_threads=os.cpu_count() or 2)
            load_openai_whisper(model)

            def run_ours(wav=wav, name=name):
                return ours.transcribe(wav, model=name, use_cache=False).words

            def run_plain(plain=plain):
                segments, _ = plain.transcribe(audio, language="en", beam_size=1,
                                               word_timestamps=True)
                return [w for s in segments for w in s.words]

            def run_openai(model=model):
                return [w for s in transcribe_openai(model, audio, initial_prompt=None)
                        for w in s.words]

            for label, job in (("voiceedit (faster-whisper batched + VAD)", run_ours),
                               ("plain faster-whisper", run_plain),
                               ("plain openai-whisper", run_openai)):
                wall, words = best_of(args.repeat, job)
                print(f"{label:<44}{name:<9}{wall:>8.2f}{seconds / wall:>12.1f}x"
                      f"{len(words):>7}")


if __name__ == "__main__":
    main()
