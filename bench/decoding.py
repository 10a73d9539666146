"""Decoding on one thread, the wide beam beside the grammar search, against the way before.

    .venv/bin/python bench/decoding.py [--every N]

The encoder's products are large and gain from both cores; the decoder's are small (one
token of 1 to 20 beams) and lose more to sharing the work than they gain. The recogniser
decodes on one thread (`RecognizerOptions.decode_threads=1`) and, when it is unsure, runs
the wide free beam on that thread while the search within the grammar runs on the other
core. Before, it decoded on both and ran the two searches one after the other
(`decode_threads=2`). Each clip of the seeded set (one in N, drawn as bench/questions.py
draws) is heard both ways in turn, which first alternating, so the shared machine's load
falls on both alike; printed: latency over all clips and by how far the clip was heard, and
how many clips the two decided differently (the products are the same, so none should be).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from commands import fit, idle, load_clips, phrases, places, read, said_to  # noqa: E402
from make_command_set import default_dir  # noqa: E402
from questions import drawn, sampled  # noqa: E402

from voiceedit.hear.command_recognizer import CommandRecognizer, RecognizerOptions  # noqa: E402
from voiceedit.hear.readings import Heard  # noqa: E402
from voiceedit.understand.matcher import vocabulary_prompt  # noqa: E402

WAYS = {"one decoding thread, searches side by side": 1, "both threads, one after another": 2}


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
        way: CommandRecognizer(options=RecognizerOptions(prompt=prompt, decode_threads=threads),
                               fit=fit, phrases=phrases, places=places, idle=idle)
        for way, threads in WAYS.items()
    }
    for recogniser in recognisers.values():
        recogniser.warm_up()
    spent: dict[str, list[tuple[str, float]]] = {way: [] for way in WAYS}
    differ = 0
    for index, clip in enumerate(clips):
        audio = read(clip)
        order = list(WAYS) if index % 2 == 0 else list(WAYS)[::-1]
        decided = {}
        for way in order:
            said_to(recognisers[way], clip)
            started = time.perf_counter()
            heard = recognisers[way].recognise(audio)
            spent[way].append((stage(heard), 1000 * (time.perf_counter() - started)))
            decided[way] = (heard.text, heard.command)
        differ += len(set(map(repr, decided.values()))) > 1
    print(f"{len(clips)} clips of the seeded set (one in {arguments.every}); decided "
          f"differently: {differ}\n")
    print("| | " + " | ".join(WAYS) + " |\n|---|---|---|")
    first = next(iter(WAYS))
    for part in ("all clips", "greedy pass", "first beam", "wide searches"):
        cells = []
        for way in WAYS:
            times = [ms for where, ms in spent[way] if part in ("all clips", where)]
            p50, p95 = np.percentile(times, [50, 95])
            cells.append(f"{p50:.0f} / {p95:.0f} ms")
        count = sum(part in ("all clips", where) for where, _ in spent[first])
        print(f"| {part} ({count}), p50 / p95 | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
