"""What every action receives and returns: the editor's state and an Outcome.

An action is `(state: EditorState, **args) -> Outcome`. The state is immutable: an action
returns a new one and one sentence, and on error raises VoiceEditError (nothing changed).
The things an action may need from outside the project (the player, the renderer) come in
`state.services`, handed over by whoever drives the editor, never from a module global, so
a test, the terminal and the browser each give their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voiceedit.project import Pending, Project
from voiceedit.timeline.layers import Layers
from voiceedit.timeline.model import Timeline
from voiceedit.timeline.quote_match import QuoteMatch
from voiceedit.timeline.words import SourceWords, TimelineWords
from voiceedit.understand.command import Command

if TYPE_CHECKING:
    from voiceedit.answer.playback import Player
    from voiceedit.timeline.quotes import QuoteIndex


def _default_player() -> Player:
    from voiceedit.answer.playback import Player

    return Player()


@dataclass
class Services:
    """What actions use beyond the project. `player` plays the timeline's sound (opened on
    first use when not given); `renderer(project, output, force, project_path)` renders for
    "render the video" (the ffmpeg renderer when not given)."""

    player: Player | None = None
    renderer: Callable[..., Any] | None = None
    make_player: Callable[[], Player] = _default_player

    def the_player(self) -> Player:
        if self.player is None:
            self.player = self.make_player()
        return self.player


@dataclass(frozen=True)
class EditorState:
    """The project being edited, where it lives, what is derived from it (cached), and the
    services actions may use."""

    project: Project
    path: Path | None = None
    # A source's word list, shared from state to state (see `source_words_for`).
    source_words: dict[str, SourceWords] = field(default_factory=dict, compare=False,
                                                 repr=False)
    services: Services = field(default_factory=Services, compare=False, repr=False)

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
        found: dict[str, SourceWords] = {}
        for source in self.project.sources:
            words = self.source_words_for(source.path)
            if words is not None:
                found[source.path] = words
        return TimelineWords(self.timeline, found)

    def source_words_for(self, path: str) -> SourceWords | None:
        """The source's words as corrected in this project. A source's transcript never
        changes, but its corrections do: the cache holds one list a source, with the
        corrections it was made with, and a state with other corrections makes its own."""
        source = self.project.source(path)
        if source is None:
            return None
        corrections = self.project.corrections_of(path)
        cached = self.source_words.get(path)
        if cached is None or cached.corrections != corrections:
            cached = SourceWords(self.project.transcript_of(source), corrections)
            self.source_words[path] = cached
        return cached

    @cached_property
    def quotes(self) -> QuoteIndex:
        from voiceedit.timeline.quotes import QuoteIndex  # numpy and rapidfuzz: when needed

        return QuoteIndex(self.words, self.timeline.duration)

    def with_project(self, **changes: object) -> EditorState:
        return EditorState(replace(self.project, **changes), self.path, self.source_words,
                           self.services)

    def reloaded(self, project: Project) -> EditorState:
        """The same editor over the project as another process left it on disk."""
        return EditorState(project, self.path, self.source_words, self.services)

    def layered(self, layers: Layers, description: str) -> EditorState:
        """New layers (chapters, markers...: timeline/layers.py) as one undo step; the clips,
        selection and playhead stay."""
        history = self.project.history.record_layers(self.project.layers, layers, description)
        return self.with_project(layers=layers, history=history, pending=None)

    def edited(self, timeline: Timeline, description: str,
               playhead: int | None = None) -> EditorState:
        """A new timeline as one undo step; the selection and any question are dropped
        (they named places on the old timeline) and the playhead kept on the timeline."""
        history = self.project.history.record(self.timeline, timeline, description)
        playhead = self.playhead if playhead is None else playhead
        return self.with_project(timeline=timeline, history=history, selection=None,
                                 pending=None, playhead=min(max(0, playhead), timeline.duration))


@dataclass(frozen=True)
class Outcome:
    state: EditorState
    message: str  # one sentence (or a few, for readbacks), printed and spoken
    changed: bool = False  # the timeline changed: one undo step was recorded
    question: Pending | None = None  # the dialogue now waits for a choice or a yes/no


class Ambiguous(Exception):  # noqa: N818 (a question, not an error)
    """A quote matched in several places: the dialogue asks which, never guesses."""

    def __init__(self, slot: str, matches: list[QuoteMatch]) -> None:
        super().__init__(slot)
        self.slot = slot
        self.matches = matches


class ConfirmFirst(Exception):  # noqa: N818 (a question, not an error)
    """The action would replace something (an earlier render): the dialogue asks `message`
    and runs `command` on yes."""

    def __init__(self, message: str, command: Command) -> None:
        super().__init__(message)
        self.message = message
        self.command = command
