"""Render speed, side by side in one run: our filter graph vs moviepy, smart vs full render.

1. A 60 s 1280x720 30 fps source, five cuts keeping 34.7 s, rendered by our ffmpeg filter
   graph and by moviepy 2 with the same encoder settings (libx264 at our default preset and
   at medium); ours again through Debian's ffmpeg 5.1 instead of the pinned 9.0, and at
   ultrafast, each with its size and SSIM against a lossless render of the same cut list.
2. A 10-minute 640x360 30 fps H.264 source (x264 veryfast, a keyframe every 2 s, B-frames),
   ten cuts: `smart_render` against the full re-encode. Target: >= 5x faster, with the same
   frame count and flashes, and sound in sync.

The sources are testsrc2 (moving colour bars, a clock) with a white flash frame and a beep
together every 7.3 s, generated at run time in a temporary folder (never committed); every
output is decoded again to count frames and measure how far each beep is from its flash.

    .venv/bin/python bench/render.py [--seconds 60] [--minutes 10] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import av
import numpy as np

from voiceedit.media import filter_graph
from voiceedit.media.ffmpeg import ffmpeg_path, forget_paths
from voiceedit.media.probe import probe
from voiceedit.media.render import render_timeline
from voiceedit.media.smart_render import smart_render
from voiceedit.timeline.model import Clip, Timeline

RATE = 30
PERIOD = 219  # frames between flashes: 7.3 s
FIRST = 100  # the first flash, frame 100 (3.33 s)


def make_source(path: Path, seconds: int, size: str, keyint: int | None = None) -> Path:
    flash = ("drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:"
             f"enable='eq(mod(n\\,{PERIOD})\\,{FIRST})'")
    beep = (f"aevalsrc='between(mod(t*{RATE}\\,{PERIOD})\\,{FIRST}\\,{FIRST}+0.9)"
            f"*0.8*sin(2*PI*1000*t)':s=48000:d={seconds}")
    x264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p"]
    if keyint:
        x264 += ["-x264-params", f"keyint={keyint}:min-keyint={keyint}"]
    subprocess.run([ffmpeg_path(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size={size}:rate={RATE}:duration={seconds},{flash}",
                    "-f", "lavfi", "-i", beep, *x264, "-c:a", "aac", "-b:a", "192k",
                    str(path)], check=True)
    return path


def keep(source: str, ranges: list[tuple[float, float]]) -> Timeline:
    return Timeline(tuple(Clip(source, round(a * 1000), round(b * 1000)) for a, b in ranges))


def measure(path: Path) -> tuple[int, list[int], float]:
    """(frames, flash frame numbers, worst distance in ms from a beep to its flash)."""
    flashes, frames = [], 0
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frames, frame in enumerate(container.decode(stream), start=1):
            if frame.to_ndarray(format="gray").mean() > 200:
                flashes.append(frames - 1)
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        sound = np.concatenate([np.abs(f.to_ndarray()).max(axis=0)
                                for f in container.decode(stream)])
    loud = np.flatnonzero(sound > 0.2)
    starts = np.insert(np.diff(loud) > stream.rate // 10, 0, True) if len(loud) else []
    beeps = loud[starts] / stream.rate
    flash_times = np.array(flashes) / RATE
    if len(beeps) != len(flash_times):
        return frames, flashes, float("inf")
    return frames, flashes, float(np.abs(beeps - flash_times).max(initial=0) * 1000)


def ssim(path: Path, reference: Path) -> float:
    done = subprocess.run([ffmpeg_path(), "-v", "info", "-i", str(path), "-i",
                           str(reference), "-lavfi", "ssim", "-f", "null", "-"],
                          capture_output=True, text=True)
    return float(re.search(r"All:([0-9.]+)", done.stderr).group(1))


@contextmanager
def settings(preset: str, crf: str = filter_graph.X264_CRF,
             debian: bool = False) -> Iterator[None]:
    """Render at `preset`/`crf`, through Debian's ffmpeg 5.1 instead of the pinned build if
    `debian`."""
    saved = filter_graph.X264_PRESET, filter_graph.X264_CRF
    filter_graph.X264_PRESET, filter_graph.X264_CRF = preset, crf
    if debian:
        os.environ["IMAGEIO_FFMPEG_EXE"] = shutil.which("ffmpeg")
    forget_paths()
    try:
        yield
    finally:
        filter_graph.X264_PRESET, filter_graph.X264_CRF = saved
        os.environ.pop("IMAGEIO_FFMPEG_EXE", None)
        forget_paths()


def timed(job) -> tuple[float, object]:
    start = time.perf_counter()
    result = job()
    return time.perf_counter() - start, result


def row(name: str, seconds: float, path: Path, expected_frames: int, extra: str = "") -> str:
    frames, _, drift = measure(path)
    length = probe(path).duration / 1000
    return (f"| {name} | {seconds:.1f} s | {length:.3f} s | {frames} / {expected_frames} "
            f"| {drift:.1f} ms | {path.stat().st_size / 1e6:.1f} MB |{extra}")


DEFAULT = filter_graph.X264_PRESET
VARIANTS = [  # label, engine, preset, through Debian's ffmpeg
    (f"filter graph (ours), {DEFAULT}", "ffmpeg", DEFAULT, False),
    (f"moviepy 2, {DEFAULT}", "moviepy", DEFAULT, False),
    ("filter graph (ours), medium", "ffmpeg", "medium", False),
    ("moviepy 2, medium", "moviepy", "medium", False),
    (f"filter graph (ours), {DEFAULT}, Debian's ffmpeg 5.1", "ffmpeg", DEFAULT, True),
    ("filter graph (ours), ultrafast", "ffmpeg", "ultrafast", False),
]


def engines(folder: Path, seconds: int, repeat: int) -> list[str]:
    source = make_source(folder / "source720.mp4", seconds, "1280x720")
    info = probe(source)
    scale = seconds / 60
    timeline = keep(info.path, [(a * scale, b * scale) for a, b in
                                [(0, 6.5), (9.2, 15.0), (21.7, 30.3), (35.0, 41.4), (47.9, 55.3)]])
    frames = round(timeline.duration * RATE / 1000)
    sources = {info.path: info}
    reference = folder / "lossless.mkv"
    with settings("ultrafast", crf="0"):
        render_timeline(timeline, sources, reference, force=True)
    best = [float("inf")] * len(VARIANTS)
    for _ in range(repeat):  # rounds interleave the variants, so a busy minute hits them all
        for number, (_, engine, preset, debian) in enumerate(VARIANTS):
            with settings(preset, debian=debian):
                wall, _ = timed(lambda e=engine, n=number: render_timeline(
                    timeline, sources, folder / f"out{n}.mp4", engine=e, force=True))
            best[number] = min(best[number], wall)
    lines = [f"Cut list: 5 clips kept of a {seconds} s 1280x720 source, "
             f"{timeline.duration / 1000:.1f} s out; libx264 CRF {filter_graph.X264_CRF}, AAC; "
             f"best of {repeat}.", "",
             "| engine, preset | wall | output | frames / expected | worst beep-flash | size "
             "| SSIM vs lossless |",
             "|---|---|---|---|---|---|---|"]
    for number, (label, *_) in enumerate(VARIANTS):
        out = folder / f"out{number}.mp4"
        lines.append(row(label, best[number], out, frames, f" {ssim(out, reference):.4f} |"))
    return lines


def smart(folder: Path, minutes: int, repeat: int) -> list[str]:
    seconds = minutes * 60
    made, source = timed(lambda: make_source(folder / "source360.mp4", seconds, "640x360",
                                             keyint=2 * RATE))
    info = probe(source)
    # Ten cuts at arbitrary (off-frame, off-keyframe) times, spread over the source.
    step = seconds / 10
    cuts = [((k + 0.2854) * step, (k + 0.2854 + 0.05 + 0.0228 * k) * step) for k in range(10)]
    ranges, at = [], 0.0
    for start, end in cuts:
        ranges.append((at, start))
        at = end
    ranges.append((at, seconds))
    timeline = keep(info.path, ranges)
    frames = round(timeline.duration * RATE / 1000)
    sources = {info.path: info}
    full_out, smart_out = folder / "full.mp4", folder / "smart.mp4"
    full_wall = smart_wall = float("inf")
    for _ in range(repeat):
        wall, _ = timed(lambda: render_timeline(timeline, sources, full_out, force=True))
        full_wall = min(full_wall, wall)
        wall, result = timed(lambda: smart_render(timeline, sources, smart_out, force=True))
        smart_wall = min(smart_wall, wall)
    same = measure(full_out)[1] == measure(smart_out)[1]
    return [
        f"Source: {minutes} min 640x360 30 fps H.264 (x264 veryfast, keyframe every 2 s, "
        f"B-frames), made in {made:.0f} s; 10 cuts, {len(ranges)} clips, "
        f"{timeline.duration / 1000:.1f} s out. Smart render copied "
        f"{result.copied_ms / 1000:.1f} s and re-encoded {result.encoded_ms / 1000:.1f} s"
        f"{'' if result.fallback is None else ' (fell back: ' + result.fallback + ')'}; "
        f"best of {repeat}.", "",
        "| render | wall | output | frames / expected | worst beep-flash | size |",
        "|---|---|---|---|---|---|",
        row(f"full re-encode (filter graph, {filter_graph.X264_PRESET})", full_wall, full_out,
            frames),
        row("smart (copy GOPs, re-encode around cuts)", smart_wall, smart_out, frames),
        "",
        f"Smart render is {full_wall / smart_wall:.1f}x faster; flash frames identical in both: "
        f"{same}.",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60, help="length of the 720p source")
    parser.add_argument("--minutes", type=int, default=10, help="length of the smart source")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; the best counts")
    args = parser.parse_args()
    version = subprocess.run([ffmpeg_path(), "-version"], capture_output=True,
                             text=True).stdout
    print(f"Machine: {platform.machine()}, {len(os.sched_getaffinity(0))} cores (shared); "
          f"ffmpeg {version.split()[2]} (imageio-ffmpeg's, for ours and moviepy alike); "
          f"load average {os.getloadavg()[0]:.1f}.",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="voiceedit-bench-") as tmp:
        print("\n## Engines\n")
        print("\n".join(engines(Path(tmp), args.seconds, args.repeat)), flush=True)
        print("\n## Smart render\n")
        print("\n".join(smart(Path(tmp), args.minutes, args.repeat)))
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.1f} (other users share the CPU).")


if __name__ == "__main__":
    main()
