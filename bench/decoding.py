"""How the unsure commands are searched, three ways side by side in one run.

    .venv/bin/python bench/decoding.py [--every N]

The recogniser decodes on one thread (`RecognizerOptions.decode_threads=1`): the decoder's
products (one token of 1 to 20 beams) lose more to sharing the work than they gain. When the
greedy reading is unsure, the search within the grammar starts on the other core, and the
free beam beside it is the wide one (`wide_first`), judged first on its best five readings.
Against: a narrow beam first and the wide beam only when that is unsure (`wide_first=False`,
the fourth pass of issue 17), and decoding on both threads with the searches one after the
other (`decode_threads=2`, before it). Each clip of the seeded set (one in N, drawn as
bench/questions.py draws) is heard all three ways in turn, the order rotating, so the shared
machine's load falls on all alike; printed: latency over all clips and by how far the clip
was heard, right in the end (bench/commands.py's measure), and wrong cuts done unasked.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from commands import (  # noqa: E402
    Trial,
    fit,
    idle,
    load_clips,
    phrases,
    places,
    read,
    said_to,
    undoubted,
)
from make_command_set import default_dir  # noqa: E402
from questions import drawn, sampled  # noqa: E402

from voiceedit.hear.command_recognizer import CommandRecognizer, RecognizerOptions  # noqa: E402
from voiceedit.hear.readings import Heard  # noqa: E402
from voiceedit.understand.matcher import vocabulary_prompt  # noqa: E402

WAYS = {
    "now: the wide beam first, the search beside it": {},
    "a narrow beam first": {"wide_first": False},
    "both threads, searches in turn": {"decode_threads": 2},
}


def stage(heard: Heard) -> str:
    if heard.greedy is not None and not heard.beam:
        return "greedy pass"
    searched = {h.search for h in heard.alternatives}
    return "wide searches" if "grammar" in searched or len(heard.alternatives) > len(
        heard.beam) else "first beam"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=10, help="one clip in N, drawn by hash")
    arguments = parser.parse_args()
    clips = sorted((c for c in load_clips(default_dir()) if sampled(c, arguments.every)),
                   key=drawn)
    prompt = vocabulary_prompt()
    recognisers = {
        way: CommandRecognizer(options=RecognizerOptions(prompt=prompt, **settings),
                               fit=fit, phrases=phrases, places=places, idle=idle)
        for way, settings in WAYS.items()
    }
    for recogniser in recognisers.values():
        recogniser.warm_up()
    spent: dict[str, list[tuple[str, float]]] = {way: [] for way in WAYS}
    trials: dict[str, list[Trial]] = {way: [] for way in WAYS}
    for index, clip in enumerate(clips):
        audio = read(clip)
        turn = index % len(WAYS)
        for way in [*WAYS][turn:] + [*WAYS][:turn]:
            said_to(recognisers[way], clip)
            started = time.perf_counter()
            heard = recognisers[way].recognise(audio)
            ms = 1000 * (time.perf_counter() - started)
            spent[way].append((stage(heard), ms))
            trials[way].append(Trial(clip, heard.text, heard.command, ms, undoubted(heard),
                                     offered=heard.meanings))
    print(f"{len(clips)} clips of the seeded set (one in {arguments.every})\n")
    print("| | " + " | ".join(WAYS) + " |\n|---|" + "---|" * len(WAYS))
    for part in ("all clips", "greedy pass", "first beam", "wide searches"):
        cells = []
        for way in WAYS:
            times = [ms for where, ms in spent[way] if part in ("all clips", where)]
            p50, p95 = np.percentile(times, [50, 95]) if times else (0, 0)
            cells.append(f"{p50:.0f} / {p95:.0f} ms ({len(times)})")
        print(f"| {part}, p50 / p95 (clips) | " + " | ".join(cells) + " |")
    ends = [sum(t.right_in_the_end for t in trials[way]) for way in WAYS]
    print("| right in the end | " + " | ".join(f"{n} / {len(clips)}" for n in ends) + " |")
    wrong = [sum(t.wrong_destructive_executed for t in trials[way]) for way in WAYS]
    print("| wrong cut done unasked | " + " | ".join(map(str, wrong)) + " |")


if __name__ == "__main__":
    main()
