"""The sentences: what changed, where we are, what the timeline holds.

One short sentence after each command, the way screen-reader users work in Reaper with
OSARA: say what changed and what is unusual, nothing that is the norm (one source is the
norm, so its name is not said; a selection is unusual, so "where am I" mentions it). Asked
twice in a row, a readback gives the full detail. Times and counts are written in digits
(`print_time`: "12.3 s", "1:02.5"), short on a braille display; the speaker says them in
words (spoken_time.speakable).

Verbosity: "brief" says only the change; "normal" adds the words involved and the new
length; "detailed" adds the clip count and the playhead.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from voiceedit.actions.state import EditorState
from voiceedit.spoken_time import print_count, print_time
from voiceedit.timeline.quote_match import QuoteMatch
from voiceedit.timeline.speaker_names import Voice, name_of, turns, voice_at, voices_on
from voiceedit.understand.command import Command, Quote, SpokenTime

QUOTE_WORDS = 8  # words of a quote said back before "…"
POSITION_WORDS, POSITION_WORDS_FULL = 6, 20
CLIP_WORDS = 5
TIMELINE_CLIPS = 8  # clips read by "read the timeline" before "and N more"
TRANSCRIPT_WORDS = 60


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def quoted(text: str, limit: int = QUOTE_WORDS) -> str:
    """'um so anyway', shortened to `limit` words with an ellipsis; no closing punctuation
    (the sentence around it has its own)."""
    words = text.split()
    if len(words) > limit:
        return "'" + " ".join(words[:limit]).rstrip(",.;:!?") + " …'"
    return "'" + " ".join(words).rstrip(",.;:!?") + "'"


def clips_and_length(state: EditorState) -> str:
    timeline = state.timeline
    return f"{print_count(len(timeline.clips), 'clip')}, {print_time(timeline.duration)}"


# --- after an edit ---------------------------------------------------------------------


def history_entry(what: str, words: str = "") -> str:
    """How a change is remembered for undo and "what did I just do": "deleted 2.0 s, 'um so'"."""
    what = what[:1].lower() + what[1:]
    return f"{what}, {quoted(words)}" if words else what


def edited(what: str, state: EditorState, words: str = "") -> str:
    """ "Deleted 3.0 s: 'um so anyway'. Now 41.0 s." """
    if not state.timeline.clips:
        return f"{what}. The timeline is now empty; say undo that to bring it back."
    if state.verbosity == "brief":
        return f"{what}."
    sentence = f"{what}: {quoted(words)}." if words else f"{what}."
    sentence += f" Now {print_time(state.timeline.duration)}."
    if state.verbosity == "detailed":
        sentence += f" {capitalize(print_count(len(state.timeline.clips), 'clip'))};"
        sentence += f" playhead at {print_time(state.playhead)}."
    return sentence


def undone(verb: str, description: str, state: EditorState) -> str:
    """ "Undid: deleted 3.0 s, 'um so anyway'. Now 44.0 s." """
    sentence = f"{verb}: {description}."
    if state.verbosity == "brief":
        return sentence
    sentence += f" Now {print_time(state.timeline.duration)}."
    if state.verbosity == "detailed":
        sentence += f" {capitalize(clips_and_length(state))}."
    return sentence


# --- readback ----------------------------------------------------------------------------


def position(state: EditorState, full: bool = False, speaker: bool | None = None) -> str:
    """ "At 12.0 s of 41.0 s, clip 2 of 3: 'ask not what your'." With several speakers on
    the timeline (or `speaker` True), who says the words: "..., Anna: 'ask not'"."""
    timeline = state.timeline
    if not timeline.clips:
        return "The timeline is empty."
    playhead, duration = state.playhead, timeline.duration
    if playhead == 0:
        where = f"At the start of {print_time(duration)}"
    elif playhead >= duration:
        where = f"At the end, {print_time(duration)}"
    else:
        where = f"At {print_time(playhead)} of {print_time(duration)}"
    index = timeline.clip_index_at(min(playhead, duration - 1))
    if len(timeline.clips) > 1 or full:
        where += f", clip {index + 1} of {len(timeline.clips)}"
        if full:
            start = timeline.clip_start(index)
            end = start + timeline.clips[index].duration
            where += f", {_span(start, end)}"
            where += _source_name(state, index, always=True)
    words = _words_from(state, playhead, POSITION_WORDS_FULL if full else POSITION_WORDS)
    if words and (speaker or speaker is None and several_speakers(state)):
        who = speaker_at(state, playhead)
        where += f", {who}" if who else ""
    sentence = f"{where}: {quoted(words, 99)}." if words else f"{where}."
    if state.selection:
        start, end = state.selection
        sentence += f" Selected from {print_time(start)} to {print_time(end)}."
    return sentence


def several_speakers(state: EditorState) -> bool:
    return len(voices_on(state.words)) > 1


def speaker_at(state: EditorState, time: int) -> str:
    """The name of whoever says the word at (or next after) `time`; "" when unknown."""
    index = state.words.index_at(time)
    voice = voice_at(state.words, index) if index is not None else None
    return speaker_name(state, voice)


def speaker_name(state: EditorState, voice: Voice | None, unknown: str = "") -> str:
    """The project's name for `voice`; `unknown` when nobody is known to speak."""
    return name_of(state.project.layers.speakers, voice) if voice else unknown


