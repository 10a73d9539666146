"""Spoken commands: accuracy, safety and latency of the voice path, on the generated test set.

    .venv/bin/python bench/make_command_set.py      # once: the set, into the cache
    .venv/bin/python bench/commands.py [--all] [--variants] [--write]

Each clip goes through what `voiceedit do --audio` and the live session do: CommandRecognizer
(tiny.en int8, short window, grammar prompt) → `understand` → a Command. A clip counts as
*right* when the action and every argument match the table (times and numbers exactly, formats
ignoring case, quotes when they find the same words of the sample interview as the said quote
does, as the act stage finds them: "ask not what you're country" cuts what "ask not what your
country" cuts; a cut from one quote to another when it cuts the same words; a file name when
it finds the same file beside the project). A destructive command
below the matcher's CONFIRM_BELOW is *asked* (read back, waits for yes), not executed; a wrong
destructive command at or above it is the one failure that must never happen. A quote is
looked up in the sample interview's words as the act stage does (QuoteIndex): a quote found
nowhere cuts nothing ("I can't find ..."), and one found in several places is asked as
numbered choices, so only a quote found exactly once can be executed.

Latency is from the end of the audio to the Command ready (recognition + matching), for clips
up to 3 s long, beside plain faster-whisper `transcribe` (30 s window, same model, same prompt,
same beam of 5) on the same clips. The machine is shared: the load average is printed with the
figures, with the CPU time of both threads beside the wall-clock time.

By default every phrasing × condition is heard in two of the seven voices (rotating), which
keeps the run near five minutes on two cores; `--all` hears every clip. `--variants` (about
ten minutes more) compares recogniser settings (prompt, padding, window, beam with grammar
rescoring, the retry) on one voice per phrasing × condition. `--write` puts the report in
bench/RESULTS.md (section "## Spoken commands", replaced if present; the rest of the file is
left as it is). bench/questions.py puts the doubt rule before and after issue 17 side by side
("done at once and right" per voice and noise level, and why each question was asked).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from command_table import TABLE, Row  # noqa: E402
from make_command_set import default_dir  # noqa: E402

from voiceedit.actions.fit import (  # noqa: E402
    QuotePlaces,
    answer_actions,
    does_nothing,
    moot_actions,
    places_in,
)
from voiceedit.actions.media import name_like  # noqa: E402
from voiceedit.actions.registry import spec_of  # noqa: E402
from voiceedit.dialogue import asked_which, read_back_first  # noqa: E402
from voiceedit.hear.audio import SAMPLE_RATE  # noqa: E402
from voiceedit.hear.command_recognizer import CommandRecognizer, RecognizerOptions  # noqa: E402
from voiceedit.hear.readings import Heard  # noqa: E402
from voiceedit.timeline.model import Clip as TimelineClip  # noqa: E402
from voiceedit.timeline.model import Timeline  # noqa: E402
from voiceedit.timeline.quotes import QuoteIndex  # noqa: E402
from voiceedit.timeline.sentence_quote import found_score  # noqa: E402
from voiceedit.timeline.transcript import Transcript, Word  # noqa: E402
from voiceedit.timeline.words import TimelineWords  # noqa: E402
from voiceedit.understand.command import Command, Quote  # noqa: E402
from voiceedit.understand.grammar import words  # noqa: E402
from voiceedit.understand.matcher import (  # noqa: E402
    ACCEPT_FROM,
    NotUnderstood,
    understand,
    vocabulary_prompt,
)

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "interview.json"
SECTION = "## Spoken commands"
SHORT_S = 3.0  # the latency target is for commands up to this long
ROWS = {row.name: row for row in TABLE}
CONDITIONS = ("clean", "snr20", "snr10")
# The media files the table's "insert intro" finds beside the sample project.
MEDIA_BESIDE = {Path("interview.mp4"): "interview", Path("intro.mp4"): "intro"}


@dataclass(frozen=True)
class Clip:
    file: Path
    row: Row
    text: str
    voice: str
    condition: str
    noise: str
    duration: float


@dataclass(frozen=True)
class Trial:
    clip: Clip
    heard: str
    command: Command | None  # None: not understood
    latency_ms: float  # end of audio -> Command ready
    undoubted: Command | None = None  # the command before the recogniser's doubt rule
    cpu_ms: float = 0.0  # CPU time of this process over the same span, both threads
    offered: tuple[Command, ...] = ()  # other meanings offered beside a command read back

    @property
    def right(self) -> bool:
        return self.command is not None and matches(self.clip.row, self.command)

    @property
    def right_in_the_end(self) -> bool:
        """Right, or read back with the right meaning among those offered ("two")."""
        return self.right or (self.asked and any(matches(self.clip.row, c) for c in self.offered))

    @property
    def accepted(self) -> bool:
        return self.command is not None and self.command.confidence >= ACCEPT_FROM

    @property
    def asked(self) -> bool:
        """Read back and waiting for an answer rather than done, as dialogue.py decides: a
        cut (or the end of the session) in doubt, or another command asked about beside the
        other meanings heard."""
        return self.accepted and (read_back_first(self.command)
                                  or asked_which(self.command, self.offered))

    @property
    def wrong_done(self) -> bool:
        """Any wrong command done without a question: a cut, or "next clip" for "export"
        (not one read back or asked about)."""
        return self.accepted and not self.right and not self.asked

    @property
    def wrong_destructive_executed(self) -> bool:
        wrong = self.accepted and self.command.destructive and not self.asked and not self.right
        # a quote found nowhere or in several places, a range of no length or a clip swapped
        # with itself changes nothing
        return wrong and quotes_found_once(self.command) and not does_nothing(self.command)


@functools.cache
def sample_quotes() -> QuoteIndex:
    """The sample interview's true words, indexed as the act stage indexes a timeline."""
    data = json.loads(SAMPLE.read_text())
    duration = round(data["duration"] * 1000)
    words = tuple(Word.from_json(word) for word in data["words"])
    transcript = Transcript(media=data["media"], duration=duration, words=words)
    timeline = Timeline((TimelineClip(data["media"], 0, duration),))
    return QuoteIndex(TimelineWords.build(timeline, [transcript]), duration)


