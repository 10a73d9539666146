"""Act: the action registry and the editing, navigation and readback actions.

A grammar rule's right-hand side names an action (`delete_range(start, end)`); here
`@action("delete_range")` registers the function that does it. Every action has the same
shape, `(state: SessionState, **args) -> Outcome`, and is pure: it returns a new state and
one sentence, and changes nothing on error (it raises VoiceEditError with the sentence).
Other stages register theirs the same way (render, export, playback): a module listed in
ACTION_MODULES, or any installed package with a `voiceedit.actions` entry point, the same
path built-ins take.

Spoken numbers are 1-based ("clip three"); edits take 0-based indices. Times arrive as
SpokenTime and are resolved against the timeline and playhead here. A quote that matches
in several places raises `Ambiguous`; `run` turns it into numbered choices for the session
to read back and remember, so nothing is ever guessed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib.metadata import entry_points
from pathlib import Path

from rapidfuzz import fuzz, process

from voiceedit.answer import describe
from voiceedit.errors import VoiceEditError
from voiceedit.project import VERBOSITY_LEVELS, Pending, Project, Source, make_source
from voiceedit.spoken_time import say_count, say_number, say_time
from voiceedit.timeline import cleanup, edits
from voiceedit.timeline.history import History, Step
from voiceedit.timeline.model import Clip, Timeline
from voiceedit.timeline.quotes import QuoteIndex, QuoteMatch
from voiceedit.timeline.words import SourceWords, TimelineWords, normalize
from voiceedit.understand.command import Command, Quote, SpokenTime

MAX_CHOICES = 5  # more matches than this: ask for more words rather than read a list
DEFAULT_PAUSE_LONGER, DEFAULT_PAUSE_TO = 1000, 500  # ms, "shorten pauses" said bare

# Modules whose import registers more actions, one a line. Imported the first time an
# action is asked for that isn't registered yet, so an editing session never pays for them.
ACTION_MODULES: list[str] = [
    "voiceedit.cli.interchange",
    "voiceedit.cli.render",
    "voiceedit.answer.playback",
    "voiceedit.listen",
]


@dataclass(frozen=True)
class SessionState:
    """The project being edited, where it lives, and what is derived from it (cached)."""

    project: Project
    path: Path | None = None
    # Per-source word lists survive from one state to the next: a source's transcript
    # never changes, so this cache is shared, not copied.
    source_words: dict[str, SourceWords] = field(default_factory=dict, compare=False,
                                                 repr=False)

    @property
    def timeline(self) -> Timeline:
        return self.project.timeline

    @property
    def playhead(self) -> int:
        return self.project.playhead

    @property
    def selection(self) -> tuple[int, int] | None:
        return self.project.selection

    @property
    def verbosity(self) -> str:
        return self.project.verbosity

    @cached_property
    def words(self) -> TimelineWords:
        for source in self.project.sources:
            if source.path not in self.source_words:
                self.source_words[source.path] = SourceWords(source.transcript)
        return TimelineWords(self.timeline, self.source_words)

    @cached_property
    def quotes(self) -> QuoteIndex:
        return QuoteIndex(self.words, self.timeline.duration)

    def with_project(self, **changes: object) -> SessionState:
        return SessionState(replace(self.project, **changes), self.path, self.source_words)

    def edited(self, timeline: Timeline, description: str,
               playhead: int | None = None) -> SessionState:
        """A new timeline as one undo step; the selection and any question are dropped
        (they named places on the old timeline) and the playhead kept on the timeline."""
        history = self.project.history.record(self.timeline, timeline, description)
        playhead = self.playhead if playhead is None else playhead
        return self.with_project(timeline=timeline, history=history, selection=None,
                                 pending=None, playhead=min(max(0, playhead), timeline.duration))


@dataclass(frozen=True)
class Outcome:
    state: SessionState
    message: str  # one sentence (or a few, for readbacks), printed and spoken
    changed: bool = False  # the timeline changed: one undo step was recorded
    question: Pending | None = None  # the session must wait for a choice or a yes/no


class Ambiguous(Exception):  # noqa: N818 (a question, not an error)
    """A quote matched in several places: ask which, never guess."""

    def __init__(self, slot: str, matches: list[QuoteMatch]) -> None:
        super().__init__(slot)
        self.slot = slot
        self.matches = matches


Handler = Callable[..., Outcome]
ACTIONS: dict[str, Handler] = {}


def action(name: str) -> Callable[[Handler], Handler]:
    """Register `handler` as the action called `name` in the grammar."""

    def register(handler: Handler) -> Handler:
        if ACTIONS.get(name, handler) is not handler:
            raise ValueError(f"two handlers for the action {name}")
        ACTIONS[name] = handler
        return handler

    return register


_loaded = False


def load_actions() -> None:
    """Import every module that registers actions (once)."""
    global _loaded
    if _loaded:
        return
    for name in ACTION_MODULES:
        importlib.import_module(name)
    for entry in entry_points(group="voiceedit.actions"):
        entry.load()
    _loaded = True


def run(state: SessionState, command: Command) -> Outcome:
    """Apply one command. Raises VoiceEditError (nothing changed) for what can't be done."""
    handler = ACTIONS.get(command.action)
    if handler is None:
        load_actions()
        handler = ACTIONS.get(command.action)
    if handler is None:
        raise VoiceEditError(
            f"I understood {command.action.replace('_', ' ')}, but this version can't do it yet."
        )
    try:
        return handler(state, **command.args)
    except Ambiguous as question:
        pending = Pending("choice", command, question.slot, tuple(question.matches))
        return Outcome(state.with_project(pending=pending), describe.choices(question.matches),
                       question=pending)


