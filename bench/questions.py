"""Fewer questions: the doubt rule before and after issue 17, side by side in one run.

    .venv/bin/python bench/make_command_set.py        # once: the seeded set, into the cache
    .venv/bin/python bench/questions.py [--split dev|held|all] [--every N] [--log FILE] [--write]

Every clip is heard twice: by the recogniser with the rule before issue 17
(`agreement=False, by_meaning=False`: a cut is read back whenever a rival reading near it in
the grammar's eyes, a mean log probability below -0.5 or a repaired word gives a reason) and
with the new one (hear/doubt.py: a cut the greedy pass and the beam both heard word for
word is done at once, and any other is doubted by its meaning: the share of the readings'
probability that means it, a guess, a far likelier reading, an approximate quote, numbers
heard unsurely). The two alternate clip by clip, and which goes first alternates too, so the
shared machine's load falls on both alike.

What a clip counts as (right, asked, wrong destructive done unasked) is bench/commands.py's
measure. "Done at once and right": a destructive command said, not read back, and right.
"Right in the end": right, whether done at once or after a yes, or read back with the
right meaning among those offered beside it (dialogue.py: "Did you mean 1, ...; or 2,
...?"). Latency: end of audio to the Command ready, over every clip (and over clips up to
3 s, as bench/commands.py reports it).

`--split`: the phrasings are split by a hash into a development part (three quarters) and a
held-out quarter, so a rule fitted on one can be checked on the other. `--log` writes one JSON
line per clip: what each pass heard and, for every cut read back, why (doubt.doubt_reason, or
"repaired" when the grammar itself had to repair a word). `--write` puts the report at the end
of bench/RESULTS.md (section "Spoken commands, fewer questions (issue 17)", replaced if there).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from commands import (  # noqa: E402
    CONDITIONS,
    RESULTS,
    Clip,
    Trial,
    by,
    fit,
    fit_for,
    idle,
    load_clips,
    loads,
    matches,
    percent,
    phrases,
    places,
    read,
    said_to,
    undoubted,
)
from make_command_set import default_dir, set_digest  # noqa: E402

from voiceedit.actions.describe import would_do  # noqa: E402
from voiceedit.hear.command_recognizer import CommandRecognizer, RecognizerOptions  # noqa: E402
from voiceedit.hear.readings import Heard, Hypothesis  # noqa: E402
from voiceedit.understand.matcher import CONFIRM_BELOW, vocabulary_prompt  # noqa: E402

SECTION = "## Spoken commands, fewer questions (issue 17)"
RULES = ("old", "new")
OLD = RecognizerOptions(agreement=False, by_meaning=False)  # the recogniser before
LEVELS = {"clean": "clean", "snr20": "20 dB", "snr10": "10 dB"}


def held_out(clip: Clip) -> bool:
    """A quarter of the phrasings, by a hash of their words: never looked at while fitting."""
    digest = hashlib.sha256(f"{clip.row.name}|{clip.text}".encode()).digest()
    return digest[0] % 4 == 0


def drawn(clip: Clip) -> bytes:
    return hashlib.sha256(b"order|" + clip.file.name.encode()).digest()


def sampled(clip: Clip, every: int) -> bool:
    """One clip in `every`, by a hash of its file name (so every voice and level is drawn)."""
    digest = hashlib.sha256(clip.file.name.encode()).digest()
    return int.from_bytes(digest[:4], "little") % every == 0


def reason(trial: Trial, heard: Heard) -> str:
    """Why a cut was read back: the recogniser's doubt, or the grammar repaired a word."""
    before = undoubted(heard)
    if heard.doubt:
        return heard.doubt
    return "repaired" if before is not None and before.confidence < CONFIRM_BELOW else "other"


def described(hypothesis: Hypothesis | None, row) -> dict | None:
    if hypothesis is None:
        return None
    command = hypothesis.command
    return {
        "text": hypothesis.text,
        "logprob": round(hypothesis.avg_logprob, 4),
        "tokens": hypothesis.tokens,
        "search": hypothesis.search,
        "confidence": None if command is None else round(command.confidence, 3),
        "fit": None if command is None else round(fit_for(row)(command), 3),
        "numbers_sure": round(hypothesis.numbers_sure, 3),
        "right": command is not None and matches(row, command),
    }


