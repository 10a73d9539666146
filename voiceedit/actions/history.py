"""Undo and redo. The playhead goes to where the change was, so "play" lets you hear it."""

from __future__ import annotations

from voiceedit.actions import describe
from voiceedit.actions.registry import action
from voiceedit.actions.state import EditorState, Outcome
from voiceedit.errors import VoiceEditError
from voiceedit.timeline.history import History, Step
from voiceedit.timeline.model import Timeline


def _after_history(state: EditorState, timeline: Timeline, history: History,
                   step: Step) -> EditorState:
    return state.with_project(timeline=timeline, history=history, selection=None, pending=None,
                              playhead=first_change(state.timeline, timeline, step.at))


def first_change(before: Timeline, after: Timeline, at: int) -> int:
    """The first timeline time at which `after` plays something else than `before`, given
    that their clips first differ at index `at`."""
    if at >= len(after.clips):
        return after.duration
    start = after.clip_start(at)
    if at < len(before.clips):
        old, new = before.clips[at], after.clips[at]
        if old.source == new.source and old.source_in == new.source_in:
            return start + min(old.duration, new.duration)  # same start, cut differently
    return start


@action("undo", cancels_question=True)  # "scratch that" while asked: cancel
def undo(state: EditorState) -> Outcome:
    if not state.project.history.can_undo:
        raise VoiceEditError("There is nothing to undo.")
    timeline, history, step = state.project.history.undo(state.timeline)
    new = _after_history(state, timeline, history, step)
    return Outcome(new, describe.undone("Undid", step.description, new), changed=True)


@action("redo")
def redo(state: EditorState) -> Outcome:
    if not state.project.history.can_redo:
        raise VoiceEditError("There is nothing to redo.")
    timeline, history, step = state.project.history.redo(state.timeline)
    new = _after_history(state, timeline, history, step)
    return Outcome(new, describe.undone("Redid", step.description, new), changed=True)
