"""Speakers: who is speaking, naming a speaker, going to the next one, and cutting what
one person says between two places. (Not the loudspeakers: that is answer/speakers.py.)

Names are a layer (timeline/speaker_names.py): naming is one undo step and changes no cut.
"""

from __future__ import annotations

from dataclasses import replace

from voiceedit.actions import describe
from voiceedit.actions.cleanup import cleaned
from voiceedit.actions.registry import action
from voiceedit.actions.resolve import find_quote, need_timeline
from voiceedit.actions.state import EditorState, Outcome
from voiceedit.errors import VoiceEditError
from voiceedit.spoken_time import print_count, print_time
from voiceedit.timeline import edits
from voiceedit.timeline.cleanup import Removal
from voiceedit.timeline.layers import anchor_at
from voiceedit.timeline.speaker_names import (
    Voice,
    name_of,
    renamed,
    turns,
    voice_at,
    voices_called,
    voices_on,
)
from voiceedit.understand.command import Quote, said_text


def _need_speakers(state: EditorState) -> None:
    need_timeline(state)
    if not voices_on(state.words):
        raise VoiceEditError("I don't know who speaks on this timeline; its sources were "
                             "added before speakers were found, or have no speech.")


def speaker_name(state: EditorState, voice: Voice | None) -> str:
    return describe.speaker_name(state, voice, "Someone unknown")


@action("who_is_speaking", keeps_question=True)
def who_is_speaking(state: EditorState) -> Outcome:
    """ "Anna, since 1:05." for the turn at the playhead; past the last words, who spoke
    last (a person at the end of the edit still wants to know whose voice it ends on)."""
    _need_speakers(state)
    words, playhead = state.words, state.playhead
    last = None
    for run, voice in turns(words):
        last = (voice, words.ends[run.stop - 1])
        since, until = words.starts[run.start], words.ends[run.stop - 1]
        if since <= playhead < until:
            return Outcome(state, f"{speaker_name(state, voice)}, since {print_time(since)}.")
        if playhead < since:  # in the pause before this turn
            return Outcome(state, f"Nobody right here; next, {speaker_name(state, voice)} "
                                  f"at {print_time(since)}.")
    if last is None:
        return Outcome(state, "Nobody speaks after the playhead.")
    voice, until = last
    return Outcome(state, f"Nobody after the playhead; last, {speaker_name(state, voice)} "
                          f"until {print_time(until)}.")


@action("name_speaker", new_words="name")
def name_speaker(state: EditorState, number: int, name: Quote | str) -> Outcome:
    """Speaker `number` of the file at the playhead is called `name` from now on."""
    _need_speakers(state)
    text = _written_name(name)
    if not text:
        raise VoiceEditError("Say the name after the speaker's number.")
    source = anchor_at(state.timeline, min(state.playhead, state.timeline.duration)).source
    voices = {v for v in voices_on(state.words) if v[0] == source}
    if (source, number) not in voices:
        known = sorted(n for _, n in voices)
        raise VoiceEditError(f"There is no speaker {number} here; "
                             f"I found {print_count(len(known), 'speaker')} in this file.")
    layers = state.project.layers
    before = name_of(layers.speakers, (source, number))
    new_names = renamed(layers.speakers, (source, number), text)
    new = state.layered(replace(layers, speakers=new_names), f"called {before} {text}")
    return Outcome(new, f"{before} is now {text}.")


def _written_name(name: Quote | str) -> str:
    """The name as typed or written by Whisper ("McKay"); said all in lower case, each word
    capitalised ("anna smith" -> "Anna Smith")."""
    text = said_text(name)
    text = " ".join(text.split()).strip(" .,!?")
    return text.title() if text == text.lower() else text