def log_line(clip: Clip, results: dict[str, tuple[Trial, Heard]]) -> dict:
    line: dict = {"file": clip.file.name, "said": clip.text, "voice": clip.voice,
                  "condition": clip.condition, "held_out": held_out(clip),
                  "destructive": clip.row.destructive}
    for rule, (trial, heard) in results.items():
        line[rule] = {
            "heard": trial.heard, "right": trial.right, "asked": trial.asked,
            "right_in_the_end": trial.right_in_the_end,
            "offered": [would_do(command) for command in trial.offered],
            "wrong_unasked": trial.wrong_destructive_executed, "wrong_done": trial.wrong_done,
            "why_asked": reason(trial, heard) if trial.asked else "",
            "agreed": heard.agreed, "latency_ms": round(trial.latency_ms, 1),
            "greedy": described(heard.greedy, clip.row),
            "beam": [described(h, clip.row) for h in heard.beam],
            # Every reading the last search weighed: a rule that doubts less can be replayed
            # on this log without hearing the set again.
            "readings": [described(h, clip.row) for h in heard.alternatives],
        }
    return line


def hear(recognizer: CommandRecognizer, clip: Clip, audio: np.ndarray) -> tuple[Trial, Heard]:
    said_to(recognizer, clip)
    started = time.perf_counter()
    heard = recognizer.recognise(audio)
    spent = 1000 * (time.perf_counter() - started)
    trial = Trial(clip, heard.text, heard.command, spent, undoubted(heard),
                  offered=heard.meanings)
    return trial, heard


def run(clips: Sequence[Clip], log: Path | None) -> dict[str, list[Trial]]:
    prompt = vocabulary_prompt()
    recognizers = {
        rule: CommandRecognizer(options=replace(OLD if rule == "old" else RecognizerOptions(),
                                                prompt=prompt), fit=fit, phrases=phrases,
                                                places=places, idle=idle)
        for rule in RULES
    }
    for recognizer in recognizers.values():
        recognizer.warm_up()
    trials: dict[str, list[Trial]] = {rule: [] for rule in RULES}
    why: dict[str, Counter] = {rule: Counter() for rule in RULES}
    written = log.open("w") if log is not None else None
    started = time.perf_counter()
    for index, clip in enumerate(clips):
        audio = read(clip)
        order = RULES if index % 2 == 0 else RULES[::-1]
        results = {rule: hear(recognizers[rule], clip, audio) for rule in order}
        for rule in RULES:
            trial, heard = results[rule]
            trials[rule].append(trial)
            if trial.asked and trial.right:
                why[rule][reason(trial, heard)] += 1
        if written is not None:
            written.write(json.dumps(log_line(clip, results)) + "\n")
            written.flush()  # a long run can be read while it goes
        if index % 50 == 49:
            print(f"{index + 1} of {len(clips)} clips, {time.perf_counter() - started:.0f} s",
                  file=sys.stderr)
    if written is not None:
        written.close()
    for rule in RULES:
        print(f"{rule}: needless questions by reason: {dict(why[rule])}", file=sys.stderr)
    return trials


def at_once_right(trials: Sequence[Trial]) -> tuple[int, int]:
    said = [t for t in trials if t.clip.row.destructive]
    return sum(t.right and not t.asked for t in said), len(said)


def cell(part: int, whole: int) -> str:
    return f"{part} / {whole} ({percent(part, whole)})"


def side(trials: dict[str, list[Trial]], measure: Callable[[list[Trial]], str]) -> str:
    return " | ".join(measure(trials[rule]) for rule in RULES)


def grouped(
    trials: dict[str, list[Trial]], key: Callable[[Trial], str], label: Callable[[str], str],
    measure: Callable[[list[Trial]], str],
) -> list[str]:
    groups = {rule: by(trials[rule], key) for rule in RULES}
    return [
        f"| {label(name)} | " + side({r: groups[r][name] for r in RULES}, measure) + " |"
        for name in sorted(groups["old"], key=lambda n: (list(LEVELS).index(n)
                                                        if n in LEVELS else 9, n))
    ]


def percentiles(trials: Sequence[Trial], longest: float | None = None) -> str:
    kept = [t.latency_ms for t in trials if longest is None or t.clip.duration <= longest]
    p50, p95 = np.percentile(kept, [50, 95])
    return f"{p50:.0f} / {p95:.0f} ms"


