"""Cutaways, spoken: "cover the lighting rig with broll.mp4", "cover clip three with b roll
from five seconds of it", "list the cutaways", "remove the cutaway".

A cutaway is a layer item (timeline/cutaways.py): adding or removing one is one undo step,
and the b-roll file joins the project's sources as media only (probed and fingerprinted,
never transcribed), so a render or an export can check it is still the same file.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from voiceedit.actions import describe
from voiceedit.actions.media import media_path_named
from voiceedit.actions.registry import action
from voiceedit.actions.resolve import clip_index, find_quote, need_timeline, resolve_range
from voiceedit.actions.state import EditorState, Outcome
from voiceedit.errors import VoiceEditError
from voiceedit.media.probe import probe
from voiceedit.project import Project, Source
from voiceedit.spoken_time import print_count, print_time
from voiceedit.timeline.cutaways import (
    Cutaway,
    CutawayPiece,
    all_pieces,
    cover,
    cutaway_pieces,
)
from voiceedit.timeline.transcript import Transcript
from voiceedit.understand.command import Quote, SpokenTime, said_text


def project_cutaways(project: Project, doing: str = "rendering") -> tuple[CutawayPiece, ...]:
    """Where the project's cutaways show, flattened (later over earlier), after checking
    each b-roll file is still the one added (one sentence naming it if not)."""
    from voiceedit.media.fingerprint import check_unchanged

    durations: dict[str, int | None] = {}
    for cutaway in project.layers.cutaways:
        source = project.source(cutaway.media)
        check_unchanged(cutaway.media, source.media.fingerprint if source else None, doing)
        durations[cutaway.media] = source.media.duration if source else None
    return tuple(all_pieces(project.layers.cutaways, project.timeline, durations))


def broll_source(state: EditorState, said: str) -> Source:
    """The media file named `said` (a project source or a file beside the project) as a
    source with a picture; one sentence when there is none or it has no video."""
    path = media_path_named(state, said)
    if path is None:
        raise VoiceEditError(f"I can't find a media file called {describe.quoted(said)} "
                             "next to the project.")
    known = state.project.source(str(path))
    media = known.media if known is not None else probe(path)
    if not media.has_video:
        raise VoiceEditError(f"{path.name} has no picture, so it can't cover anything.")
    return known or Source(media, Transcript(media.path, media.duration, ()))


def cover_span(state: EditorState, start: int, end: int, media: Quote | str,
               offset: SpokenTime | None, what: str) -> Outcome:
    """Cover timeline [start, end) with the b-roll named `media`, from `offset` into it."""
    need_timeline(state)
    source = broll_source(state, said_text(media))
    length = source.media.duration
    media_in = offset.resolve(length, 0) if offset is not None else 0
    cutaway, covered = cover(state.timeline, start, end, source.path, media_in, length)
    name = Path(source.path).name
    told = f"Covered {what} with {name}, {print_time(covered)}"
    if covered < end - start:
        told += (f"; {name} has only {print_time(length - media_in)} from "
                 f"{print_time(media_in)}, so the last {print_time(end - start - covered)} "
                 "stay uncovered")
    layers = replace(state.project.layers, cutaways=state.project.layers.cutaways + (cutaway,))
    with_source = state.with_project(sources=state.project.with_source(source).sources)
    new = with_source.layered(layers, describe.history_entry(f"covered {what} with {name}"))
    return Outcome(new, f"{told}.", changed=True)


@action("cover_quote", media_quote="media", slow=True)
def cover_quote(state: EditorState, quote: Quote, media: Quote,
                offset: SpokenTime | None = None) -> Outcome:
    match = find_quote(state, quote)
    return cover_span(state, match.start, match.end, media, offset, describe.quoted(match.text))


@action("cover_clip", media_quote="media", slow=True)
def cover_clip(state: EditorState, clip: int, media: Quote,
               offset: SpokenTime | None = None) -> Outcome:
    index = clip_index(state, clip)
    start = state.timeline.clip_start(index)
    end = start + state.timeline.clips[index].duration
    return cover_span(state, start, end, media, offset, f"clip {clip}")


@action("cover_range", media_quote="media", slow=True)
def cover_range(state: EditorState, start: SpokenTime, end: SpokenTime, media: Quote,
                offset: SpokenTime | None = None) -> Outcome:
    first, last = resolve_range(state, start, end)
    return cover_span(state, first, last, media, offset,
                      f"{print_time(first)} to {print_time(last)}")


def describe_cutaway(state: EditorState, number: int, cutaway: Cutaway) -> str:
    """ "1, broll.mp4 at 2.0 s for 4.2 s: 'the lighting rig'" (or cut out for now)."""
    pieces = cutaway_pieces(cutaway, state.timeline, _length(state, cutaway.media))
    if not pieces:
        return f"{number}, {cutaway.name}, cut out with its words for now"
    start, length = pieces[0].start, sum(piece.duration for piece in pieces)
    words = state.words.text(state.words.between(start, pieces[-1].end))
    said = f": {describe.quoted(words)}" if words else ""
    return f"{number}, {cutaway.name} at {print_time(start)} for {print_time(length)}{said}"


def _length(state: EditorState, path: str) -> int | None:
    source = state.project.source(path)
    return source.media.duration if source is not None else None


@action("list_cutaways")
def list_cutaways(state: EditorState) -> Outcome:
    cutaways = state.project.layers.cutaways
    if not cutaways:
        return Outcome(state, "There are no cutaways.")
    parts = [describe_cutaway(state, n, c) for n, c in enumerate(cutaways, 1)]
    return Outcome(state, f"{describe.capitalize(print_count(len(cutaways), 'cutaway'))}: "
                          + "; ".join(parts) + ".")


@action("remove_cutaway")
def remove_cutaway(state: EditorState, number: int | None = None) -> Outcome:
    """Remove cutaway `number`; without one, the only cutaway or the one at the playhead."""
    cutaways = state.project.layers.cutaways
    if not cutaways:
        raise VoiceEditError("There are no cutaways to remove.")
    if number is None:
        number = _cutaway_here(state)
    if not 1 <= number <= len(cutaways):
        raise VoiceEditError(f"There is no cutaway {number}; there are "
                             f"{print_count(len(cutaways), 'cutaway')}.")
    gone = cutaways[number - 1]
    layers = replace(state.project.layers,
                     cutaways=cutaways[:number - 1] + cutaways[number:])
    what = f"removed the cutaway of {gone.name}"
    new = state.layered(layers, what)
    return Outcome(new, f"Removed cutaway {number}, {gone.name}. "
                        f"{_left(len(layers.cutaways))}", changed=True)


def _left(count: int) -> str:
    return "No cutaways left." if count == 0 else \
        f"{describe.capitalize(print_count(count, 'cutaway'))} left."


def _cutaway_here(state: EditorState) -> int:
    cutaways = state.project.layers.cutaways
    if len(cutaways) == 1:
        return 1
    for number in range(len(cutaways), 0, -1):  # the top one where several overlap
        pieces = cutaway_pieces(cutaways[number - 1], state.timeline)
        if any(p.start <= state.playhead < p.end for p in pieces):
            return number
    raise VoiceEditError(f"There are {print_count(len(cutaways), 'cutaway')} and none at the "
                         "playhead; say remove cutaway and its number.")


@action("remove_cutaways")
def remove_cutaways(state: EditorState) -> Outcome:
    count = len(state.project.layers.cutaways)
    if count == 0:
        raise VoiceEditError("There are no cutaways to remove.")
    layers = replace(state.project.layers, cutaways=())
    new = state.layered(layers, f"removed {print_count(count, 'cutaway')}")
    return Outcome(new, f"Removed {print_count(count, 'cutaway')}.", changed=True)