@functools.cache
def phrases() -> tuple[tuple[str, ...], ...]:
    """What a quote can say in the sample project, as Editor.phrases gives it: the
    interview's words, and the names of the media beside it."""
    said = tuple(word for text in sample_quotes().words.texts for word in words(text))
    return (said, *(tuple(words(name)) for name in sorted(MEDIA_BESIDE.values())))


def fit(command: Command) -> float:
    """The sample project's answer to the recogniser's question, as Editor.fit gives it:
    how well the command's quotes are found in the interview (or name a file beside it), 0 for
    what its action refuses (a range of no length, a clip swapped with itself), or an answer
    ("three", "yes"): no question waits here."""
    if does_nothing(command) or spec_of(command.action).answers_question:
        return 0.0
    quotes = [value for value in command.args.values() if isinstance(value, Quote)]
    if command.action == "insert_media":
        return float(all(name_like(quote.text, MEDIA_BESIDE) for quote in quotes))
    scores = [found_score(sample_quotes(), q.text, q.said) for q in quotes]
    return min(scores, default=100.0) / 100


def fit_asked(command: Command) -> float:
    """`fit` while a question waits, as when an answer ("no", "number two") is said."""
    return 1.0 if spec_of(command.action).answers_question else fit(command)


def mode_for(row: Row) -> str:
    """The session's mode when the row is said: asleep for the wake phrase, else awake."""
    return "asleep" if spec_of(row.action).enters == "awake" else "awake"


def fit_for(row: Row) -> Callable[[Command], float]:
    """The sample project's fit when the row is said: a question waits for an answer row,
    none for any other (an answer then does nothing)."""
    return fit_asked if spec_of(row.action).answers_question else fit


def idle() -> frozenset[str]:
    """The actions that do nothing in the sample project, as Editor.idle_actions gives them:
    the answers, since no question waits."""
    return answer_actions()


