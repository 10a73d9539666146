"""Editing: cut, keep, split, trim, move, duplicate and swap.

Each action resolves what was said, calls one pure edit in `timeline.edits`, records it as
one undo step and says what changed (count + object + verb, the words that went).
"""

from __future__ import annotations

from voiceedit.actions import describe
from voiceedit.actions.registry import action
from voiceedit.actions.resolve import (
    clip_index,
    find_quote,
    need_selection,
    need_timeline,
    resolve_range,
    resolve_time,
)
from voiceedit.actions.state import EditorState, Outcome
from voiceedit.spoken_time import print_count, print_time
from voiceedit.timeline import edits
from voiceedit.timeline.model import Timeline
from voiceedit.understand.command import Quote, SpokenTime


def delete_span(state: EditorState, start: int, end: int, what: str | None = None) -> Outcome:
    """Ripple-delete [start, end) and say what went."""
    words = state.words.text(state.words.between(start, end))
    what = what or f"Deleted {print_time(end - start)}"
    timeline = edits.delete_range(state.timeline, start, end)
    new = state.edited(timeline, describe.history_entry(what, words), playhead=start)
    return Outcome(new, describe.edited(what, new, words), changed=True)


def keep_span(state: EditorState, start: int, end: int) -> Outcome:
    if start == 0 and end == state.timeline.duration:
        return Outcome(state, "That is the whole timeline already; nothing changed.")
    words = state.words.text(state.words.between(start, end))
    what = f"Kept {print_time(end - start)}"
    removed = state.timeline.duration - (end - start)
    timeline = edits.keep_range(state.timeline, start, end)
    new = state.edited(timeline, describe.history_entry(what, words), playhead=0)
    return Outcome(new, describe.edited(f"{what}, removed {print_time(removed)}", new, words),
                   changed=True)


@action("delete_range", destructive=True)
def delete_range(state: EditorState, start: SpokenTime, end: SpokenTime) -> Outcome:
    return delete_span(state, *resolve_range(state, start, end))


@action("delete_quote", destructive=True)
def delete_quote(state: EditorState, quote: Quote) -> Outcome:
    match = find_quote(state, quote)
    return delete_span(state, match.start, match.end)


@action("delete_between", destructive=True, takes_between=True)
def delete_between(state: EditorState, first: Quote, last: Quote) -> Outcome:
    start = find_quote(state, first, "first")
    # "from A to B": B is the nearest match after A, the way the sentence reads.
    end = find_quote(state, last, "last", after=start.first, nearest=True)
    span = state.quotes.span(start, end)
    return delete_span(state, span.start, span.end)


@action("delete_sentence", destructive=True, takes_sentence=True)
def delete_sentence(state: EditorState, quote: Quote) -> Outcome:
    sentence = state.quotes.sentence(find_quote(state, quote))
    return delete_span(state, sentence.start, sentence.end)


@action("delete_selection", destructive=True)
def delete_selection(state: EditorState) -> Outcome:
    need_timeline(state)
    return delete_span(state, *need_selection(state))


@action("delete_clip", destructive=True)
def delete_clip(state: EditorState, clip: int) -> Outcome:
    index = clip_index(state, clip)
    start = state.timeline.clip_start(index)
    end = start + state.timeline.clips[index].duration
    return delete_span(state, start, end,
                       f"Deleted clip {clip}, {print_time(end - start)}")


@action("keep_range", destructive=True)
def keep_range(state: EditorState, start: SpokenTime, end: SpokenTime) -> Outcome:
    return keep_span(state, *resolve_range(state, start, end))


@action("keep_quote", destructive=True)
def keep_quote(state: EditorState, quote: Quote) -> Outcome:
    match = find_quote(state, quote)
    return keep_span(state, match.start, match.end)


@action("keep_selection", destructive=True)
def keep_selection(state: EditorState) -> Outcome:
    need_timeline(state)
    return keep_span(state, *need_selection(state))


@action("split")
def split(state: EditorState, time: SpokenTime | None = None) -> Outcome:
    need_timeline(state)
    at = resolve_time(state, time) if time is not None else state.playhead
    timeline = edits.split(state.timeline, at)
    what = f"Split at {print_time(at)}"
    new = state.edited(timeline, describe.history_entry(what), playhead=at)
    said = f"{what}, making {print_count(len(timeline.clips), 'clip')}"
    return Outcome(new, describe.edited(said, new), changed=True)


def clip_edit(state: EditorState, timeline: Timeline, what: str, focus: int) -> Outcome:
    """An edit of whole clips: the playhead goes to the start of clip `focus` (0-based)."""
    focus = min(focus, len(timeline.clips) - 1)
    playhead = timeline.clip_start(focus) if timeline.clips else 0
    new = state.edited(timeline, describe.history_entry(what), playhead=playhead)
    return Outcome(new, describe.edited(what, new), changed=True)


@action("trim_start", destructive=True)
def trim_start(state: EditorState, clip: int, amount: SpokenTime) -> Outcome:
    index = clip_index(state, clip)
    timeline = edits.trim_start(state.timeline, index, amount.ms)
    what = f"Trimmed {print_time(amount.ms)} from the start of clip {clip}"
    return clip_edit(state, timeline, what, index)


@action("trim_end", destructive=True)
def trim_end(state: EditorState, clip: int, amount: SpokenTime) -> Outcome:
    index = clip_index(state, clip)
    timeline = edits.trim_end(state.timeline, index, amount.ms)
    what = f"Trimmed {print_time(amount.ms)} from the end of clip {clip}"
    return clip_edit(state, timeline, what, index)


@action("move_clip")
def move_clip(state: EditorState, clip: int, position: int) -> Outcome:
    index, target = clip_index(state, clip), clip_index(state, position)
    if index == target:
        return Outcome(state, f"Clip {clip} is already there; nothing changed.")
    timeline = edits.move_clip(state.timeline, index, target)
    what = f"Moved clip {clip} to position {position}"
    return clip_edit(state, timeline, what, target)


@action("move_clip_after")
def move_clip_after(state: EditorState, clip: int, other: int) -> Outcome:
    index, after = clip_index(state, clip), clip_index(state, other)
    if index == after + 1:
        return Outcome(state, f"Clip {clip} already follows clip "
                              f"{other}; nothing changed.")
    timeline = edits.move_clip_after(state.timeline, index, after)
    what = f"Moved clip {clip} after clip {other}"
    return clip_edit(state, timeline, what, after if after > index else after + 1)


@action("duplicate_clip")
def duplicate_clip(state: EditorState, clip: int) -> Outcome:
    index = clip_index(state, clip)
    timeline = edits.duplicate_clip(state.timeline, index)
    what = f"Duplicated clip {clip}; the copy is clip {clip + 1}"
    return clip_edit(state, timeline, what, index + 1)


@action("swap_clips")
def swap_clips(state: EditorState, first: int, second: int) -> Outcome:
    one, two = clip_index(state, first), clip_index(state, second)
    if one == two:
        return Outcome(state, "That is the same clip; nothing changed.")
    timeline = edits.swap_clips(state.timeline, one, two)
    what = f"Swapped clips {first} and {second}"
    return clip_edit(state, timeline, what, min(one, two))
