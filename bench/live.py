"""Latency of the live session: from the end of speech to the answer starting, p50 and p95.

The sample's spoken command WAVs (samples/commands) go through the whole live loop in real
time, as a microphone would deliver them: voice activity (300 ms hangover, or the early end
of a final command), recognition, the session (understand, act, save), and speech synthesis
of the answer. "Answer starts" is when the answer's sound is handed to the output. Each
configuration runs the command set `--rounds` times, each time on a fresh copy of the sample
project, the configurations taking turns round by round. Side by side in one run:

- ours: CommandRecognizer (tiny.en, short encoder window) + espeak-ng, and + Piper;
- ours + espeak-ng with every utterance waiting out the full hangover (no early end);
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
from voiceedit.core import Editor
from voiceedit.hear.audio import SAMPLE_RATE
from voiceedit.hear.sources import FileSource, load_audio
from voiceedit.hear.vad import SileroFrames, UtteranceDetector, WebrtcFrames
from voiceedit.live.loop import LiveLoop
from voiceedit.live.settings import LiveSettings
from voiceedit.project import create_project, make_source

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ROOT / "samples" / "commands"
RESULTS = ROOT / "bench" / "RESULTS.md"
TARGET_P50, TARGET_P95 = 300, 500  # issue 4: end of speech to the answer starting, ms


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


def run_live(
    project: Path,
    recognizer,
    voice: str | None,
    files: list[Path],
    settings: LiveSettings | None = None,
    detector: UtteranceDetector | None = None,
) -> LiveLoop:
    speaker = Speaker(make_voice(voice), NullOutput()) if voice else Speaker(None, NullOutput())
    session = Editor(project)
    if hasattr(recognizer, "fit"):  # weighs quotes against this project, as `listen` does
        recognizer.fit, recognizer.phrases = session.fit, session.phrases
    loop = LiveLoop(
        session,
        FileSource(files, realtime=True, gap_ms=1200),
        recognizer,
        speaker,
        lambda line: None,
        settings or LiveSettings(),
        detector=detector,
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
    from voiceedit.hear.command_recognizer import CommandRecognizer, RecognizerOptions
    from voiceedit.understand.matcher import vocabulary_prompt

    ours = CommandRecognizer(options=RecognizerOptions(prompt=vocabulary_prompt()))
    full_hangover = LiveSettings(early_end_ms=None)
    configs = [
        ("ours: short-window tiny.en + espeak-ng", ours, "espeak", LiveSettings()),
        ("ours: short-window tiny.en + Piper", ours, "piper", LiveSettings()),
        ("ours + espeak-ng, full hangover (no early end)", ours, "espeak", full_hangover),
        (
            "plain faster-whisper tiny.en (30 s window) + espeak-ng",
            PlainRecognizer(),
            "espeak",
            LiveSettings(),
        ),
    ]
    # Round by round, every configuration in turn (each on a fresh copy of the project), so
    # a change in the machine's load falls on all rows alike, not on whichever ran then.
    turns: list[list] = [[] for _ in configs]
    for round_number in range(rounds):
        for index, (_, recognizer, voice, settings) in enumerate(configs):
            project = folder / f"live-{round_number}-{index}.json"
            shutil.copy(base, project)
            loop = run_live(project, recognizer, voice, command_files(1), settings)
            turns[index] += [t for t in loop.turns if t.answer is not None]
    rows = []
    for (name, *_), answered in zip(configs, turns, strict=True):
        latency = [1000 * t.latency_s for t in answered]
        figures = {
            "turns": len(answered),
            "early": sum(t.ended_early for t in answered),
            "p50": percentile(latency, 50),
            "p95": percentile(latency, 95),
            "recognise": percentile([1000 * t.recognise_s for t in answered], 50),
            "act": percentile([1000 * t.handle_s for t in answered], 50),
            "speak": percentile([1000 * t.speak_s for t in answered], 50),
        }
        rows.append((name, figures))
        print(
            f"{name:56} n={figures['turns']:2} early {figures['early']:2}  "
            f"p50 {figures['p50']:5.0f} ms  "
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


def write_results(rounds: int, rows, vad, load: tuple[float, float]) -> None:
    ours = rows[0][1]
    met = ours["p50"] <= TARGET_P50 and ours["p95"] <= TARGET_P95
    lines = [
        "## Live session",
        "",
        f"`bench/live.py --rounds {rounds}`, {time.strftime('%Y-%m-%d')}, "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores (shared; load "
        f"average {load[0]:.1f} before, {load[1]:.1f} after). "
        "The sample command WAVs fed in real time through the whole live loop, the rows "
        "taking turns round by round; latency is end of speech to the answer's sound handed "
        "to the output. Every row runs the same "
        "loop, which starts recognising when an utterance pauses and, unless the row says "
        "otherwise, ends the utterance as soon as that early result is a final, sure command "
        f"(after {LiveSettings().early_end_ms} ms of pause) instead of waiting out the 300 ms "
        "voice-activity hangover; 'early' counts those. 'recognise' is what is still left to "
        "wait for once the end is certain (medians).",
        "",
        "| configuration | answers | early | p50 ms | p95 ms | recognise ms | act ms | speak ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, f in rows:
        lines.append(
            f"| {name} | {f['turns']} | {f['early']} | {f['p50']:.0f} | {f['p95']:.0f} | "
            f"{f['recognise']:.0f} | {f['act']:.0f} | {f['speak']:.0f} |"
        )
    lines += [
        "",
        f"Issue 4's target (p50 <= {TARGET_P50} ms, p95 <= {TARGET_P95} ms from the end of "
        f"speech, espeak-ng answers) is **{'met' if met else 'not met'}** in this run by "
        f"the first row (p50 {ours['p50']:.0f}, p95 {ours['p95']:.0f}).",
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
        # The section's own last newline leaves a blank line before the next section.
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text if text.endswith("\n") else text + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="times through the command set")
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        base = folder / "sample.json"
        create_project(base, [make_source(ROOT / "samples" / "interview.mp4")])
        print("Live path, end of speech -> answer starts:")
        rows = live_rows(base, args.rounds, folder)
    load = (load_before, os.getloadavg()[0])
    print(f"Load average (1 min): {load[0]:.1f} before, {load[1]:.1f} after the live rows.")
    print("\nVoice activity detectors:")
    vad = vad_rows()
    if args.write:
        write_results(args.rounds, rows, vad, load)
        print(f"\nWrote the Live session section of {RESULTS.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