# --- resolving arguments -----------------------------------------------------------------


def need_timeline(state: SessionState) -> Timeline:
    if not state.timeline.clips:
        raise VoiceEditError("The timeline is empty; say undo that to bring back what was there.")
    return state.timeline


def resolve_time(state: SessionState, value: SpokenTime | int) -> int:
    """A spoken time as timeline ms; past the end is an error, not silently the end."""
    duration = state.timeline.duration
    time = value.resolve(duration, state.playhead) if isinstance(value, SpokenTime) else value
    if time > duration:
        raise VoiceEditError(
            f"The timeline is only {say_time(duration)} long; {say_time(time)} is past the end."
        )
    return max(0, time)


def resolve_range(state: SessionState, start: SpokenTime | int,
                  end: SpokenTime | int) -> tuple[int, int]:
    need_timeline(state)
    first, last = resolve_time(state, start), resolve_time(state, end)
    if first == last:
        raise VoiceEditError(f"From {say_time(first)} to {say_time(last)} is no time at all.")
    return min(first, last), max(first, last)  # "from ten to five" means the same range


def clip_index(state: SessionState, number: int) -> int:
    """Spoken clip number (1-based) -> index, or a sentence saying how many clips there are."""
    edits.check_clip(need_timeline(state), number - 1)
    return number - 1


def find_quote(state: SessionState, quote: Quote | QuoteMatch | str, slot: str = "quote",
               after: int = 0, nearest: bool = False) -> QuoteMatch:
    """The one place a quote matches; several -> Ambiguous (a question for the user)."""
    if isinstance(quote, QuoteMatch):
        return quote  # already chosen
    text = quote.text if isinstance(quote, Quote) else str(quote)
    need_timeline(state)
    if len(state.words) == 0:
        raise VoiceEditError("There are no words on the timeline to look for.")
    matches = state.quotes.find(text, after=after)
    if not matches:
        raise VoiceEditError(f"I can't find {describe.quoted(text)} in the transcript.")
    if nearest or len(matches) == 1:
        return matches[0]
    if len(matches) > MAX_CHOICES:
        raise VoiceEditError(f"{describe.quoted(text)} comes up {say_number(len(matches))} "
                             "times; say a few more words.")
    raise Ambiguous(slot, matches)