def report(trials: dict[str, list[Trial]], clips: Sequence[Clip], how: str, load: str,
           seconds: float, digest: str) -> list[str]:
    def at_once(group: list[Trial]) -> str:
        return cell(*at_once_right(group))

    def in_the_end(group: list[Trial]) -> str:
        return cell(sum(t.right_in_the_end for t in group), len(group))

    def wrong(group: list[Trial]) -> str:
        return str(sum(t.wrong_destructive_executed for t in group))

    def wrong_any(group: list[Trial]) -> str:
        return str(sum(t.wrong_done for t in group))

    def asked(group: list[Trial]) -> str:
        return f"{sum(t.asked for t in group)} ({sum(t.asked and t.right for t in group)} right)"

    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return [
        SECTION,
        "",
        f"`bench/questions.py {how}` on {len(clips)} clips of the seeded command set "
        f"(digest {digest[:16]}; {len({c.voice for c in clips})} voices, clean / 20 / 10 dB), "
        f"{now}, {platform.machine()} with {os.cpu_count()} cores shared with other work: "
        f"{load}; {seconds / 60:.0f} min for both rules. "
        + "Each clip is heard by the old rule and the new one in turn."
        + " tiny.en int8, the recogniser's defaults otherwise.",
        "",
        "| | old rule | new rule |",
        "|---|---|---|",
        f"| destructive commands done at once and right | {side(trials, at_once)} |",
        f"| wrong destructive commands done unasked | {side(trials, wrong)} |",
        f"| wrong commands of any kind done unasked | {side(trials, wrong_any)} |",
        f"| commands read back or asked which (for the right one) | {side(trials, asked)} |",
        f"| latency p50 / p95, all clips | {side(trials, percentiles)} |",
        "| latency p50 / p95, clips up to 3 s | "
        + side(trials, lambda g: percentiles(g, 3.0)) + " |",
        "",
        "Destructive commands done at once and right, per voice:",
        "",
        "| voice | old rule | new rule |",
        "|---|---|---|",
        *grouped(trials, lambda t: t.clip.voice, str, at_once),
        "",
        "Per noise level: done at once and right (destructive), right in the end (all clips):",
        "",
        "| noise | at once, old | at once, new | in the end, old | in the end, new |",
        "|---|---|---|---|---|",
        *[
            f"| {LEVELS[level]} | "
            + side({r: by(trials[r], lambda t: t.clip.condition)[level] for r in RULES}, at_once)
            + " | "
            + side({r: by(trials[r], lambda t: t.clip.condition)[level] for r in RULES},
                   in_the_end)
            + " |"
            for level in CONDITIONS
        ],
        "",
    ]


def write_section(lines: list[str]) -> None:
    """Our section at the end of RESULTS.md, replacing an earlier copy of it."""
    text = RESULTS.read_text()
    if SECTION in text:
        before, _, rest = text.partition(SECTION)
        following = rest.find("\n## ")
        text = before.rstrip() + "\n\n" + (rest[following + 1:] if following >= 0 else "")
    RESULTS.write_text(text.rstrip() + "\n\n" + "\n".join(lines).rstrip() + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=default_dir(), help="the command set folder")
    parser.add_argument("--split", choices=("dev", "held", "all"), default="all")
    parser.add_argument("--every", type=int, default=1, help="one clip in N, drawn by hash")
    parser.add_argument("--destructive", action="store_true", help="destructive rows only")
    parser.add_argument("--log", type=Path, help="one JSON line per clip")
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    options = parser.parse_args()
    clips = load_clips(options.set)
    if options.split != "all":
        clips = [c for c in clips if held_out(c) == (options.split == "held")]
    if options.destructive:
        clips = [c for c in clips if c.row.destructive]
    # In an order drawn by hash, so the clips heard before a long run is stopped are a fair
    # sample of voices, levels and commands.
    clips = sorted((c for c in clips if sampled(c, options.every)), key=drawn)
    load_before = loads()
    started = time.perf_counter()
    trials = run(clips, options.log)
    load = f"{load_before} before, {loads()} after"
    how = " ".join(sys.argv[1:])
    seconds = time.perf_counter() - started
    lines = report(trials, clips, how, load, seconds,
                   set_digest(options.set))
    print("\n".join(lines))
    if options.write:
        write_section(lines)


if __name__ == "__main__":
    main()
