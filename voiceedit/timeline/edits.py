"""Edits: pure functions from one Timeline to a new one. Nothing here touches media.

Vocabulary from OpenTimelineIO. Every timeline time is integer milliseconds; a range is
[start, end). Each edit is built from one primitive, `extract` (the clips that play in a
range, the end clips trimmed), so an edit costs a bisect plus copying the clip tuple:
well under a millisecond on a 5,000-clip timeline (see bench/editing.py).

Edits that remove material are ripple edits (later clips move left, no gap is left). Where
a removal brings together two clips that are contiguous ranges of the same source, they are
joined again, so "delete a word, then undo by deleting the duplicate" does not leave a stray
cut and the clip list stays the one a person would describe.

Indices here are 0-based; the act stage turns "clip three" into 2. Bad arguments raise
VoiceEditError with a sentence, because the act stage passes the user's numbers through.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from voiceedit.errors import VoiceEditError
from voiceedit.spoken_time import print_time
from voiceedit.timeline.model import Clip, Timeline

Range = tuple[int, int]


def extract(timeline: Timeline, start: int, end: int) -> list[Clip]:
    """The clips that play in [start, end), the first and last trimmed to the range.

        | A      | B      | C      |   extract(t1, t2)
             t1 ^          ^ t2
        ->  | A' | B      |C'|
    """
    start, end = max(0, start), min(timeline.duration, end)
    if start >= end:
        return []
    first = timeline.clip_index_at(start)
    last = timeline.clip_index_at(end - 1)
    clips = list(timeline.clips[first : last + 1])
    # Trim only the ends that need it: untouched clips stay the same objects, which is what
    # lets the undo history find the changed part quickly (history.Step.between).
    cut_in = timeline.clips[first].source_in + start - timeline.clip_start(first)
    if cut_in != clips[0].source_in:
        clips[0] = Clip(clips[0].source, cut_in, clips[0].source_out)
    cut_out = timeline.clips[last].source_in + end - timeline.clip_start(last)
    if cut_out != clips[-1].source_out:
        clips[-1] = Clip(clips[-1].source, clips[-1].source_in, cut_out)
    return clips


def _joined(pieces: Iterable[list[Clip]]) -> Timeline:
    """Concatenate runs of clips, merging a join where the two sides are contiguous ranges
    of the same source (A[0:4] + A[4:9] -> A[0:9])."""
    clips: list[Clip] = []
    for piece in pieces:
        if not piece:
            continue
        if clips and _contiguous(clips[-1], piece[0]):
            clips[-1] = Clip(clips[-1].source, clips[-1].source_in, piece[0].source_out)
            clips.extend(piece[1:])
        else:
            clips.extend(piece)
    return Timeline(tuple(clips))


def _contiguous(left: Clip, right: Clip) -> bool:
    return left.source == right.source and left.source_out == right.source_in


def check_range(timeline: Timeline, start: int, end: int) -> None:
    """A sentence for a range that is empty or runs past the end of the timeline."""
    if not timeline.clips:
        raise VoiceEditError("The timeline is empty.")
    if start < 0 or end > timeline.duration:
        raise VoiceEditError(
            f"The timeline is only {print_time(timeline.duration)} long; "
            f"{print_time(max(start, end))} is past the end."
        )
    if start >= end:
        raise VoiceEditError(f"From {print_time(start)} to {print_time(end)} is an empty range.")


def check_clip(timeline: Timeline, index: int) -> None:
    count = len(timeline.clips)
    if not timeline.clips:
        raise VoiceEditError("The timeline is empty.")
    if not 0 <= index < count:
        clips = "1 clip" if count == 1 else f"{count} clips"
        raise VoiceEditError(f"There is no clip {index + 1}; the timeline has {clips}.")


def delete_range(timeline: Timeline, start: int, end: int) -> Timeline:
    """Remove [start, end) and close the gap (ripple delete).

        | A        | B    |   delete_range(t1, t2)
           ^t1  ^t2
        | A | A'  | B    |   (A' is A after t2; merged back into one clip if A was cut twice)
    """
    check_range(timeline, start, end)
    return _joined((extract(timeline, 0, start), extract(timeline, end, timeline.duration)))


def delete_ranges(timeline: Timeline, ranges: Sequence[Range]) -> Timeline:
    """Remove several ranges at once (cleanup commands): one pass, ripple, same merging.

        | A  um  B  uh  C |  ->  | A B C |
    """
    kept: list[list[Clip]] = []
    position = 0
    for start, end in merge_ranges(ranges):
        check_range(timeline, start, end)
        kept.append(extract(timeline, position, start))
        position = end
    kept.append(extract(timeline, position, timeline.duration))
    return _joined(kept)


def merge_ranges(ranges: Iterable[Range]) -> list[Range]:
    """Sorted ranges with overlapping or touching ones joined."""
    merged: list[Range] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def keep_range(timeline: Timeline, start: int, end: int) -> Timeline:
    """Keep only [start, end); everything before and after goes.

        | A     | B      |   keep_range(t1, t2)
            ^t1    ^t2
        | A'| B'|
    """
    check_range(timeline, start, end)
    return Timeline(tuple(extract(timeline, start, end)))


def split(timeline: Timeline, time: int) -> Timeline:
    """Cut the clip under `time` in two; nothing moves.

        | A          |   split(t)
             ^t
        | A1 | A2    |
    """
    if not timeline.clips:
        raise VoiceEditError("The timeline is empty.")
    if not 0 < time < timeline.duration:
        raise VoiceEditError(
            f"I can only split inside the timeline, between {print_time(0)} and "
            f"{print_time(timeline.duration)}."
        )
    index = timeline.clip_index_at(time)
    if timeline.clip_start(index) == time:
        raise VoiceEditError(f"There is already a cut at {print_time(time)}.")
    clip = timeline.clips[index]
    at = clip.source_in + time - timeline.clip_start(index)
    pieces = (Clip(clip.source, clip.source_in, at), Clip(clip.source, at, clip.source_out))
    return Timeline(timeline.clips[:index] + pieces + timeline.clips[index + 1 :])


def trim_start(timeline: Timeline, index: int, amount: int) -> Timeline:
    """Remove `amount` from the start of clip `index` (ripple).

        | A | B      | C |   trim_start(1, d)
        | A |B'   | C |    (B' starts d later in its source)
    """
    clip = _trimmable(timeline, index, amount)
    return _replace_clip(timeline, index, Clip(clip.source, clip.source_in + amount,
                                               clip.source_out))


def trim_end(timeline: Timeline, index: int, amount: int) -> Timeline:
    """Remove `amount` from the end of clip `index` (ripple).

        | A | B      | C |   trim_end(1, d)
        | A | B'  | C |
    """
    clip = _trimmable(timeline, index, amount)
    return _replace_clip(timeline, index, Clip(clip.source, clip.source_in,
                                               clip.source_out - amount))


def _trimmable(timeline: Timeline, index: int, amount: int) -> Clip:
    check_clip(timeline, index)
    clip = timeline.clips[index]
    if amount <= 0:
        raise VoiceEditError("Say how much to trim, for example one second.")
    if amount >= clip.duration:
        raise VoiceEditError(
            f"Clip {index + 1} is only {print_time(clip.duration)} long; "
            f"I can't trim {print_time(amount)} from it. Say delete clip {index + 1}."
        )
    return clip


def _replace_clip(timeline: Timeline, index: int, clip: Clip) -> Timeline:
    return Timeline(timeline.clips[:index] + (clip,) + timeline.clips[index + 1 :])


def delete_clip(timeline: Timeline, index: int) -> Timeline:
    """Remove clip `index` (ripple); its neighbours join if they are contiguous.

        | A | B | C |  ->  | A | C |
    """
    check_clip(timeline, index)
    start = timeline.clip_start(index)
    return delete_range(timeline, start, start + timeline.clips[index].duration)


def move_clip(timeline: Timeline, index: int, position: int) -> Timeline:
    """Move clip `index` so that it becomes clip `position` (both 0-based).

        | A | B | C | D |   move_clip(3, 1)
        | A | D | B | C |
    """
    check_clip(timeline, index)
    check_clip(timeline, position)
    clips = list(timeline.clips)
    clips.insert(position, clips.pop(index))
    return Timeline(tuple(clips))


def move_clip_after(timeline: Timeline, index: int, other: int) -> Timeline:
    """Move clip `index` to play right after clip `other`.

        | A | B | C | D |   move_clip_after(0, 2)
        | B | C | A | D |
    """
    check_clip(timeline, index)
    check_clip(timeline, other)
    if index == other:
        raise VoiceEditError("A clip can't move after itself.")
    clips = list(timeline.clips)
    clip = clips.pop(index)
    # Taking `index` out shifts every later clip left by one, `other` included.
    clips.insert(other if other > index else other + 1, clip)
    return Timeline(tuple(clips))


def duplicate_clip(timeline: Timeline, index: int) -> Timeline:
    """Put a copy of clip `index` right after it.

        | A | B |   duplicate_clip(0)
        | A | A | B |
    """
    check_clip(timeline, index)
    clip = timeline.clips[index]
    return Timeline(timeline.clips[: index + 1] + (clip,) + timeline.clips[index + 1 :])


def swap_clips(timeline: Timeline, first: int, second: int) -> Timeline:
    """Exchange two clips.

        | A | B | C |   swap_clips(0, 2)
        | C | B | A |
    """
    check_clip(timeline, first)
    check_clip(timeline, second)
    clips = list(timeline.clips)
    clips[first], clips[second] = clips[second], clips[first]
    return Timeline(tuple(clips))


def insert_clip(timeline: Timeline, clip: Clip, time: int) -> Timeline:
    """Insert `clip` at `time`, splitting the clip there; later material moves right.

        | A        |   insert_clip(N, t)
             ^t
        | A1 | N | A2 |
    """
    if not 0 <= time <= timeline.duration:
        raise VoiceEditError(
            f"The timeline is only {print_time(timeline.duration)} long; "
            f"{print_time(time)} is past the end."
        )
    before = extract(timeline, 0, time)
    after = extract(timeline, time, timeline.duration)
    return Timeline(tuple(before) + (clip,) + tuple(after))
