"""Picture analysis speed on 1080p footage, beside PySceneDetect alone on the same file.

A 2-minute 1920x1080 30 fps H.264 file (x264 veryfast, B-frames, light grain on every shot
so it decodes like camera footage, not like a flat test card) is generated with lavfi in a
temporary folder: 12 shots of 10 s from different sources, one a title card. Then, each
`--repeat` times, in this order:

1. voiceedit's whole analysis (`analyse_picture`, no cache): shots, OCR, faces, looks,
   motion, problems; the OCR model's loading included.
2. PySceneDetect alone: `scenedetect.detect(path, AdaptiveDetector())`, its default OpenCV
   backend (full-resolution decode, its own downscale), shots only.

Wall time and CPU time (all threads) for each, and the shots each found against the 12 made.
Target (issue 18): the analysis at least 10x faster than real time.

    .venv/bin/python bench/picture.py [--seconds 120] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import tempfile
import time
from pathlib import Path

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
SOURCES = (
    "testsrc2", "smptehdbars", "rgbtestsrc", "testsrc", "yuvtestsrc", "pal100bars",
    "title", "testsrc2,hue=h=90", "smptebars", "testsrc,hue=h=200", "rgbtestsrc,hflip",
    "testsrc2,negate",
)


def make_footage(path: Path, seconds: int) -> int:
    """The test file: len(SOURCES) shots sharing `seconds`; returns the shot count."""
    each = seconds / len(SOURCES)
    inputs, labels = [], []
    for number, source in enumerate(SOURCES):
        if source == "title":
            graph = (f"color=c=0x284060:s=1920x1080:r=30,drawtext=fontfile={FONT}:"
                     "text='CHAPTER TWO':fontsize=120:fontcolor=white:x=(w-tw)/2:y=(h-th)/2")
        else:
            name, _, extra = source.partition(",")
            graph = f"{name}=s=1920x1080:r=30" + (f",{extra}" if extra else "")
        inputs += ["-f", "lavfi", "-t", f"{each}", "-i", graph]
        labels.append(f"[{number}:v]format=yuv420p,setsar=1,noise=alls=6:allf=t[v{number}]")
    joined = "".join(f"[v{n}]" for n in range(len(SOURCES)))
    graph = ";".join(labels) + f";{joined}concat=n={len(SOURCES)}:v=1:a=0[out]"
    subprocess.run(["ffmpeg", "-v", "error", "-y", *inputs, "-filter_complex", graph,
                    "-map", "[out]", "-c:v", "libx264", "-preset", "veryfast",
                    "-pix_fmt", "yuv420p", str(path)], check=True)
    return len(SOURCES)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(job):
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = job()
    return result, time.perf_counter() - wall, cpu_seconds() - cpu


def ours(path: Path) -> int:
    from voiceedit.picture.analyse import analyse_picture

    picture = analyse_picture(path, use_cache=False)
    title = [s.text for s in picture.shots if s.text == "CHAPTER TWO"]
    assert title, "the title card was not read"
    return len(picture.shots)


def scenedetect_alone(path: Path) -> int:
    from scenedetect import AdaptiveDetector, detect

    return len(detect(str(path), AdaptiveDetector(), start_in_scene=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "footage1080.mp4"
        _, made_s, _ = timed(lambda: make_footage(path, args.seconds))
        print(f"made {args.seconds} s of 1080p30 in {made_s:.0f} s, "
              f"{path.stat().st_size / 1e6:.0f} MB, {len(SOURCES)} shots")
        for run in range(1, args.repeat + 1):
            for name, job in (("voiceedit analysis", ours),
                              ("PySceneDetect alone", scenedetect_alone)):
                shots, wall, cpu = timed(lambda job=job: job(path))
                print(f"run {run}, {name}: {wall:.1f} s wall ({args.seconds / wall:.1f}x "
                      f"real time), {cpu:.1f} s CPU, {shots} shots, "
                      f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
