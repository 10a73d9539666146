"""How long text -> Command takes, beside the simplest alternative.

Ours: `understand(text)`, the grammar walked over the words (exact pass, then the forgiving
pass when needed), arguments parsed. The alternative: rapidfuzz's `extractOne` of the text
against every spoken form of the grammar (what a "nearest phrase" matcher would do); it finds
a rule but no arguments, so it is the floor for speed, not a rival in what it returns.

Run: .venv/bin/python bench/matcher_speed.py
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from command_table import TABLE  # noqa: E402

from voiceedit.understand import matching, walker  # noqa: E402
from voiceedit.understand.grammar import expand, load_grammar  # noqa: E402
from voiceedit.understand.matcher import NotUnderstood, understand  # noqa: E402

MISHEARD = [
    "And do that.", "I do.", "Expert as EDL.", "Remove the failures.", "Let's plug here.",
    "Delete clip free.", "But clip four after clip two.", "Trim two seconds from the start on "
    "clip two.", "What did the position.", "Export to the EDL.",
]  # fmt: skip
NONSENSE = [
    "banana republic", "the weather is nice today", "I think that was a good take",
    "Okay, so what I would like to do now is go to the part about money.",
    "Thank you for watching, and we'll see you next time.",
]  # fmt: skip
ROUNDS = 20


def _ours(text: str) -> None:
    with contextlib.suppress(NotUnderstood):
        understand(text)


def _ours_first_sight(text: str) -> None:
    """As heard the first time: the per-word caches (sounds, parsed numbers) emptied."""
    for cache in (matching.sound, walker.parse_value, walker.may_start_value):
        cache.cache_clear()
    _ours(text)


def _times(function, texts: list[str]) -> list[float]:
    """Milliseconds per text: the best of ROUNDS, so other load on the machine counts less."""
    found = []
    for text in texts:
        best = float("inf")
        for _ in range(ROUNDS):
            start = time.perf_counter()
            function(text)
            best = min(best, time.perf_counter() - start)
        found.append(best * 1000)
    return found


def _line(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"  {name:34} p50 {statistics.median(times):6.2f} ms   p95 {p95:6.2f} ms"
        f"   max {max(times):6.2f} ms"
    )


def main() -> None:
    start = time.perf_counter()
    understand("undo that")
    print(
        f"Grammar loaded and compiled, first command: {(time.perf_counter() - start) * 1000:.0f} ms"
    )
    forms = [form for rule in load_grammar().rules for form in expand(rule.pattern, limit=200)]
    print(f"{len(load_grammar().rules)} rules, {len(forms)} spoken forms\n")
    sets = {
        f"grammar phrasings ({sum(len(r.phrasings) for r in TABLE)})": [
            p for row in TABLE for p in row.phrasings
        ],
        f"misheard ({len(MISHEARD)})": MISHEARD,
        f"not commands ({len(NONSENSE)})": NONSENSE,
    }
    for name, texts in sets.items():
        print(name)
        print(_line("ours: understand()", _times(_ours, texts)))
        print(_line("ours, first sight of the words", _times(_ours_first_sight, texts)))
        nearest = lambda text: process.extractOne(text.lower(), forms, scorer=fuzz.WRatio)  # noqa: E731
        print(_line("rapidfuzz extractOne, no arguments", _times(nearest, texts)))


if __name__ == "__main__":
    main()
