"""Latency of the live session: from the end of speech to the answer starting, p50 and p95.

The sample's spoken command WAVs (samples/commands) go through the whole live loop in real
time, as a microphone would deliver them: voice activity (300 ms hangover), recognition,
the session (understand, act, save), and speech synthesis of the answer. "Answer starts"
is when the answer's sound is handed to the output. Each configuration runs on a fresh copy
of the sample project, the command set `--rounds` times. Side by side in one run:

- ours: CommandRecognizer (tiny.en, short encoder window) + espeak-ng, and + Piper;
- the plain alternative: faster-whisper's `WhisperModel.transcribe` (30 s window, greedy).

Then the voice detectors: silero (ours) against webrtcvad on the same commands, clean and
with white noise at 20 and 10 dB SNR: cost per 32 ms of audio, speech missed, noise taken
for speech.

    .venv/bin/python bench/live.py [--rounds 2] [--write]   (--write: update RESULTS.md)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voiceedit.answer.outputs import NullOutput
from voiceedit.answer.speakers import Speaker, make_voice
from voiceedit.hear.sources import SAMPLE_RATE, FileSource, load_audio
from voiceedit.hear.vad import SileroFrames, WebrtcFrames
from voiceedit.listen import LiveLoop
from voiceedit.project import create_project, make_source
from voiceedit.session import Session

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ROOT / "samples" / "commands"
RESULTS = ROOT / "bench" / "RESULTS.md"


@dataclass(frozen=True)
class Plain:
    """faster-whisper as it comes: every utterance padded to the 30 s window."""

    text: str


class PlainRecognizer:
    def __init__(self) -> None:
        from faster_whisper import WhisperModel

        from voiceedit.hear.models import resolve_model

        info = resolve_model("tiny.en")
        self.model = WhisperModel(str(info.path), device="cpu", compute_type="int8", cpu_threads=2)

    def recognise(self, audio: np.ndarray) -> Plain:
        segments, _ = self.model.transcribe(
            audio, beam_size=1, language="en", condition_on_previous_text=False
        )
        return Plain(" ".join(s.text.strip() for s in segments))


def command_files(rounds: int) -> list[Path]:
    listed = json.loads((COMMANDS / "commands.json").read_text())
    return [COMMANDS / entry["file"] for entry in listed] * rounds


def run_live(project: Path, recognizer, voice: str | None, files: list[Path]) -> LiveLoop:
    speaker = Speaker(make_voice(voice), NullOutput()) if voice else Speaker(None, NullOutput())
    loop = LiveLoop(
        Session(project),
        FileSource(files, realtime=True, gap_ms=1200),
        recognizer,
        speaker,
        lambda line: None,
    )
    loop.warm_up()
    if voice:
        speaker.say("Ready.")  # the voice's first sentence loads it; not a command's cost
    loop.run()
    speaker.close()
    return loop


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def live_rows(base: Path, rounds: int, folder: Path) -> list[tuple[str, dict]]:
    from voiceedit.hear.command_recognizer import CommandRecognizer
    from voiceedit.understand.matcher import vocabulary_prompt

    ours = CommandRecognizer(prompt=vocabulary_prompt())
    configs = [
        ("ours: short-window tiny.en + espeak-ng", ours, "espeak"),
        ("ours: short-window tiny.en + Piper", ours, "piper"),
        ("plain faster-whisper tiny.en (30 s window) + espeak-ng", PlainRecognizer(), "espeak"),
    ]
    rows = []
    for name, recognizer, voice in configs:
        project = folder / f"live-{len(rows)}.json"
        shutil.copy(base, project)
        loop = run_live(project, recognizer, voice, command_files(rounds))
        turns = [t for t in loop.turns if t.answer is not None]
        latency = [1000 * t.latency_s for t in turns]
        figures = {
            "turns": len(turns),
            "p50": percentile(latency, 50),
            "p95": percentile(latency, 95),
            "recognise": percentile([1000 * t.recognise_s for t in turns], 50),
            "act": percentile([1000 * t.handle_s for t in turns], 50),
            "speak": percentile([1000 * t.speak_s for t in turns], 50),
        }
        rows.append((name, figures))
        print(
            f"{name:56} n={figures['turns']:2}  p50 {figures['p50']:5.0f} ms  "
            f"p95 {figures['p95']:5.0f} ms  (recognise {figures['recognise']:.0f}, "
            f"act {figures['act']:.0f}, speak {figures['speak']:.0f})",
            flush=True,
        )
    return rows


def vad_rows() -> list[tuple[str, str, float, float, float]]:
    """(detector, condition, ms per 32 ms, missed speech, noise taken for speech)."""
    files = sorted(COMMANDS.glob("*.wav"))
    gap = np.zeros(SAMPLE_RATE, dtype=np.float32)
    clean = np.concatenate([piece for f in files for piece in (gap, load_audio(f))] + [gap])
    frame = 480  # both detectors judged on the same 30 ms grid
    count = len(clean) // frame
    loud = np.array(
        [np.sqrt(np.mean(clean[i * frame : (i + 1) * frame] ** 2)) for i in range(count)]
    )
    truth = loud > 0.003
    speech_power = np.mean(clean[np.abs(clean) > 0.01] ** 2)
    rng = np.random.default_rng(0)
    rows = []
    for label, snr in (("clean", None), ("20 dB SNR", 20), ("10 dB SNR", 10)):
        audio = clean
        if snr is not None:
            noise = rng.standard_normal(len(clean)).astype(np.float32)
            audio = clean + noise * np.sqrt(speech_power / 10 ** (snr / 10))
        for name, classifier in (("silero", SileroFrames()), ("webrtcvad", WebrtcFrames())):
            step = classifier.frame_samples
            began = time.perf_counter()
            probabilities = [
                classifier.probability(audio[i : i + step])
                for i in range(0, len(audio) - step + 1, step)
            ]
            cost = 1000 * (time.perf_counter() - began) / len(probabilities) * 512 / step
            threshold = 0.5
            flags = np.repeat(np.array(probabilities) >= threshold, step)
            flags = np.pad(flags, (0, max(0, count * frame - len(flags))))[: count * frame]
            judged = flags.reshape(-1, frame).mean(axis=1) >= 0.5
            truth_here = truth[: len(judged)]
            missed = float(np.mean(~judged[truth_here]))
            false = float(np.mean(judged[~truth_here]))
            rows.append((name, label, cost, missed, false))
            print(
                f"{name:10} {label:10}  {cost:.3f} ms / 32 ms   missed {missed:5.1%}   "
                f"noise as speech {false:5.1%}",
                flush=True,
            )
    return rows


def write_results(rounds: int, rows, vad) -> None:
    lines = [
        "## Live session",
        "",
        f"`bench/live.py --rounds {rounds}`, {time.strftime('%Y-%m-%d')}, "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores (shared). "
        "The sample command WAVs fed in real time through the whole live loop; latency is "
        "end of speech to the answer's sound handed to the output, and includes the 300 ms "
        "voice-activity hangover. Every row runs the same loop, which starts recognising "
        "when an utterance pauses; 'recognise' is what is still left to wait for once the "
        "end is certain (medians).",
        "",
        "| configuration | answers | p50 ms | p95 ms | recognise ms | act ms | speak ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, f in rows:
        lines.append(
            f"| {name} | {f['turns']} | {f['p50']:.0f} | {f['p95']:.0f} | "
            f"{f['recognise']:.0f} | {f['act']:.0f} | {f['speak']:.0f} |"
        )
    lines += [
        "",
        "Voice activity on the same commands (30 ms grid; white noise added):",
        "",
        "| detector | audio | ms per 32 ms | speech missed | noise taken for speech |",
        "|---|---|---|---|---|",
    ]
    for name, label, cost, missed, false in vad:
        lines.append(f"| {name} | {label} | {cost:.3f} | {missed:.1%} | {false:.1%} |")
    section = "\n".join(lines) + "\n"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    # Replace our own section only; everything else in the file is someone else's.
    pattern = re.compile(r"## Live session\n.*?(?=\n## |\Z)", re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section.rstrip("\n"), text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text if text.endswith("\n") else text + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="times through the command set")
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        base = folder / "sample.json"
        create_project(base, [make_source(ROOT / "samples" / "interview.mp4")])
        print("Live path, end of speech -> answer starts:")
        rows = live_rows(base, args.rounds, folder)
    print("\nVoice activity detectors:")
    vad = vad_rows()
    if args.write:
        write_results(args.rounds, rows, vad)
        print(f"\nWrote the Live session section of {RESULTS.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
