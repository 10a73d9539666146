"""What finishing the sound costs, side by side in one run (issue 19).

The bundled sample (samples/interview.mp4, 45 s of 1280x720 with Piper speech) at -20 dB,
cut to three clips keeping about 30 s, rendered by our filter graph:
1. plain, 2. normalized to -16 LUFS (two-pass loudnorm), 3. normalized with two audio
descriptions (the described mix as a second track), 4. and 5. the sound alone (.m4a),
plain and normalized, where the second pass's cost is not hidden by the picture's
encoding; and "how loud is it" (ebur128 over the edit's sound) beside ffmpeg's ebur128 run
directly on the whole source file. Each rendered file is measured again with ebur128, so
the figure printed beside the time is what came out.

    .venv/bin/python bench/loudness.py [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from voiceedit.actions.finishing import loudness as how_loud
from voiceedit.actions.output import render_project
from voiceedit.actions.state import EditorState
from voiceedit.media.ffmpeg import ffmpeg_path
from voiceedit.media.loudness import parse_ebur128
from voiceedit.media.probe import probe
from voiceedit.project import Project, Source
from voiceedit.timeline.finishing import Description, LoudnessTarget
from voiceedit.timeline.layers import Anchor, Layers
from voiceedit.timeline.model import Clip, Timeline
from voiceedit.timeline.transcript import Transcript

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "interview.mp4"


def ebur128(path: Path) -> str:
    log = subprocess.run([ffmpeg_path(), "-nostats", "-i", str(path), "-map", "0:a:0", "-af",
                          "ebur128=peak=true:framelog=quiet", "-f", "null", "-"],
                         capture_output=True, text=True).stderr
    found = parse_ebur128(log)
    return f"{found.integrated:.1f} LUFS, TP {found.true_peak:.1f} dBTP"


def timed(work) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    repeat = parser.parse_args().repeat
    from voiceedit.answer.description_voice import description_wav

    print(f"{platform.machine()}, {os.cpu_count()} cores; ffmpeg {ffmpeg_path()}")
    with tempfile.TemporaryDirectory(prefix="voiceedit-bench-loudness-") as work:
        folder = Path(work)
        quiet = folder / "quiet.mp4"
        subprocess.run([ffmpeg_path(), "-v", "error", "-i", str(SAMPLE), "-af", "volume=0.1",
                        "-c:v", "copy", "-c:a", "aac", "-y", str(quiet)], check=True)
        info = probe(quiet)
        timeline = Timeline((Clip(info.path, 0, 8560), Clip(info.path, 11560, 23460),
                             Clip(info.path, 30000, 40000)))
        project = replace(Project.start((Source(info, Transcript(info.path, info.duration,
                                                                  ())),)), timeline=timeline)
        texts = ("A small room with one window.", "Sam holds up a phone.")
        durations = [description_wav(text)[1] for text in texts]  # cached before timing
        target = Layers(loudness=(LoudnessTarget(),))
        described = replace(target, descriptions=(
            Description(Anchor(info.path, 8800), texts[0], durations[0]),
            Description(Anchor(info.path, 24000), texts[1], durations[1])))
        print(f"edit: {timeline.duration / 1000:.1f} s of {info.duration / 1000:.1f} s, "
              f"{info.width}x{info.height}")
        for run in range(1, repeat + 1):
            seconds, said = timed(lambda: how_loud(EditorState(project)).message)
            print(f"run {run}: how loud is it {seconds:.2f} s: {said}")
            seconds, _ = timed(lambda: ebur128(quiet))
            print(f"run {run}: ffmpeg ebur128 on the whole source {seconds:.2f} s: "
                  f"{ebur128(quiet)}")
            for name, layers, suffix in (
                    ("plain", Layers(), ".mp4"), ("-16 LUFS", target, ".mp4"),
                    ("-16 LUFS + 2 descriptions", described, ".mp4"),
                    ("sound only, plain", Layers(), ".m4a"),
                    ("sound only, -16 LUFS", target, ".m4a")):
                out = folder / (f"out-{run}-{len(layers.descriptions)}-{bool(layers.loudness)}"
                                + suffix)
                seconds, _ = timed(lambda layers=layers, out=out: render_project(
                    replace(project, layers=layers), out))
                print(f"run {run}: render {name}: {seconds:.2f} s -> {ebur128(out)}")


if __name__ == "__main__":
    main()