def need_selection(state: SessionState) -> tuple[int, int]:
    if state.selection is None:
        raise VoiceEditError("Nothing is selected. Say select, then a time range or a quote.")
    return state.selection


# --- editing -----------------------------------------------------------------------------


def _delete(state: SessionState, start: int, end: int, what: str | None = None) -> Outcome:
    """Ripple-delete [start, end) and say what went."""
    words = state.words.text(state.words.between(start, end))
    what = what or f"Deleted {say_time(end - start)}"
    timeline = edits.delete_range(state.timeline, start, end)
    new = state.edited(timeline, describe.history_entry(what, words), playhead=start)
    return Outcome(new, describe.edited(what, new, words), changed=True)


def _keep(state: SessionState, start: int, end: int) -> Outcome:
    if start == 0 and end == state.timeline.duration:
        return Outcome(state, "That is the whole timeline already; nothing changed.")
    words = state.words.text(state.words.between(start, end))
    what = f"Kept {say_time(end - start)}"
    removed = state.timeline.duration - (end - start)
    timeline = edits.keep_range(state.timeline, start, end)
    new = state.edited(timeline, describe.history_entry(what, words), playhead=0)
    return Outcome(new, describe.edited(f"{what}, removed {say_time(removed)}", new, words),
                   changed=True)


@action("delete_range")
def delete_range(state: SessionState, start: SpokenTime, end: SpokenTime) -> Outcome:
    return _delete(state, *resolve_range(state, start, end))


@action("delete_quote")
def delete_quote(state: SessionState, quote: Quote) -> Outcome:
    match = find_quote(state, quote)
    return _delete(state, match.start, match.end)


@action("delete_between")
def delete_between(state: SessionState, first: Quote, last: Quote) -> Outcome:
    start = find_quote(state, first, "first")
    # "from A to B": B is the nearest match after A, the way the sentence reads.
    end = find_quote(state, last, "last", after=start.first, nearest=True)
    span = state.quotes.span(start, end)
    return _delete(state, span.start, span.end)


@action("delete_sentence")
def delete_sentence(state: SessionState, quote: Quote) -> Outcome:
    sentence = state.quotes.sentence(find_quote(state, quote))
    return _delete(state, sentence.start, sentence.end)


@action("delete_selection")
def delete_selection(state: SessionState) -> Outcome:
    need_timeline(state)
    return _delete(state, *need_selection(state))


@action("delete_clip")
def delete_clip(state: SessionState, clip: int) -> Outcome:
    index = clip_index(state, clip)
    start = state.timeline.clip_start(index)
    end = start + state.timeline.clips[index].duration
    return _delete(state, start, end, f"Deleted clip {say_number(clip)}, {say_time(end - start)}")


@action("keep_range")
def keep_range(state: SessionState, start: SpokenTime, end: SpokenTime) -> Outcome:
    return _keep(state, *resolve_range(state, start, end))


@action("keep_quote")
def keep_quote(state: SessionState, quote: Quote) -> Outcome:
    match = find_quote(state, quote)
    return _keep(state, match.start, match.end)


@action("keep_selection")
def keep_selection(state: SessionState) -> Outcome:
    need_timeline(state)
    return _keep(state, *need_selection(state))


@action("split")
def split(state: SessionState, time: SpokenTime | None = None) -> Outcome:
    need_timeline(state)
    at = resolve_time(state, time) if time is not None else state.playhead
    timeline = edits.split(state.timeline, at)
    what = f"Split at {say_time(at)}"
    new = state.edited(timeline, describe.history_entry(what), playhead=at)
    said = f"{what}, making {say_count(len(timeline.clips), 'clip')}"
    return Outcome(new, describe.edited(said, new), changed=True)


