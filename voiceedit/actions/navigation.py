"""Navigation and selection: move the playhead, select a range, say where we are now."""

from __future__ import annotations

from voiceedit.actions import describe
from voiceedit.actions.registry import action
from voiceedit.actions.resolve import (
    clip_index,
    find_quote,
    need_timeline,
    resolve_range,
    resolve_time,
)
from voiceedit.actions.state import EditorState, Outcome
from voiceedit.errors import VoiceEditError
from voiceedit.spoken_time import print_time
from voiceedit.understand.command import Quote, SpokenTime


def moved(state: EditorState, playhead: int) -> Outcome:
    """The playhead moved: where it is now, and who speaks there when that changed."""
    new = state.with_project(playhead=playhead)
    if state.verbosity == "brief":
        return Outcome(new, describe.capitalize(print_time(playhead)) + ".")
    changed = describe.speaker_at(state, state.playhead) != describe.speaker_at(new, playhead)
    return Outcome(new, describe.position(new, speaker=changed and describe.several_speakers(new)))


@action("seek")
def seek(state: EditorState, time: SpokenTime) -> Outcome:
    need_timeline(state)
    return moved(state, resolve_time(state, time))


@action("seek_clip")
def seek_clip(state: EditorState, clip: int) -> Outcome:
    return moved(state, state.timeline.clip_start(clip_index(state, clip)))


@action("seek_quote")
def seek_quote(state: EditorState, quote: Quote) -> Outcome:
    return moved(state, find_quote(state, quote).start)


@action("next_clip")
def next_clip(state: EditorState) -> Outcome:
    timeline = need_timeline(state)
    index = timeline.clip_index_at(state.playhead)
    if index + 1 >= len(timeline.clips):
        raise VoiceEditError("This is the last clip.")
    return moved(state, timeline.clip_start(index + 1))


@action("previous_clip")
def previous_clip(state: EditorState) -> Outcome:
    timeline = need_timeline(state)
    index = timeline.clip_index_at(min(state.playhead, timeline.duration - 1))
    if state.playhead > timeline.clip_start(index):
        return moved(state, timeline.clip_start(index))  # back to this clip's start first
    if index == 0:
        raise VoiceEditError("This is the first clip.")
    return moved(state, timeline.clip_start(index - 1))


def _select(state: EditorState, start: int, end: int) -> Outcome:
    new = state.with_project(selection=(start, end))
    return Outcome(new, describe.selection(new))


@action("select_range")
def select_range(state: EditorState, start: SpokenTime, end: SpokenTime) -> Outcome:
    return _select(state, *resolve_range(state, start, end))


@action("select_quote")
def select_quote(state: EditorState, quote: Quote) -> Outcome:
    match = find_quote(state, quote)
    return _select(state, match.start, match.end)


@action("select_clip")
def select_clip(state: EditorState, clip: int) -> Outcome:
    start = state.timeline.clip_start(clip_index(state, clip))
    return _select(state, start, start + state.timeline.clips[clip - 1].duration)


@action("clear_selection")
def clear_selection(state: EditorState) -> Outcome:
    if state.selection is None:
        return Outcome(state, "Nothing was selected.")
    return Outcome(state.with_project(selection=None), "Selection cleared.")
