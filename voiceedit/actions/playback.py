"""Playback by ear: play, play from a time, the selection, around the cut, stop.

The sound goes through the player the editor was given (`state.services`). These never
change the timeline; "stop" leaves the playhead where the sound stopped, so "stop" then
"split here" cuts where you heard it.
"""

from __future__ import annotations

from voiceedit.actions.registry import action
from voiceedit.actions.resolve import need_selection, need_timeline, resolve_time
from voiceedit.actions.state import EditorState, Outcome
from voiceedit.errors import VoiceEditError
from voiceedit.spoken_time import print_time
from voiceedit.understand.command import SpokenTime


def _play(state: EditorState, start: int, end: int, message: str) -> Outcome:
    state.services.the_player().play(state.timeline, start, end)
    return Outcome(state, message)


def _playing_from(start: int) -> str:
    return f"Playing from {print_time(start) if start else 'the start'}."


@action("play")
def play(state: EditorState) -> Outcome:
    timeline = need_timeline(state)
    start = state.playhead if state.playhead < timeline.duration else 0  # at the end: again
    return _play(state.with_project(playhead=start), start, timeline.duration,
                 _playing_from(start))


@action("play_from")
def play_from(state: EditorState, time: SpokenTime) -> Outcome:
    timeline = need_timeline(state)
    start = resolve_time(state, time)
    if start >= timeline.duration:
        raise VoiceEditError("That is the end of the timeline; there is nothing after it to play.")
    return _play(state.with_project(playhead=start), start, timeline.duration,
                 _playing_from(start))


@action("play_selection")
def play_selection(state: EditorState) -> Outcome:
    need_timeline(state)
    start, end = need_selection(state)
    return _play(state, start, end, f"Playing the selection, {print_time(end - start)}.")


@action("play_around_cut")
def play_around_cut(state: EditorState) -> Outcome:
    from voiceedit.answer.playback import around_cut

    join, start, end = around_cut(need_timeline(state), state.playhead)
    return _play(state, start, end, f"Playing around the cut at {print_time(join)}.")


@action("stop_playback", urgent=True)
def stop_playback(state: EditorState) -> Outcome:
    player = state.services.player
    position = player.stop() if player is not None else None
    if position is None:
        return Outcome(state, "Nothing is playing.")
    return Outcome(state.with_project(playhead=position), f"Stopped at {print_time(position)}.")