def _clip_edit(state: SessionState, timeline: Timeline, what: str, focus: int) -> Outcome:
    """An edit of whole clips: the playhead goes to the start of clip `focus` (0-based)."""
    focus = min(focus, len(timeline.clips) - 1)
    playhead = timeline.clip_start(focus) if timeline.clips else 0
    new = state.edited(timeline, describe.history_entry(what), playhead=playhead)
    return Outcome(new, describe.edited(what, new), changed=True)


@action("trim_start")
def trim_start(state: SessionState, clip: int, amount: SpokenTime) -> Outcome:
    index = clip_index(state, clip)
    timeline = edits.trim_start(state.timeline, index, amount.ms)
    what = f"Trimmed {say_time(amount.ms)} from the start of clip {say_number(clip)}"
    return _clip_edit(state, timeline, what, index)


@action("trim_end")
def trim_end(state: SessionState, clip: int, amount: SpokenTime) -> Outcome:
    index = clip_index(state, clip)
    timeline = edits.trim_end(state.timeline, index, amount.ms)
    what = f"Trimmed {say_time(amount.ms)} from the end of clip {say_number(clip)}"
    return _clip_edit(state, timeline, what, index)


@action("move_clip")
def move_clip(state: SessionState, clip: int, position: int) -> Outcome:
    index, target = clip_index(state, clip), clip_index(state, position)
    if index == target:
        return Outcome(state, f"Clip {say_number(clip)} is already there; nothing changed.")
    timeline = edits.move_clip(state.timeline, index, target)
    what = f"Moved clip {say_number(clip)} to position {say_number(position)}"
    return _clip_edit(state, timeline, what, target)


@action("move_clip_after")
def move_clip_after(state: SessionState, clip: int, other: int) -> Outcome:
    index, after = clip_index(state, clip), clip_index(state, other)
    if index == after + 1:
        return Outcome(state, f"Clip {say_number(clip)} already follows clip "
                              f"{say_number(other)}; nothing changed.")
    timeline = edits.move_clip_after(state.timeline, index, after)
    what = f"Moved clip {say_number(clip)} after clip {say_number(other)}"
    return _clip_edit(state, timeline, what, after if after > index else after + 1)


@action("duplicate_clip")
def duplicate_clip(state: SessionState, clip: int) -> Outcome:
    index = clip_index(state, clip)
    timeline = edits.duplicate_clip(state.timeline, index)
    what = f"Duplicated clip {say_number(clip)}; the copy is clip {say_number(clip + 1)}"
    return _clip_edit(state, timeline, what, index + 1)


@action("swap_clips")
def swap_clips(state: SessionState, first: int, second: int) -> Outcome:
    one, two = clip_index(state, first), clip_index(state, second)
    if one == two:
        return Outcome(state, "That is the same clip; nothing changed.")
    timeline = edits.swap_clips(state.timeline, one, two)
    what = f"Swapped clips {say_number(first)} and {say_number(second)}"
    return _clip_edit(state, timeline, what, min(one, two))


def _cleaned(state: SessionState, removal: cleanup.Removal, what: str,
             listed: bool = True) -> Outcome:
    """One undo step for a cleanup; the playhead stays on the same material."""
    playhead = _map_time(state.playhead, removal.ranges)
    pieces = ", ".join(removal.pieces) if listed else ""
    new = state.edited(removal.timeline, describe.history_entry(what, pieces), playhead)
    return Outcome(new, describe.edited(what, new, pieces), changed=True)


def _map_time(time: int, removed: tuple[tuple[int, int], ...]) -> int:
    """Where `time` lands once the (sorted, disjoint) ranges are cut out."""
    shift = 0
    for start, end in removed:
        if start >= time:
            break
        shift += min(end, time) - start
    return time - shift


@action("remove_fillers")
def remove_fillers(state: SessionState) -> Outcome:
    need_timeline(state)
    removal = cleanup.remove_fillers(state.timeline, state.words)
    if not removal.ranges:
        return Outcome(state, "I found no filler words; nothing changed.")
    what = (f"Removed {say_count(len(removal.pieces), 'filler')}, "
            f"{say_time(removal.removed)}")
    return _cleaned(state, removal, what)