def labelled(state: EditorState, indices: range) -> str:
    """The words, each turn led by its speaker's name: "Anna: Hello. Bob: Hi Anna." (just
    the words when the timeline has one speaker)."""
    words = state.words
    if not several_speakers(state):
        return words.text(indices)
    names = state.project.layers.speakers
    parts = []
    for run, voice in turns(words):
        inside = range(max(run.start, indices.start), min(run.stop, indices.stop))
        if len(inside):
            text = words.text(inside)
            parts.append(f"{name_of(names, voice)}: {text}" if voice else text)
    return " ".join(parts)


def _words_from(state: EditorState, time: int, count: int) -> str:
    words = state.words
    first = words.index_at(time)
    if first is None:
        return ""
    return words.text(range(first, min(first + count, len(words))))


def _source_name(state: EditorState, index: int, always: bool = False) -> str:
    """ ", from interview.mp4" when the project has several sources (or `always`)."""
    if len(state.project.sources) < 2 and not always:
        return ""
    return f", from {Path(state.timeline.clips[index].source).name}"


def timeline(state: EditorState, full: bool = False) -> str:
    """ "3 clips, 41.0 s. Clip 1, 0.0 s to 12.0 s: 'And so my'. …" """
    clips = state.timeline.clips
    if not clips:
        return "The timeline is empty."
    sentences = [capitalize(clips_and_length(state)) + "."]
    shown = len(clips) if full else min(len(clips), TIMELINE_CLIPS)
    words = state.words
    for index in range(shown):
        start = state.timeline.clip_start(index)
        end = start + clips[index].duration
        inside = words.between(start, end)
        said = words.text(range(inside.start, min(inside.stop, inside.start + CLIP_WORDS)))
        text = f"Clip {index + 1}, {_span(start, end)}" + _source_name(state, index)
        sentences.append(f"{text}: {quoted(said, 99)}." if said else f"{text}, no speech.")
    if shown < len(clips):
        sentences.append(f"And {print_count(len(clips) - shown, 'more clip')}; say read the "
                         "timeline again to hear all of them.")
    return " ".join(sentences)


def _span(start: int, end: int) -> str:
    """ "12.0 s to 20.0 s", or for a clip too short for that to tell apart at the chosen
    precision, "19 s, 0 s long"."""
    if print_time(start) == print_time(end):
        return f"{print_time(start)}, {print_time(end - start)} long"
    return f"{print_time(start)} to {print_time(end)}"


def selection(state: EditorState, full: bool = False) -> str:
    if state.selection is None:
        return "Nothing is selected."
    start, end = state.selection
    sentence = (f"Selected {print_time(end - start)}, from {print_time(start)} "
                f"to {print_time(end)}")
    said = state.words.text(state.words.between(start, end))
    if not said:
        return sentence + ", no speech."
    return f"{sentence}: {quoted(said, 99 if full else QUOTE_WORDS)}."


def transcript(state: EditorState, full: bool = False) -> str:
    words = state.words
    if len(words) == 0:
        return "There are no words on the timeline."
    if full or len(words) <= TRANSCRIPT_WORDS:
        return labelled(state, range(len(words)))
    rest = len(words) - TRANSCRIPT_WORDS
    return (labelled(state, range(TRANSCRIPT_WORDS)) + f" … and {print_count(rest, 'more word')}; "
            "say read the transcript again to hear all of it.")


def last_change(state: EditorState, full: bool = False) -> str:
    history = state.project.history
    if history.last is None:
        if history.can_redo:
            return "Every change is undone; say redo that to bring the last one back."
        return "You haven't changed anything yet."
    if not full:
        return f"Last change: {history.last.description}."
    recent = history.steps[max(0, history.position - 5) : history.position]
    said = "; ".join(step.description for step in reversed(recent))
    return f"Last {print_count(len(recent), 'change')}, newest first: {said}."


