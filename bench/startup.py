"""Start-up of a typed command: `voiceedit do P "where am I"`, whole process, wall time.

    .venv/bin/python bench/startup.py [--runs 15] [--compare CHECKOUT]

A typed command that needs no model should answer in under 0.3 s (issue 14). Printed beside
it: bare `python -c pass`, `python -c "import numpy"` (what understanding any command
costs: rapidfuzz's matrices are numpy arrays), and, with --compare, the same command run
from another checkout of voiceedit (e.g. the commit before the lazy imports) on the same
project. The project is made from a synthetic transcript, so no model is loaded at all.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from voiceedit.media.probe import MediaInfo
from voiceedit.project import Project, Source, save_project
from voiceedit.timeline.transcript import Transcript, Word

ROOT = Path(__file__).resolve().parents[1]


def make_project(folder: Path) -> Path:
    words = tuple(Word(f"word{i}", 500 + 400 * i, 800 + 400 * i) for i in range(200))
    media = "/media/interview.mp4"
    source = Source(MediaInfo(media, 90_000, True, True), Transcript(media, 90_000, words))
    path = folder / "p.voiceedit"
    save_project(path, Project.start((source,)))
    return path


def timed(command: list[str], runs: int, env: dict[str, str]) -> list[float]:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        # Run from elsewhere: `python -m` puts the working folder before PYTHONPATH.
        subprocess.run(command, env=env, check=True, capture_output=True, cwd=tempfile.gettempdir())
        times.append(time.perf_counter() - began)
    return times


def row(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    return (f"{name:<44} median {statistics.median(times) * 1000:6.0f} ms   "
            f"best {ordered[0] * 1000:6.0f} ms   worst {ordered[-1] * 1000:6.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--compare", type=Path, help="another voiceedit checkout to run too")
    parser.add_argument("--project", type=Path,
                        help="a project to ask (default: one made from a synthetic transcript)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        project = args.project.resolve() if args.project else make_project(Path(folder))
        command = [sys.executable, "-m", "voiceedit", "do", str(project), "where am I"]
        ours = {**os.environ, "PYTHONPATH": str(ROOT)}
        rows = [("voiceedit do P 'where am I' (this checkout)", command, ours),
                ("python -c pass", [sys.executable, "-c", "pass"], ours),
                ("python -c 'import numpy'", [sys.executable, "-c", "import numpy"], ours)]
        if args.compare:
            theirs = {**os.environ, "PYTHONPATH": str(args.compare.resolve())}
            rows.insert(1, (f"voiceedit do P 'where am I' ({args.compare.name})", command,
                            theirs))
        for _name, cmd, env in rows:  # warm the disk cache and .pyc files
            timed(cmd, 1, env)
        results: dict[str, list[float]] = {name: [] for name, _, _ in rows}
        for _ in range(args.runs):  # rows take turns, so a busy moment hits them all alike
            for name, cmd, env in rows:
                results[name] += timed(cmd, 1, env)
        print(f"{args.runs} runs each, load average {os.getloadavg()[0]:.2f}")
        for name, times in results.items():
            print(row(name, times))


if __name__ == "__main__":
    main()