@action("shorten_pauses")
def shorten_pauses(state: SessionState, longer: SpokenTime | None = None,
                   to: SpokenTime | None = None) -> Outcome:
    need_timeline(state)
    longer_ms = longer.ms if longer is not None else DEFAULT_PAUSE_LONGER
    to_ms = to.ms if to is not None else min(DEFAULT_PAUSE_TO, longer_ms)
    if to_ms > longer_ms:
        raise VoiceEditError(f"Shortening pauses to {say_time(to_ms)} would make pauses of "
                             f"{say_time(longer_ms)} longer, not shorter.")
    removal = cleanup.shorten_pauses(state.timeline, state.words, longer_ms, to_ms)
    if not removal.ranges:
        return Outcome(state, f"No pause is longer than {say_time(longer_ms)}; nothing changed.")
    what = (f"Shortened {say_count(len(removal.pieces), 'pause')} to {say_time(to_ms)}, "
            f"saving {say_time(removal.removed)}")
    # The words around each pause would be noise: the count and the time say it.
    return _cleaned(state, removal, what, listed=False)


@action("remove_repeated_takes")
def remove_repeated_takes(state: SessionState) -> Outcome:
    need_timeline(state)
    removal = cleanup.remove_repeated_takes(state.timeline, state.words)
    if not removal.ranges:
        return Outcome(state, "I found no repeated takes; nothing changed.")
    what = (f"Removed {say_count(len(removal.pieces), 'repeated take')}, "
            f"{say_time(removal.removed)}")
    return _cleaned(state, removal, what)


MEDIA_SUFFIXES = frozenset({".mp4", ".mov", ".mkv", ".webm", ".avi", ".m4v", ".mpg", ".mts",
                            ".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg", ".opus"})


@action("insert_media")
def insert_media(state: SessionState, quote: Quote, time: SpokenTime | None = None) -> Outcome:
    """Insert a whole media file at `time` (or the playhead): a source of the project or a
    media file beside the project file, named as said ("insert b roll at ten seconds")."""
    at = resolve_time(state, time) if time is not None else min(state.playhead,
                                                                 state.timeline.duration)
    source = _media_named(state, quote.text if isinstance(quote, Quote) else str(quote))
    clip = Clip(source.path, 0, source.media.duration)
    timeline = edits.insert_clip(state.timeline, clip, at)
    what = f"Inserted {Path(source.path).name}, {say_time(clip.duration)}, at {say_time(at)}"
    with_source = state.with_project(sources=state.project.with_source(source).sources)
    new = with_source.edited(timeline, describe.history_entry(what), playhead=at)
    return Outcome(new, describe.edited(what, new), changed=True)


def _media_named(state: SessionState, said: str) -> Source:
    """The project source or media file whose name sounds like `said`."""
    path = media_path_named(state, said)
    if path is None:
        raise VoiceEditError(f"I can't find a media file called {describe.quoted(said)} "
                             "next to the project.")
    known = {Path(s.path): s for s in state.project.sources}
    return known.get(path) or _source_for(state, path)


def media_path_named(state: SessionState, said: str) -> Path | None:
    """The project source, or media file next to the project, whose name sounds like `said`
    (a typed path is taken as it is); None when none does."""
    typed = Path(said).expanduser()
    if typed.suffix.lower() in MEDIA_SUFFIXES and typed.is_file():
        return typed.resolve()
    return name_like(said, {path: path.stem for path in media_at_hand(state)})


def media_at_hand(state: SessionState) -> set[Path]:
    """The project's sources and the media files next to the project."""
    found = {Path(s.path) for s in state.project.sources}
    if state.path is not None:
        folder = state.path.resolve().parent
        found.update(f.resolve() for f in folder.iterdir()
                     if f.suffix.lower() in MEDIA_SUFFIXES and f.is_file())
    return found