def idle_asked() -> frozenset[str]:
    """`idle` while a question waits: none."""
    return frozenset()


def said_to(recognizer: CommandRecognizer, clip: Clip) -> None:
    """The recogniser asks the project as it stands when the clip is said (fit_for): a
    question waits for an answer row, none for any other; asleep for the wake phrase."""
    asked = spec_of(clip.row.action).answers_question
    if recognizer.fit is not None:
        recognizer.fit = fit_for(clip.row)
    if recognizer.idle is not None:
        moot = moot_actions(mode_for(clip.row))
        recognizer.idle = lambda: (idle_asked() if asked else idle()) | moot


def places(command: Command) -> QuotePlaces | None:
    """Where the sample project finds the command's quotes, as Editor.places says."""
    return places_in(sample_quotes(), command)


def quotes_found_once(command: Command) -> bool:
    """Whether every quote of the command names one place (so it would be done at once)."""
    quotes = [value for value in command.args.values() if isinstance(value, Quote)]
    return all(len(sample_quotes().find(quote.text)) == 1 for quote in quotes)


def load_clips(folder: Path) -> list[Clip]:
    manifest = folder / "manifest.jsonl"
    if not manifest.is_file():
        sys.exit(f"No command set in {folder}: run bench/make_command_set.py first.")
    clips = []
    for line in manifest.read_text().splitlines():
        item = json.loads(line)
        row = ROWS.get(item["row"])
        if row is None or item["text"] not in row.phrasings:
            sys.exit(f"{folder} was made from another table: run bench/make_command_set.py.")
        clips.append(
            Clip(
                folder / item["file"],
                row,
                item["text"],
                item["voice"],
                item["condition"],
                item["noise"],
                item["duration"],
            )
        )
    return clips


def subsample(clips: list[Clip], voices_each: int) -> list[Clip]:
    """`voices_each` voices per phrasing × condition, rotating so every voice is heard."""
    voices = sorted({clip.voice for clip in clips})
    kept = []
    for clip in clips:
        key = f"{clip.row.name}|{clip.text}|{clip.condition}".encode()
        first = int.from_bytes(hashlib.sha256(key).digest()[:4], "little") % len(voices)
        chosen = {voices[(first + i * 3) % len(voices)] for i in range(voices_each)}
        if clip.voice in chosen:
            kept.append(clip)
    return kept


def same_file(expected: Quote, got: object) -> bool:
    """Whether a heard file name names the same file beside the project as the said one."""
    meant = name_like(expected.text, MEDIA_BESIDE)
    return (isinstance(got, Quote) and meant is not None
            and name_like(got.text, MEDIA_BESIDE) == meant)


def matches(row: Row, command: Command) -> bool:
    """Right when the command does what was said (what the user gets): the same action and
    values, its quotes taking the same words of the interview as the said ones, as the act
    stage finds them (actions/fit.places: a range all from its first quote to the nearest
    match of its last, "the sentence starting with" the sentence), a file's name the same file."""
    if command.action != row.action or set(command.args) != set(row.args):
        return False
    said = places(Command(row.action, row.args))
    if said is not None and places(command) != said:
        return False
    for name, expected in row.args.items():
        got = command.args[name]
        if isinstance(expected, Quote):
            if (said is None or name not in said) and not same_file(expected, got):
                return False
        elif isinstance(expected, str):
            if not isinstance(got, str) or got.casefold() != expected.casefold():
                return False
        elif got != expected:
            return False
    return True


def match_text(text: str) -> Command | None:
    try:
        return understand(text)
    except NotUnderstood:
        return None


def read(clip: Clip) -> np.ndarray:
    audio, rate = sf.read(clip.file, dtype="float32")
    assert rate == SAMPLE_RATE, clip.file
    return audio


def run_ours(recognizer: CommandRecognizer, clips: Sequence[Clip]) -> list[Trial]:
    """Recognition and matching as the voice path does them (the grammar runs inside)."""
    trials = []
    for clip in clips:
        audio = read(clip)
        said_to(recognizer, clip)
        started, cpu = time.perf_counter(), time.process_time()
        heard = recognizer.recognise(audio)
        latency = 1000 * (time.perf_counter() - started)
        cpu = 1000 * (time.process_time() - cpu)
        trials.append(Trial(clip, heard.text, heard.command, latency, undoubted(heard), cpu))
    return trials