def _speaker_passages(state: EditorState, who: set[Voice], start: int,
                      end: int) -> list[tuple[int, int]]:
    """The ranges to cut for the runs of `who`'s words in [start, end): each from the
    silence before its first word to the silence after its last."""
    words = state.words
    inside = words.between(start, end)
    ranges, first = [], None
    for index in [*inside, None]:
        mine = index is not None and voice_at(words, index) in who
        if mine and first is None:
            first = index
        elif not mine and first is not None:
            last = index - 1 if index is not None else inside.stop - 1
            # Cut in the silences around the run: no syllable of the next speaker goes.
            ranges.append((words.cut_before(first),
                           words.cut_after(last, state.timeline.duration)))
            first = None
    return edits.merge_ranges(ranges)


def _delete_speaker(state: EditorState, who: set[Voice], said: str, first: Quote,
                    last: Quote) -> Outcome:
    start = find_quote(state, first, "first")
    end = find_quote(state, last, "last", after=start.first, nearest=True)
    span = state.quotes.span(start, end)
    ranges = _speaker_passages(state, who, span.start, span.end)
    if not ranges:
        return Outcome(state, f"{said} says nothing between those words; nothing changed.")
    removed = sum(b - a for a, b in ranges)
    what = f"Deleted {print_count(len(ranges), 'passage')} by {said}, {print_time(removed)}"
    removal = Removal(edits.delete_ranges(state.timeline, ranges), tuple(ranges), ())
    return cleaned(state, removal, what, listed=False)


@action("delete_speaker_words", destructive=True, new_words="who", takes_between=True)
def delete_speaker_words(state: EditorState, who: Quote | str, first: Quote,
                         last: Quote) -> Outcome:
    """Every passage by the speaker called `who` between two quotes, as one edit."""
    _need_speakers(state)
    said = _written_name(who)
    voices = voices_called(state.project.layers.speakers, voices_on(state.words), said)
    if not voices:
        raise VoiceEditError(f"No speaker is called {said}. Say who is speaking, or call "
                             "speaker one by a name first.")
    return _delete_speaker(state, voices, name_of(state.project.layers.speakers,
                                                  sorted(voices)[0]), first, last)


@action("delete_numbered_speaker_words", destructive=True, takes_between=True)
def delete_numbered_speaker_words(state: EditorState, number: int, first: Quote,
                                  last: Quote) -> Outcome:
    """Every passage by speaker `number` (of any file) between two quotes."""
    _need_speakers(state)
    voices = {v for v in voices_on(state.words) if v[1] == number}
    if not voices:
        raise VoiceEditError(f"There is no speaker {number} on the timeline.")
    said = name_of(state.project.layers.speakers, sorted(voices)[0])
    return _delete_speaker(state, voices, said, first, last)


def _change_of_speaker(state: EditorState, forward: bool) -> Outcome:
    _need_speakers(state)
    words = state.words
    starts = [(words.starts[run.start], voice) for run, voice in turns(words)]
    if forward:
        later = [(time, voice) for time, voice in starts if time > state.playhead]
        if not later:
            raise VoiceEditError("Nobody else speaks after this.")
        time, voice = later[0]
    else:
        current = [i for i, (time, _) in enumerate(starts) if time <= state.playhead]
        if not current or current[-1] == 0 and starts[0][0] >= state.playhead:
            raise VoiceEditError("Nobody else speaks before this.")
        index = current[-1]
        if starts[index][0] == state.playhead or state.playhead - starts[index][0] < 500:
            index -= 1  # at (or just after) a turn's start: the turn before it
        if index < 0:
            raise VoiceEditError("Nobody else speaks before this.")
        time, voice = starts[index]
    new = state.with_project(playhead=time)
    if state.verbosity == "brief":
        return Outcome(new, f"{speaker_name(state, voice)}, {print_time(time)}.")
    return Outcome(new, describe.position(new, speaker=True))


@action("next_speaker")
def next_speaker(state: EditorState) -> Outcome:
    return _change_of_speaker(state, forward=True)


@action("previous_speaker")
def previous_speaker(state: EditorState) -> Outcome:
    return _change_of_speaker(state, forward=False)