def choices(matches: list[QuoteMatch]) -> str:
    """ "2 matches: 1 at 12.0 s, 'ask not what'; 2 at 41.0 s, 'ask not that'. Say 1 or
    2." """
    numbers = [str(n) for n in range(1, len(matches) + 1)]
    listed = "; ".join(f"{number} at {print_time(match.at)}, {quoted(match.text)}"
                       for number, match in zip(numbers, matches, strict=True))
    say = ", ".join(numbers[:-1]) + f" or {numbers[-1]}"
    return f"{capitalize(print_count(len(matches), 'match', 'matches'))}: {listed}. Say {say}."


# --- reading a command back before it runs ---------------------------------------------


def spoken(value: object) -> str:
    """An argument as it would be said back."""
    if isinstance(value, SpokenTime):
        names = {"start": "the start", "end": "the end", "here": "here"}
        return names.get(value.anchor) or print_time(value.ms)
    if isinstance(value, Quote):
        return quoted(value.text)
    if hasattr(value, "text") and hasattr(value, "at"):  # a chosen QuoteMatch
        return quoted(value.text)
    if isinstance(value, int):
        return str(value)
    return str(value)


_READBACK = {
    "delete_range": "delete from {start} to {end}",
    "delete_quote": "delete {quote}",
    "delete_between": "delete from {first} to {last}",
    "delete_sentence": "delete the sentence starting with {quote}",
    "delete_selection": "delete the selection",
    "delete_clip": "delete clip {clip}",
    "keep_range": "keep only from {start} to {end}",
    "keep_quote": "keep only {quote}",
    "keep_selection": "keep only the selection",
    "trim_start": "trim {amount} from the start of clip {clip}",
    "trim_end": "trim {amount} from the end of clip {clip}",
    "remove_fillers": "remove the filler words",
    "shorten_pauses": "shorten pauses longer than {longer} to {to}",
    "remove_repeated_takes": "remove repeated takes",
    "select_range": "select from {start} to {end}",
    "stop_listening": "end the session",
    # Asked about, or offered beside a cut read back (dialogue.py, other meanings heard);
    # an action with no entry is said in the words it was understood from (would_do):
    "seek": "go to {time}",
    "seek_clip": "go to clip {clip}",
    "seek_quote": "go to {quote}",
    "play_from": "play from {time}",
    "split": "cut at {time}",
    "swap_clips": "swap clips {first} and {second}",
    "select_clip": "select clip {clip}",
    "export": "export as {format}",
    "duplicate_clip": "copy clip {clip}",
    "move_clip": "move clip {clip} to position {position}",
    "move_clip_after": "move clip {clip} after clip {other}",
    "seek_chapter": "go to chapter {chapter}",
    "seek_shot": "go to shot {shot}",
    "delete_chapter": "delete chapter {chapter}",
    "delete_marker": "delete marker {marker}",
    "rename_chapter": "rename chapter {chapter} to {name}",
    "remove_description": "remove description {number}",
    "name_speaker": "call speaker {number} {name}",
    "set_speech_rate": "set the speech rate to {rate} words a minute",
    "set_time_precision": "say times to the {precision}",
    "set_verbosity": "set the verbosity to {level}",
    "insert_media": "insert {quote} at {time}",
    "render": "render the video",
    "render_with_captions": "render the video with captions",
}


def readback(command: Command) -> str:
    """What a command would do, as a question: "Delete from 2.0 s to 4.0 s?" """
    return f"{capitalize(would_do(command))}? Say yes or no."


def would_do(command: Command) -> str:
    """What a command would do: "delete from 2.0 s to 4.0 s"; for an action with no words
    of its own here, the grammar's words it was understood from ("next clip", "speak
    faster"), not its name."""
    args = {name: spoken(value) for name, value in command.args.items()}
    template = _READBACK.get(command.action)
    try:
        text = template.format(**args) if template else None
    except KeyError:
        text = None
    if text is None and command.meant:
        text = command.meant
    if text is None:
        text = command.action.replace("_", " ") + "".join(f" {v}" for v in args.values())
    return text


def meanings(commands: Sequence[Command]) -> str:
    """"Did you mean 1, delete from 1:00.0 to 2:00.0; or 2, delete from 1:30.0 to 2:00.0?
    Say 1 or 2, or no." The likeliest first, which a yes also takes."""
    listed = [f"{number}, {would_do(command)}" for number, command in enumerate(commands, 1)]
    numbers = [str(number) for number in range(1, len(commands) + 1)]
    say = ", ".join(numbers[:-1]) + f" or {numbers[-1]}"
    return f"Did you mean {'; '.join(listed[:-1])}; or {listed[-1]}? Say {say}, or no."