def name_like(said: str, names: dict[Path, str]) -> Path | None:
    """The key whose file name sounds like `said` ("intro" for intro_v2.mp4), or None."""
    normalized = {key: normalize(name.replace("_", " ")) for key, name in names.items()}
    found = process.extractOne(normalize(said), normalized, scorer=fuzz.WRatio, score_cutoff=75)
    return None if found is None else found[2]


def _source_for(state: SessionState, path: Path) -> Source:
    existing = state.project.source(str(path))
    if existing is not None:
        return existing
    model = next((s.transcript.model for s in state.project.sources if s.transcript.model),
                 "tiny.en")
    return make_source(path, model)


# --- navigation and selection --------------------------------------------------------------


def _moved(state: SessionState, playhead: int) -> Outcome:
    new = state.with_project(playhead=playhead)
    if state.verbosity == "terse":
        return Outcome(new, describe.capitalize(say_time(playhead)) + ".")
    return Outcome(new, describe.position(new))


@action("seek")
def seek(state: SessionState, time: SpokenTime) -> Outcome:
    need_timeline(state)
    return _moved(state, resolve_time(state, time))


@action("seek_clip")
def seek_clip(state: SessionState, clip: int) -> Outcome:
    return _moved(state, state.timeline.clip_start(clip_index(state, clip)))


@action("seek_quote")
def seek_quote(state: SessionState, quote: Quote) -> Outcome:
    return _moved(state, find_quote(state, quote).start)


@action("next_clip")
def next_clip(state: SessionState) -> Outcome:
    timeline = need_timeline(state)
    index = timeline.clip_index_at(state.playhead)
    if index + 1 >= len(timeline.clips):
        raise VoiceEditError("This is the last clip.")
    return _moved(state, timeline.clip_start(index + 1))


@action("previous_clip")
def previous_clip(state: SessionState) -> Outcome:
    timeline = need_timeline(state)
    index = timeline.clip_index_at(min(state.playhead, timeline.duration - 1))
    if state.playhead > timeline.clip_start(index):
        return _moved(state, timeline.clip_start(index))  # back to this clip's start first
    if index == 0:
        raise VoiceEditError("This is the first clip.")
    return _moved(state, timeline.clip_start(index - 1))


def _select(state: SessionState, start: int, end: int) -> Outcome:
    new = state.with_project(selection=(start, end))
    return Outcome(new, describe.selection(new))


@action("select_range")
def select_range(state: SessionState, start: SpokenTime, end: SpokenTime) -> Outcome:
    return _select(state, *resolve_range(state, start, end))


@action("select_quote")
def select_quote(state: SessionState, quote: Quote) -> Outcome:
    match = find_quote(state, quote)
    return _select(state, match.start, match.end)


@action("select_clip")
def select_clip(state: SessionState, clip: int) -> Outcome:
    start = state.timeline.clip_start(clip_index(state, clip))
    return _select(state, start, start + state.timeline.clips[clip - 1].duration)


@action("clear_selection")
def clear_selection(state: SessionState) -> Outcome:
    if state.selection is None:
        return Outcome(state, "Nothing was selected.")
    return Outcome(state.with_project(selection=None), "Selection cleared.")


# --- readback ------------------------------------------------------------------------------


def _asked_twice(state: SessionState, name: str) -> bool:
    """The same readback twice in a row gets the full detail (OSARA practice)."""
    return state.project.last_action == name or state.verbosity == "verbose"


@action("describe_position")
def describe_position(state: SessionState) -> Outcome:
    return Outcome(state, describe.position(state, _asked_twice(state, "describe_position")))


@action("read_timeline")
def read_timeline(state: SessionState) -> Outcome:
    return Outcome(state, describe.timeline(state, _asked_twice(state, "read_timeline")))


@action("read_selection")
def read_selection(state: SessionState) -> Outcome:
    return Outcome(state, describe.selection(state, _asked_twice(state, "read_selection")))


@action("read_transcript")
def read_transcript(state: SessionState) -> Outcome:
    return Outcome(state, describe.transcript(state, _asked_twice(state, "read_transcript")))


