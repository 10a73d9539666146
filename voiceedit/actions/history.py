"""Undo and redo. The playhead goes to where the change was, so "play" lets you hear it.
One history holds both the cuts and the corrections of the transcript's words."""

from __future__ import annotations

from voiceedit.actions import describe
from voiceedit.actions.registry import action
from voiceedit.actions.state import EditorState, Outcome
from voiceedit.errors import VoiceEditError
from voiceedit.timeline.corrections import Correction, without_last
from voiceedit.timeline.history import History, Step
from voiceedit.timeline.model import Timeline


def _after_history(state: EditorState, timeline: Timeline, history: History,
                   step: Step, undoing: bool) -> EditorState:
    if step.correction is not None:
        return _after_correction(state, history, step.correction, undoing)
    if step.layers is not None:  # a chapter, a name...: the cuts, selection and playhead stay
        before, after = step.layers
        return state.with_project(history=history, layers=before if undoing else after,
                                  pending=None)
    return state.with_project(timeline=timeline, history=history, selection=None, pending=None,
                              playhead=first_change(state.timeline, timeline, step.at))


def _after_correction(state: EditorState, history: History, correction: Correction,
                      undoing: bool) -> EditorState:
    """A correction taken back or made again: the words change, the cuts and the
    selection stay, and the playhead goes to the words (so "spell that" means them)."""
    corrections = state.project.corrections
    try:
        corrections = (without_last(corrections, correction) if undoing
                       else corrections + (correction,))
    except ValueError:
        raise VoiceEditError("The project's corrections do not match its history, so I can't "
                             "undo that. Nothing changed.") from None
    new = state.with_project(history=history, corrections=corrections, pending=None)
    words = new.words
    for index, at in enumerate(words.source_index):
        if at == correction.first and words.sources[words.clips[index]] == correction.source:
            return new.with_project(playhead=words.starts[index])
    return new  # the words are cut from the timeline: the playhead stays


def _said(step: Step, verb: str, state: EditorState) -> str:
    """ "Undid: corrected 'Sam' to 'Pam'." A correction or a change of the layers changes no
    length, so none is said."""
    if step.correction is not None or step.layers is not None:
        return f"{verb}: {step.description}."
    return describe.undone(verb, step.description, state)


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
    new = _after_history(state, timeline, history, step, undoing=True)
    return Outcome(new, _said(step, "Undid", new), changed=True)


@action("redo")
def redo(state: EditorState) -> Outcome:
    if not state.project.history.can_redo:
        raise VoiceEditError("There is nothing to redo.")
    timeline, history, step = state.project.history.redo(state.timeline)
    new = _after_history(state, timeline, history, step, undoing=False)
    return Outcome(new, _said(step, "Redid", new), changed=True)
