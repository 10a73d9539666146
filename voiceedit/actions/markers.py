"""Chapters and markers, spoken: "add a chapter called Lighting here", "add a marker",
"list the chapters", "go to chapter two", "next chapter", "go to the next marker",
"delete chapter two", "rename chapter two to Setup".

Chapters and markers are items of the project's layers (timeline/layers.py), anchored in
source time; they are numbered in timeline order each time they are read, and one whose
moment is cut out is hidden (counted when listing) until undo brings the moment back.
Each change is one undo step. Answers are OSARA-brief: "Added chapter 2, 'Lighting', at
1:05.0." (spoken "one minute five seconds").
"""

from __future__ import annotations

from dataclasses import replace

from voiceedit.actions import describe
from voiceedit.actions.registry import action
from voiceedit.actions.resolve import need_timeline, resolve_time
from voiceedit.actions.state import EditorState, Outcome
from voiceedit.errors import VoiceEditError
from voiceedit.spoken_time import print_count, print_time
from voiceedit.timeline.layers import Marker, anchor_at, replaced
from voiceedit.timeline.marks import Placed, Placing, all_placed, place
from voiceedit.understand.command import Quote, SpokenTime, said_text

MAX_NAME_WORDS = 12
SAME_MOMENT = 100  # ms: a second chapter closer than this to one is the same place
HERE = SpokenTime(anchor="here")
LISTED = 20  # chapters read out before "and N more"; asked twice, all of them


def name_of(words: Quote | str) -> str:
    """A name as said or typed ("the iPhone" stays), the first letter capitalised when it
    was said in lower case, closing punctuation dropped."""
    text = said_text(words)
    text = " ".join(text.split()).strip(" .,;:!?\"'")
    if len(text.split()) > MAX_NAME_WORDS:
        raise VoiceEditError(f"A name of more than {MAX_NAME_WORDS} words is too long; "
                             "nothing changed.")
    return text[:1].upper() + text[1:] if text == text.lower() else text


def placing(state: EditorState, kind: str) -> Placing:
    return place(state.project.layers.markers, state.timeline, kind)


def said(placed: Placed) -> str:
    """ "chapter 2, 'Lighting'", "marker 3" """
    marker = placed.marker
    name = f", {describe.quoted(marker.name, MAX_NAME_WORDS)}" if marker.name else ""
    return f"{marker.kind} {placed.number}{name}"


def _numbered(state: EditorState, kind: str, number: int) -> Placed:
    shown = placing(state, kind).shown
    if not shown:
        raise VoiceEditError(f"There are no {kind}s.")
    if not 1 <= number <= len(shown):
        raise VoiceEditError(f"There is no {kind} {number}; there are "
                             f"{print_count(len(shown), kind)}.")
    return shown[number - 1]


def _changed(state: EditorState, markers: tuple[Marker, ...], what: str,
             sentence: str) -> Outcome:
    layers = replace(state.project.layers, markers=markers)
    return Outcome(state.layered(layers, what), sentence, changed=True)


def _add(state: EditorState, time: SpokenTime, name: str, kind: str) -> Outcome:
    timeline = need_timeline(state)
    at = resolve_time(state, time)
    if kind == "chapter":
        for placed in placing(state, kind).shown:
            if abs(placed.time - at) < SAME_MOMENT:
                raise VoiceEditError(f"{describe.capitalize(said(placed))} is already at "
                                     f"{print_time(at)}; rename it instead. Nothing changed.")
    marker = Marker(anchor_at(timeline, at), name, kind)
    markers = (*state.project.layers.markers, marker)
    placed = next(p for p in place(markers, timeline, kind).shown if p.marker is marker)
    what = f"added {said(placed)}"
    return _changed(state, markers, what,
                    f"Added {said(placed)}, at {print_time(placed.time)}."
                    if name else f"Added {said(placed)} at {print_time(placed.time)}.")


@action("add_chapter", new_words="name")
def add_chapter(state: EditorState, name: Quote | str,
                time: SpokenTime = HERE) -> Outcome:
    named = name_of(name)
    if not named:
        raise VoiceEditError("Say the chapter's name after called; nothing changed.")
    return _add(state, time, named, "chapter")


@action("add_marker", new_words="name")
def add_marker(state: EditorState, time: SpokenTime = HERE,
               name: Quote | str = "") -> Outcome:
    return _add(state, time, name_of(name), "marker")