def undoubted(heard: Heard) -> Command | None:
    """The chosen command as the matcher gave it, before the doubt rule lowered it."""
    return next((h.command for h in heard.alternatives if h.text == heard.text), None)


def run_plain(recognizer: CommandRecognizer, prompt: str, clips: Sequence[Clip]) -> list[Trial]:
    """faster-whisper's own `transcribe`: the 30 s window, same model, prompt and beam."""
    trials = []
    for clip in clips:
        audio = read(clip)
        started, cpu = time.perf_counter(), time.process_time()
        segments, _ = recognizer.whisper.transcribe(
            audio,
            language="en",
            beam_size=recognizer.options.beam[0],
            initial_prompt=prompt,
            without_timestamps=True,
            condition_on_previous_text=False,
        )
        text = " ".join(segment.text.strip() for segment in segments)
        command = match_text(text)
        latency = 1000 * (time.perf_counter() - started)
        cpu = 1000 * (time.process_time() - cpu)
        trials.append(Trial(clip, text, command, latency, command, cpu))
    return trials


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def right_rate(trials: Sequence[Trial]) -> str:
    return f"{percent(sum(t.right for t in trials), len(trials))} ({len(trials)})"


def latency(trials: Sequence[Trial]) -> str:
    """Wall-clock p50 / p95 (and CPU time p50 / p95) over the clips up to SHORT_S."""
    short = [t for t in trials if t.clip.duration <= SHORT_S]
    if not short:
        return "–"
    wall = np.percentile([t.latency_ms for t in short], [50, 95])
    cpu = np.percentile([t.cpu_ms for t in short], [50, 95])
    return f"{wall[0]:.0f} / {wall[1]:.0f} ms (CPU {cpu[0]:.0f} / {cpu[1]:.0f} ms)"


def by(trials: Sequence[Trial], key: Callable[[Trial], str]) -> dict[str, list[Trial]]:
    groups: dict[str, list[Trial]] = defaultdict(list)
    for trial in trials:
        groups[key(trial)].append(trial)
    return groups


def accuracy_table(trials: Sequence[Trial]) -> list[str]:
    per_voice = by(trials, lambda t: t.clip.voice)
    lines = [
        "| voice | clean | 20 dB SNR | 10 dB SNR |",
        "|---|---|---|---|",
    ]
    for voice in sorted(per_voice):
        cells = by(per_voice[voice], lambda t: t.clip.condition)
        lines.append(f"| {voice} | " + " | ".join(right_rate(cells[c]) for c in CONDITIONS) + " |")
    overall = by(trials, lambda t: t.clip.condition)
    lines.append("| **all** | " + " | ".join(right_rate(overall[c]) for c in CONDITIONS) + " |")
    return lines


def safety_lines(trials: Sequence[Trial]) -> list[str]:
    destructive_said = [t for t in trials if t.clip.row.destructive]
    wrong = [t for t in trials if t.wrong_destructive_executed]
    asked = [t for t in trials if t.asked]
    not_understood = [t for t in trials if not t.accepted]
    wrong_other = [t for t in trials if t.accepted and not t.right and not t.command.destructive]
    lines = [
        f"- Wrong destructive commands executed without confirmation: **{len(wrong)}** "
        f"of {len(trials)} clips.",
        f"- Confirmations asked: {len(asked)} ({sum(t.right for t in asked)} for the right "
        f"command, {sum(not t.right for t in asked)} caught a wrong one); destructive commands "
        f"said: {len(destructive_said)}, done at once and right: "
        f"{sum(t.right and not t.asked for t in destructive_said)}.",
        f"- Not understood (the user is asked to say it again): {len(not_understood)}; "
        f"wrong non-destructive commands done (undoable): {len(wrong_other)}.",
    ]
    lines += [f"  - WRONG DESTRUCTIVE: {t.clip.text!r} heard {t.heard!r}" for t in wrong]
    undoubted = [replace(t, command=t.undoubted) for t in trials]
    lines.append(
        "- Without the recogniser's doubt rule (n-best disagree or unsure → read back): "
        f"{sum(t.wrong_destructive_executed for t in undoubted)} wrong destructive executed, "
        f"{sum(t.asked for t in undoubted)} confirmations asked."
    )
    return lines