@action("describe_last")
def describe_last(state: SessionState) -> Outcome:
    return Outcome(state, describe.last_change(state, _asked_twice(state, "describe_last")))


@action("repeat_last_answer")
def repeat_last_answer(state: SessionState) -> Outcome:
    return Outcome(state, state.project.last_answer or "I haven't said anything yet.")


_LEVELS = {"terse": "terse", "short": "terse", "brief": "terse", "quiet": "terse",
           "normal": "normal", "default": "normal", "medium": "normal",
           "verbose": "verbose", "detailed": "verbose", "full": "verbose", "long": "verbose"}


@action("set_verbosity")
def set_verbosity(state: SessionState, level: str) -> Outcome:
    chosen = _LEVELS.get(level.strip().lower())
    if chosen is None:
        raise VoiceEditError(f"Say {', '.join(VERBOSITY_LEVELS[:-1])} or {VERBOSITY_LEVELS[-1]}.")
    return Outcome(state.with_project(verbosity=chosen), f"Answers are now {chosen}.")


HELP_EXAMPLES = 8  # example commands said for a topic; asked twice, all of them


@action("help")
def help_(state: SessionState, topic: str | None = None) -> Outcome:
    """What can be said, from the grammar files themselves."""
    from voiceedit.understand.grammar import example, load_grammar

    grammar = load_grammar()
    if topic is None:
        topics = "; ".join(f"{t.names[0] if t.names else t.name}, {t.about}"
                           for t in grammar.topics)
        return Outcome(state, f"Say help with, then a topic: {topics}.")
    wanted = topic.strip().lower()
    found = next((t for t in grammar.topics if wanted == t.name or wanted in t.names), None)
    if found is None:
        raise VoiceEditError(f"I have no help about {topic}. Say help for the topics.")
    examples: dict[str, str] = {}
    for rule in grammar.rules:
        if rule.topic == found.name and rule.action not in examples:
            examples[rule.action] = example(rule, grammar)
    said = list(examples.values())
    if not _asked_twice(state, "help"):
        said = said[:HELP_EXAMPLES]
    return Outcome(state, f"{describe.capitalize(found.about)}. Say: {'; '.join(said)}.")


# --- history -------------------------------------------------------------------------------


def _after_history(state: SessionState, timeline: Timeline, history: History,
                   step: Step) -> SessionState:
    # The playhead goes to where the change was, so "play" lets you hear it.
    return state.with_project(timeline=timeline, history=history, selection=None, pending=None,
                              playhead=_first_change(state.timeline, timeline, step.at))


def _first_change(before: Timeline, after: Timeline, at: int) -> int:
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


@action("undo")
def undo(state: SessionState) -> Outcome:
    if not state.project.history.can_undo:
        raise VoiceEditError("There is nothing to undo.")
    timeline, history, step = state.project.history.undo(state.timeline)
    new = _after_history(state, timeline, history, step)
    return Outcome(new, describe.undone("Undid", step.description, new), changed=True)


@action("redo")
def redo(state: SessionState) -> Outcome:
    if not state.project.history.can_redo:
        raise VoiceEditError("There is nothing to redo.")
    timeline, history, step = state.project.history.redo(state.timeline)
    new = _after_history(state, timeline, history, step)
    return Outcome(new, describe.undone("Redid", step.description, new), changed=True)


# --- answers to questions, when no question is waiting ---------------------------------------
# The session answers these itself while it waits for a choice or a yes/no.


@action("choose")
def choose(state: SessionState, choice: int) -> Outcome:
    raise VoiceEditError("There is nothing to choose from.")


@action("confirm")
def confirm(state: SessionState) -> Outcome:
    raise VoiceEditError("There is nothing to confirm.")


@action("deny")
def deny(state: SessionState) -> Outcome:
    raise VoiceEditError("There is nothing to say no to.")


@action("cancel")
def cancel(state: SessionState) -> Outcome:
    return Outcome(state, "Nothing to cancel.")