def listing(state: EditorState, kind: str, full: bool = False) -> str:
    """ "3 chapters: 1, 0.0 s, 'Intro'; 2, 1:05.0, 'Lighting'; 3, 2:10.0, 'Outro'. 1 more
    is cut out." """
    found = placing(state, kind)
    hidden = ""
    if found.hidden:
        hidden = f" {print_count(found.hidden, kind)} cut out, hidden until undone."
        if not found.shown:
            return f"No {kind}s play; {print_count(found.hidden, kind)} cut out."
    if not found.shown:
        return f"No {kind}s yet."
    shown = found.shown if full else found.shown[:LISTED]
    items = "; ".join(f"{p.number}, {print_time(p.time)}"
                      + (f", {describe.quoted(p.marker.name, MAX_NAME_WORDS)}"
                         if p.marker.name else "") for p in shown)
    more = len(found.shown) - len(shown)
    more_text = f"; and {more} more" if more else ""
    count = describe.capitalize(print_count(len(found.shown), kind))
    return f"{count}: {items}{more_text}.{hidden}"


@action("list_chapters")
def list_chapters(state: EditorState) -> Outcome:
    from voiceedit.actions.readback import asked_twice

    return Outcome(state, listing(state, "chapter", asked_twice(state, "list_chapters")))


@action("list_markers")
def list_markers(state: EditorState) -> Outcome:
    from voiceedit.actions.readback import asked_twice

    return Outcome(state, listing(state, "marker", asked_twice(state, "list_markers")))


def _gone_to(state: EditorState, placed: Placed) -> Outcome:
    new = state.with_project(playhead=placed.time)
    return Outcome(new, f"{describe.capitalize(said(placed))}, at {print_time(placed.time)}.")


@action("seek_chapter")
def seek_chapter(state: EditorState, chapter: int) -> Outcome:
    need_timeline(state)
    return _gone_to(state, _numbered(state, "chapter", chapter))


def _step(state: EditorState, shown: list[Placed] | tuple[Placed, ...], direction: int,
          what: str) -> Outcome:
    need_timeline(state)
    at = state.playhead
    if direction > 0:
        after = [p for p in shown if p.time > at]
        if not after:
            raise VoiceEditError(f"There is no {what} after {print_time(at)}." if shown
                                 else f"There are no {what}s.")
        return _gone_to(state, after[0])
    before = [p for p in shown if p.time < at]
    if not before:
        raise VoiceEditError(f"There is no {what} before {print_time(at)}." if shown
                             else f"There are no {what}s.")
    return _gone_to(state, before[-1])


@action("next_chapter")
def next_chapter(state: EditorState) -> Outcome:
    return _step(state, placing(state, "chapter").shown, 1, "chapter")


@action("previous_chapter")
def previous_chapter(state: EditorState) -> Outcome:
    return _step(state, placing(state, "chapter").shown, -1, "chapter")


@action("next_marker")
def next_marker(state: EditorState) -> Outcome:
    """The next chapter or marker: both are marked moments."""
    return _step(state, all_placed(state.project.layers.markers, state.timeline), 1, "marker")


@action("previous_marker")
def previous_marker(state: EditorState) -> Outcome:
    return _step(state, all_placed(state.project.layers.markers, state.timeline), -1, "marker")


@action("delete_chapter")
def delete_chapter(state: EditorState, chapter: int) -> Outcome:
    return _delete(state, _numbered(state, "chapter", chapter))


@action("delete_marker")
def delete_marker(state: EditorState, marker: int) -> Outcome:
    return _delete(state, _numbered(state, "marker", marker))


def _delete(state: EditorState, placed: Placed) -> Outcome:
    markers = replaced(state.project.layers.markers, placed.marker)
    return _changed(state, markers, f"deleted {said(placed)}",
                    f"Deleted {said(placed)}.")


@action("rename_chapter", new_words="name")
def rename_chapter(state: EditorState, chapter: int, name: Quote | str) -> Outcome:
    placed = _numbered(state, "chapter", chapter)
    named = name_of(name)
    if not named:
        raise VoiceEditError("Say the new name after to; nothing changed.")
    markers = replaced(state.project.layers.markers, placed.marker,
                       replace(placed.marker, name=named))
    what = f"renamed chapter {placed.number} to {describe.quoted(named, MAX_NAME_WORDS)}"
    return _changed(state, markers, what, describe.capitalize(what) + ".")
