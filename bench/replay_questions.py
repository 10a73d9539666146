"""Replay the doubt rule on a log of bench/questions.py: a rule change measured in a minute.

    .venv/bin/python bench/questions.py --log run.jsonl           # once: hears every clip
    .venv/bin/python bench/replay_questions.py run.jsonl [--set meaning_share=0.7] [--changes]

`bench/questions.py --log` keeps every reading each search gave for each clip (greedy, first
beam, and the readings the last search weighed). This script parses them again with the
grammar as it now is and runs the recogniser's decisions over them (hear/doubt.py: `is_sure`,
`agreed`, `judged`, in the order CommandRecognizer.recognise takes them) with the code as it
now is and the options given, then prints the figures beside those heard live.

The replay is exact where the rule stops at a search the live run reached: always for a rule
that doubts less than the one heard. A clip the replayed rule would send further than the
live recogniser went cannot be replayed; it is counted, and left out of both columns. The
figures that count (bench/RESULTS.md) are heard again by bench/questions.py.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections import Counter
from dataclasses import fields, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from commands import Clip, Trial, fit_for, load_clips, places  # noqa: E402
from make_command_set import default_dir  # noqa: E402
from questions import cell, held_out  # noqa: E402

from voiceedit.errors import VoiceEditError  # noqa: E402
from voiceedit.hear.doubt import (  # noqa: E402
    agreed,
    far_fetched,
    is_sure,
    judged,
    other_meanings,
)
from voiceedit.hear.readings import Hypothesis, ranked  # noqa: E402
from voiceedit.hear.recognizer_options import RecognizerOptions  # noqa: E402
from voiceedit.understand.command import Command  # noqa: E402
from voiceedit.understand.matcher import ACCEPT_FROM, understand  # noqa: E402

STAGES = ("greedy", "beam", "last")  # how far a clip was heard: the greedy pass, the first
# beam (agreement, or sure after it), or the wide beam and the grammar search


@functools.cache
def parsed(text: str) -> Command | None:
    try:
        return understand(text) if text else None
    except VoiceEditError:
        return None


def reading(logged: dict) -> Hypothesis:
    return Hypothesis(logged["text"], logged["logprob"], parsed(logged["text"]),
                      logged["search"], logged["numbers_sure"], logged["tokens"])


def live_stage(heard: dict) -> str:
    if not heard["beam"]:
        return "greedy"
    same = [r["text"] for r in heard["readings"]] == [r["text"] for r in heard["beam"]]
    return "beam" if same else "last"


def replayed(heard: dict, clip, options: RecognizerOptions) -> tuple[Trial, str, str] | None:
    """The clip decided again from its logged readings: (trial, why doubted, stage), None
    when this rule would hear further than the live run did."""
    fit = fit_for(clip.row)
    first = (reading(heard["greedy"]),) if heard["greedy"] else ()
    beam = tuple(reading(r) for r in heard["beam"])
    if first and is_sure(first, fit, options, greedy=True, places=places):
        stage, found, how = "greedy", first, {}
    elif first and agreed(first[0], beam, fit, options):
        stage, found, how = "beam", beam, {"agreement": True}
    elif beam and is_sure(beam, fit, options.early, others=first, places=places):
        stage, found, how = "beam", beam, {"early": True}
    else:
        last = (reading(r) for r in heard["readings"])
        stage, found, how = "last", tuple(h for h in last if not far_fetched(h, options)), {}
    if STAGES.index(stage) > STAGES.index(live_stage(heard)):
        return None
    chosen, command, why = judged(found, fit, options, first, places, **how)
    offered = () if not why or command is None else other_meanings(
        ranked(found + first), command, fit, places, options)
    trial = Trial(clip, found[chosen].text, command, heard["latency_ms"], offered=offered)
    return trial, why, stage


# The clip; right, asked, wrong cut done unasked, right in the end (a meaning offered counts),
# any wrong command done unasked
Outcome = tuple[Clip, bool, bool, bool, bool, bool]


def figures(outcomes: list[Outcome]) -> dict[str, str]:
    def at_once(chosen: list[Outcome]) -> str:
        said = [o for o in chosen if o[0].row.destructive]
        return cell(sum(right and not asked for _, right, asked, *_ in said), len(said))

    ten = [o for o in outcomes if o[0].condition == "snr10"]
    return {
        "destructive done at once and right": at_once(outcomes),
        "the same, held-out phrasings": at_once([o for o in outcomes if held_out(o[0])]),
        "wrong destructive done unasked": str(sum(o[3] for o in outcomes)),
        "wrong commands of any kind done unasked": str(sum(o[5] for o in outcomes)),
        "right in the end, all clips": cell(sum(o[4] for o in outcomes), len(outcomes)),
        "right in the end, 10 dB": cell(sum(o[4] for o in ten), len(ten)),
    }


def wrong_done_live(heard: dict) -> bool:
    """Whether the live run did a wrong command unasked; logs before it was kept: a command
    understood from the words heard, well enough to be done, neither right nor read back."""
    if "wrong_done" in heard:
        return heard["wrong_done"]
    command = parsed(heard["heard"])
    return (command is not None and command.confidence >= ACCEPT_FROM and not heard["right"]
            and not heard["asked"])


def option_values(pairs: list[str]) -> dict[str, object]:
    """`name=value` pairs as RecognizerOptions fields, each value of its field's type."""
    kinds = {f.name: type(getattr(RecognizerOptions(), f.name)) for f in fields(RecognizerOptions)}
    values: dict[str, object] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        if name not in kinds:
            sys.exit(f"RecognizerOptions has no field {name}.")
        values[name] = value == "True" if kinds[name] is bool else kinds[name](value)
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path, help="a log of bench/questions.py --log")
    parser.add_argument("--set", nargs="*", default=[], help="RecognizerOptions name=value")
    parser.add_argument("--changes", action="store_true", help="list clips whose cut changed")
    arguments = parser.parse_args()
    options = replace(RecognizerOptions(), **option_values(arguments.set))
    clips = {clip.file.name: clip for clip in load_clips(default_dir())}
    live: list[Outcome] = []
    again: list[Outcome] = []
    why_asked: Counter = Counter()
    unreplayable = 0
    for line in arguments.log.read_text().splitlines():
        logged = json.loads(line)
        clip, heard = clips[logged["file"]], logged["new"]
        result = replayed(heard, clip, options)
        if result is None:
            unreplayable += 1
            continue
        trial, why, _stage = result
        live.append((clip, heard["right"], heard["asked"], heard["wrong_unasked"],
                     heard.get("right_in_the_end", heard["right"]), wrong_done_live(heard)))
        again.append((clip, trial.right, trial.asked, trial.wrong_destructive_executed,
                      trial.right_in_the_end, trial.wrong_done))
        if trial.asked and trial.right:
            why_asked[why or "repaired"] += 1  # "": the grammar's own cap (questions.reason)
        was, now = live[-1][1] and not live[-1][2], trial.right and not trial.asked
        if arguments.changes and clip.row.destructive and was != now:
            print(f"  {clip.file.name}: {'done' if now else 'asked'} now | {trial.heard}")
    print(f"{len(again)} clips replayed, {unreplayable} not replayable (this rule hears "
          f"further than the live run did); options changed: {arguments.set or 'none'}")
    print("| | heard live | replayed |\n|---|---|---|")
    for (name, was), now in zip(figures(live).items(), figures(again).values(), strict=True):
        print(f"| {name} | {was} | {now} |")
    print(f"needless questions by reason, replayed: {dict(why_asked)}")


if __name__ == "__main__":
    main()