def grammar_coverage() -> list[str]:
    """Phrasings whose own text the matcher gets wrong: gaps in the grammar, not in hearing."""
    failing = []
    for row in TABLE:
        for text in row.phrasings:
            command = match_text(text)
            if command is None or not matches(row, command):
                got = "not understood" if command is None else f"{command.action}{command.args}"
                failing.append(f"  - {text!r} → {got}")
    said = sum(len(row.phrasings) for row in TABLE)
    return [
        f"- Phrasings the matcher gets wrong from the exact text: {len(failing)} of {said}.",
        *failing,
    ]


def mishearings(trials: Sequence[Trial], limit: int = 25) -> list[str]:
    wrong = [t for t in trials if not t.right and t.clip.condition != "snr10"]
    lines = [
        f"  - {t.clip.voice}/{t.clip.condition}: {t.clip.text!r} heard {t.heard!r}"
        f" → {t.command.action if t.command else 'not understood'}"
        for t in wrong[:limit]
    ]
    return lines


def loads() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def main_report(clips: list[Clip], plain_count: int) -> list[str]:
    prompt = vocabulary_prompt()
    options = RecognizerOptions(prompt=prompt)
    recognizer = CommandRecognizer(options=options, fit=fit, phrases=phrases, places=places,
                                   idle=idle)
    recognizer.recognise(read(clips[0]))  # warm
    load_before = loads()
    started = time.perf_counter()
    trials = run_ours(recognizer, clips)
    spent = time.perf_counter() - started
    print(f"ours: {len(trials)} clips in {spent:.0f} s", file=sys.stderr)

    short = [t for t in trials if t.clip.duration <= SHORT_S and t.clip.condition == "clean"]
    step = max(1, len(short) // plain_count)
    compared = [t.clip for t in short[::step]][:plain_count]
    plain = run_plain(recognizer, prompt, compared)
    ours_same = run_ours(recognizer, compared)
    load_after = loads()

    lines = [
        SECTION,
        "",
        f"`bench/commands.py` on {len(trials)} clips of the generated set "
        f"({len(TABLE)} commands, {sum(len(r.phrasings) for r in TABLE)} phrasings, "
        f"{len({c.voice for c in clips})} voices, clean / white or babble noise at 20 and 10 dB "
        f"SNR); tiny.en int8, 2 threads, the recogniser's defaults (silence-padded window of "
        f"speech + 3 s, at least 10 s; vocabulary prompt; a greedy reading taken when sure "
        f"and the project can act on it; else beam 5, the hypothesis the grammar "
        f"explains best among those whose quotes the sample project finds; when that reading "
        f"is unsure, a free beam of 20 and a beam search (5) within the grammar over the same "
        f"encoding, quotes limited to runs of the interview's words, all readings ranked "
        f"together; a pass with zero padding when nothing is "
        f"understood). "
        f"Machine shared: {load_before} before, {load_after} after.",
        "",
        "Right command with the right arguments (clips):",
        "",
        *accuracy_table(trials),
        "",
        *safety_lines(trials),
        *grammar_coverage(),
        "",
        f"Latency, end of audio → Command ready, p50 / p95, clips up to {SHORT_S:.0f} s: "
        f"**{latency(trials)}** over all {len(trials)} clips.",
        "",
        "Side by side on the same clean clips up to 3 s "
        f"({len(compared)}: every {step}th), same model, prompt and beam (5):",
        "",
        "| | p50 / p95 latency | right |",
        "|---|---|---|",
        "| ours: short window, greedy when sure, else beam 5 + grammar (20 and within it "
        f"when unsure) | "
        f"{latency(ours_same)} | "
        f"{right_rate(ours_same)} |",
        f"| faster-whisper `transcribe`, 30 s window | {latency(plain)} | {right_rate(plain)} |",
        "",
        "Misheard (clean and 20 dB; first 25):",
        "",
        *mishearings(trials),
        "",
    ]
    return lines


VARIANTS: dict[str, dict] = {
    "chosen: silence padding, floor 10 s, beam 5 + grammar + project, search within the "
    "grammar when unsure, retry": {},
    "wide free beam (20) when unsure instead of the search within the grammar": {
        "constrained": False
    },
    "quotes not limited to the project's words in the search within the grammar": {
        "phrases": None
    },
    "no greedy first pass (the beam of five first)": {"greedy_first": False},
    "neither (beam 5 only)": {"constrained": False, "wide_beam": None},
    "the project not asked (quotes not looked up)": {"fit": None, "places": None},
    "beam 3, 3 hypotheses": {"beam_size": 3, "num_hypotheses": 3},
    "no retry with zero padding when nothing is understood": {"retry_pad": None},
    "greedy, the model's best only, no retry": {
        "beam_size": 1,
        "num_hypotheses": 1,
        "constrained": False,
        "wide_beam": None,
        "retry_pad": None,
    },
    "no vocabulary prompt": {"prompt": None},
    "zero padding first (faster-whisper's 30 s pad)": {"pad": "zeros", "retry_pad": "silence"},
    "floor 5 s (500 frames)": {"min_frames": 500},
}


def variants_report(clips: list[Clip]) -> list[str]:
    prompt = vocabulary_prompt()
    lines = [
        "",
        f"Recogniser settings compared on {len(clips)} clips (one voice per phrasing × "
        f"condition); {loads()} at the start:",
        "",
        "| setting | clean | 20 dB | 10 dB | wrong destructive | p50 / p95 latency |",
        "|---|---|---|---|---|---|",
    ]
    for name, changes in VARIANTS.items():
        settings = dict(changes)  # RecognizerOptions fields, and the project's fit and phrases
        project = {"fit": settings.pop("fit", fit), "phrases": settings.pop("phrases", phrases),
                   "places": settings.pop("places", places), "idle": settings.pop("idle", idle)}
        options = RecognizerOptions(**{"prompt": prompt, **settings})
        recognizer = CommandRecognizer(options=options, **project)
        recognizer.recognise(read(clips[0]))
        trials = run_ours(recognizer, clips)
        cells = by(trials, lambda t: t.clip.condition)
        wrong = sum(t.wrong_destructive_executed for t in trials)
        lines.append(
            f"| {name} | "
            + " | ".join(right_rate(cells[c]) for c in CONDITIONS)
            + f" | {wrong} | {latency(trials)} |"
        )
        print(lines[-1], file=sys.stderr)
    return lines


def write_section(lines: list[str]) -> None:
    """Replace our section of RESULTS.md (or append it), leaving the others' sections alone."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    ours = "\n".join(lines).rstrip() + "\n"
    if SECTION in text:
        before, _, rest = text.partition(SECTION)
        following = rest.find("\n## ")
        after = rest[following + 1 :] if following >= 0 else ""
        text = before + ours + ("\n" + after if after else "")
    else:
        text = text.rstrip() + "\n\n" + ours
    RESULTS.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=default_dir(), help="the command set folder")
    parser.add_argument("--all", action="store_true", help="every clip, not two voices each")
    parser.add_argument("--plain", type=int, default=40, help="clips for the 30 s comparison")
    parser.add_argument("--variants", action="store_true", help="compare recogniser settings")
    parser.add_argument("--only-variants", action="store_true", help="the comparison alone")
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    options = parser.parse_args()
    clips = load_clips(options.set)
    chosen = clips if options.all else subsample(clips, 2)
    lines = [] if options.only_variants else main_report(chosen, options.plain)
    if options.variants or options.only_variants:
        lines += variants_report(subsample(clips, 1))
    print("\n".join(lines))
    if options.write:
        write_section(lines)


if __name__ == "__main__":
    main()
