"""What a cut joins, said after the edit when it matters (OSARA-brief).

An edit that removes material joins two pieces that did not meet before. Seen from the
timeline before and after, a join is a clip boundary that is not one source simply
continuing (a split is no cut) and was not there before. At each new join:

- "Jump cut.": the same shot of the same source on both sides (the picture jumps);
  a cut exactly at a shot boundary joins two different shots, and is not one;
- "Black frame at the cut." / "Frozen picture at the cut.": a side's frame at the join is
  inside a black or frozen stretch;
- "Cut in the middle of a word.": the cut point is inside a transcript word of either side
  (strictly: a cut where one word ends and the next begins is between words).

Verbosity decides: the least verbose level says nothing more, the middle ones these notes,
the most verbose also which timeline shots are joined ("Shot 2 joins shot 5."). Several
joins at once (a cleanup) are counted: "3 jump cuts."
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace

from voiceedit.actions.state import EditorState, Outcome
from voiceedit.picture.placed import PlacedShot, place_shots
from voiceedit.picture.shots import Picture
from voiceedit.timeline.model import Timeline
from voiceedit.timeline.words import SourceWords

SHOTS_NAMED = 5  # joins whose shots are named at the most verbose level, before "and N more"


@dataclass(frozen=True)
class Join:
    at: int  # timeline ms, after the edit
    left: str  # the source that plays up to the join
    left_out: int  # ms in it, exclusive: the last frame shown is just before
    right: str  # the source that plays from the join
    right_in: int  # ms in it


def _joins(timeline: Timeline) -> list[Join]:
    found = []
    for index, (a, b) in enumerate(zip(timeline.clips, timeline.clips[1:], strict=False)):
        if a.source == b.source and a.source_out == b.source_in:
            continue  # one source going on: no cut
        found.append(Join(timeline.clip_start(index + 1), a.source, a.source_out, b.source,
                          b.source_in))
    return found


def new_joins(before: Timeline, after: Timeline) -> list[Join]:
    """The joins `after` has that `before` had not (each old join counted once)."""
    old = Counter((j.left, j.left_out, j.right, j.right_in) for j in _joins(before))
    fresh = []
    for join in _joins(after):
        key = (join.left, join.left_out, join.right, join.right_in)
        if old[key]:
            old[key] -= 1
        else:
            fresh.append(join)
    return fresh


def _problem_at(picture: Picture | None, ms: int, flag: str) -> bool:
    if picture is None or not picture.shots or not 0 <= ms < picture.duration:
        return False
    shot = picture.shots[picture.shot_at(ms)]
    return any(p.flag == flag and p.start <= ms < p.end for p in shot.problems)


def _inside_word(words: SourceWords | None, ms: int) -> bool:
    """Whether `ms` falls strictly inside one of a source's words."""
    if words is None:
        return False
    index = bisect_left(words.starts, ms)  # words starting before ms: [:index]
    return any(words.starts[i] < ms < words.ends[i] for i in range(max(0, index - 3), index))


def kinds(join: Join, pictures: Mapping[str, Picture], words: Mapping[str, SourceWords]
          ) -> list[str]:
    """What the join makes: of "jump", "black", "frozen", "mid-word"."""
    left, right = pictures.get(join.left), pictures.get(join.right)
    last_frame = join.left_out - 1
    found = []
    if (join.left == join.right and left is not None and left.shots
            and left.shot_at(last_frame) == left.shot_at(join.right_in)):
        found.append("jump")
    for flag in ("black", "frozen"):
        if _problem_at(left, last_frame, flag) or _problem_at(right, join.right_in, flag):
            found.append(flag)
    if (_inside_word(words.get(join.left), join.left_out)
            or _inside_word(words.get(join.right), join.right_in)):
        found.append("mid-word")
    return found


_ONE = {"jump": "Jump cut.", "black": "Black frame at the cut.",
        "frozen": "Frozen picture at the cut.", "mid-word": "Cut in the middle of a word."}


def _counted(kind: str, count: int) -> str:
    """ "3 jump cuts." among several joins; one of a kind is said in the singular."""
    cuts = "cut" if count == 1 else "cuts"
    if kind == "jump":
        return f"{count} jump {cuts}."
    if kind == "mid-word":
        return f"{count} {cuts} in the middle of a word."
    what = {"black": "Black frame", "frozen": "Frozen picture"}[kind]
    return f"{what}{'' if count == 1 else 's'} at {count} {cuts}."


def join_notes(before: Timeline, after: Timeline, pictures: Mapping[str, Picture],
               words: Mapping[str, SourceWords], level: int, levels: int) -> str:
    """The sentences to add after an edit's answer ("" when nothing matters). `level` is
    the verbosity's place among `levels` (0 the least verbose)."""
    if level == 0:
        return ""
    joins = new_joins(before, after)
    if not joins:
        return ""
    tally = Counter(kind for join in joins for kind in kinds(join, pictures, words))
    notes = [_ONE[kind] if len(joins) == 1 else _counted(kind, tally[kind])
             for kind in _ONE if tally[kind]]
    if level == levels - 1:
        notes += _shots_joined(joins, place_shots(after, pictures))
    return " ".join(notes)


def _shots_joined(joins: list[Join], placed: tuple[PlacedShot, ...]) -> list[str]:
    """ "Shot 2 joins shot 5." for each join with a picture on both sides."""
    ends = {p.shot.end: number for number, p in enumerate(placed, start=1)}
    starts = {p.shot.start: number for number, p in enumerate(placed, start=1)}
    pairs = [(ends[j.at], starts[j.at]) for j in joins if j.at in ends and j.at in starts]
    said = [f"shot {a} joins shot {b}" for a, b in pairs[:SHOTS_NAMED]]
    if not said:
        return []
    more = f"; and {len(pairs) - SHOTS_NAMED} more" if len(pairs) > SHOTS_NAMED else ""
    return ["S" + "; ".join(said)[1:] + more + "."]


def with_join_notes(before: EditorState, outcome: Outcome) -> Outcome:
    """A destructive action's outcome with what its cuts join added to its answer."""
    from voiceedit.project import verbosity_levels

    if not outcome.changed or not outcome.state.timeline.clips:
        return outcome
    levels = verbosity_levels()
    verbosity = outcome.state.verbosity
    level = levels.index(verbosity) if verbosity in levels else 1
    state = outcome.state
    # Each source's corrected words as the state already keeps them (cached across edits).
    words = {s.path: w for s in state.project.sources
             if (w := state.source_words_for(s.path)) is not None}
    notes = join_notes(before.timeline, state.timeline, state.project.pictures, words, level,
                       len(levels))
    if not notes:
        return outcome
    return replace(outcome, message=f"{outcome.message} {notes}")
