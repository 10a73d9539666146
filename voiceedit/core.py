"""The editor: one core that every surface drives (the terminal, the live loop, a test).

    editor = Editor.open("cut.voiceedit", speaker=..., services=Services(player=...))
    answer = editor.handle("delete from ask not to country")   # typed text
    answer = editor.handle(heard)                              # a recogniser's result
    editor.subscribe(lambda answer, state: ...)                # after every command

`handle` understands what was said, lets the dialogue decide what it means now (a question
may be waiting, the session may be asleep), applies the action, saves the project
atomically before anything is acknowledged, and returns the Answer: one sentence, also
given to the speaker if there is one. An error from any stage is the answer, and the
project file is not written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from voiceedit.actions.fit import (
    QuotePlaces,
    fit,
    idle_actions,
    moot_actions,
    phrases,
    places,
    quote_ends_sentence,
)
from voiceedit.actions.registry import spec_of
from voiceedit.actions.state import EditorState, Outcome, Services
from voiceedit.dialogue import Dialogue
from voiceedit.errors import VoiceEditError
from voiceedit.project import load_project, project_lock, save_project, stamp_of
from voiceedit.timeline.model import Timeline
from voiceedit.understand.command import Command, SpokenTime
from voiceedit.understand.matcher import NotUnderstood, command_prompt, understand
from voiceedit.understand.negative import without_minus
from voiceedit.understand.prefix import after_prefix

ASLEEP_NOTE = "asleep: say wake up to go on."
NOT_ADDRESSED = "not for me: it does not begin with {prefix}."
LONGEST_COMMAND = 500  # characters; longer text is not a command, and is not echoed back
# Terminal escapes and control characters: never part of what anyone said.
_CONTROL = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# "-3" standing alone as a time ("from -3 to 10"), not "take-2.mp4" or "2019 - 2020".
_NEGATIVE_TIME = re.compile(r"(?:^|\s)[-\u2212]\d+(?:[.:]\d+)?(?=\s|$)")


class Speaker(Protocol):
    def say(self, text: str) -> None: ...


class Heard(Protocol):
    """What a recogniser gives: the text, and the command it judged it to be (None when no
    reading was understood; its confidence lowered when the readings disagree), and the
    other meanings it heard, offered if the command is read back."""

    text: str
    command: Command | None
    meanings: tuple[Command, ...]


@dataclass(frozen=True)
class Answer:
    message: str  # what was printed and spoken
    applied: bool  # the command was understood and done (or answered with a question)
    changed: bool = False  # the timeline changed
    understood: bool = True  # False: no command matched the text; see `suggestions`
    action: str = ""
    question: bool = False  # a choice or a yes/no is now awaited
    suggestions: tuple[str, ...] = ()
    ignored: bool = False  # heard while asleep: nothing done, nothing said


Subscriber = Callable[[Answer, EditorState], None]


def _answers(said: str) -> bool:
    """Whether a suggested sentence answers a question ("yes", "number two")."""
    try:
        return spec_of(understand(said).action).answers_question
    except VoiceEditError:
        return False


def _says_negative_number(text: str) -> bool:
    """Whether the minus stands before a number that is no time ("set the speech rate to
    -5"), so a sentence about times would mislead."""
    try:
        args = understand(without_minus(text) or text).args
    except VoiceEditError:
        return False
    return any(type(value) is int for value in args.values()) and not any(
        isinstance(value, SpokenTime) for value in args.values())


def _refuse(text: str) -> str | None:
    """What no command can be, said before trying to understand it."""
    if len(text) > LONGEST_COMMAND:
        return "That is too long for a command; say a sentence or two. Nothing changed."
    if _NEGATIVE_TIME.search(text):
        if _says_negative_number(text):  # "set the speech rate to -5", "clip -2"
            return "That number can't be below zero. Nothing changed."
        return "Times start at zero; there is no time before the start. Nothing changed."
    return None


class Editor:
    def __init__(self, project_path: str | Path, speaker: Speaker | None = None,
                 services: Services | None = None) -> None:
        self.path = Path(project_path)
        self._seen = stamp_of(self.path)  # before reading: a save in between is re-read later
        self.state = EditorState(load_project(self.path), self.path,
                                 services=services or Services())
        self.speaker = speaker
        self.dialogue = Dialogue()
        self._subscribers: list[Subscriber] = []
        self._phrases: tuple[EditorState, tuple[tuple[str, ...], ...]] | None = None
        self._prompt: tuple[tuple[str, ...], str] | None = None
        self._pointed: int | None = None  # the cursor a surface gave with the command
        # A wake word every command begins with ("editor, undo that"), for a session beside
        # Talon or Dragon; what does not begin with it is ignored without a word. "": none.
        self.prefix = ""

    @classmethod
    def open(cls, project_path: str | Path, speaker: Speaker | None = None,
             services: Services | None = None) -> Editor:
        return cls(project_path, speaker, services)

    @property
    def timeline(self) -> Timeline:
        return self.state.timeline

    @property
    def asleep(self) -> bool:
        return self.dialogue.asleep

    @property
    def stopped(self) -> bool:
        return self.dialogue.mode == "stopped"

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call `callback(answer, state)` after every command; returns a function that
        unsubscribes."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    # --- what was said --------------------------------------------------------------------

    def handle(self, said: str | Heard | Command, playhead: int | None = None) -> Answer:
        """`playhead`: where the surface's cursor is (a click on a word, the page's player),
        so "split here" means there; saved with the command, announced by nothing else."""
        self._pointed = playhead
        try:
            if isinstance(said, str):
                return self._handle_text(said)
            if isinstance(said, Command):
                return self._said(self._apply(said))
            if said.command is None:
                return self._handle_text(said.text)
            if after_prefix(said.text, self.prefix) is None:
                return self._said(self._not_addressed())
            return self._said(self._apply(said.command, meanings=said.meanings))
        finally:
            self._pointed = None

    def handle_text(self, text: str, playhead: int | None = None) -> Answer:
        """Understand typed (or recognised) text and apply it."""
        return self.handle(text, playhead)

    def _handle_text(self, text: str) -> Answer:
        text = _CONTROL.sub("", text).strip()
        addressed = after_prefix(text, self.prefix)
        if not addressed and self.prefix:
            return self._said(self._not_addressed())
        text = addressed or text
        refused = None if self.asleep else _refuse(text)  # asleep, nothing is answered
        if refused is not None:
            return self._said(Answer(refused, applied=False))
        try:
            command = understand(text)
        except NotUnderstood as error:
            if self.asleep:
                return self._said(Answer(self._asleep_note(), applied=False, ignored=True))
            if self.state.project.pending is None:  # "yes" answers nothing now
                error = error.keeping(lambda said: not _answers(said))
            self._remember(str(error))
            return self._said(Answer(str(error), applied=False, understood=False,
                                     suggestions=tuple(error.suggestions)))
        except VoiceEditError as error:
            return self._said(Answer(str(error), applied=False, understood=False))
        return self._said(self._apply(command, typed=True))

    def _apply(self, command: Command, typed: bool = False,
               meanings: tuple[Command, ...] = ()) -> Answer:
        """Apply one understood command; the project is saved before this returns. `typed`:
        understood from text, not judged by a recogniser against the project (which reads
        back itself what it doubts), so a quote found only approximately is read back.
        `meanings`: what else the recogniser heard, offered if the command is read back."""
        try:
            if not self.dialogue.hears(command):
                return Answer(self._asleep_note(), applied=False, ignored=True,
                              action=command.action)
            if self._slow(command):
                outcome, state = self._slow_work(command, typed, meanings)
            else:
                with project_lock(self.path):  # one read-modify-write
                    self._refresh()
                    outcome = self._wake_told(
                        self.dialogue.respond(self.state, command, typed, meanings), command)
                    state = self._save(outcome, command)
        except VoiceEditError as error:
            self._remember(str(error))
            return Answer(str(error), applied=False, action=command.action)
        self.state = state
        self.dialogue.done()
        return Answer(outcome.message, applied=True, changed=outcome.changed,
                      action=command.action, question=outcome.question is not None)

    def _slow(self, command: Command) -> bool:
        """Whether the action to run (the one a yes answers, for a yes) declares long work."""
        pending = self.state.project.pending
        if pending is not None and spec_of(command.action).answers_question:
            return any(spec_of(c.action).slow for c in (pending.command, *pending.meanings))
        return spec_of(command.action).slow

    def _save(self, outcome: Outcome, command: Command) -> EditorState:
        """Under the lock: the outcome, with what was answered, on disk. A question did
        nothing, so the last action stays what it was; an answer is the asking of what it
        ran ("read the timeline" asked about, then chosen, is the first reading)."""
        done = (outcome.state.project.last_action if outcome.question is not None
                else self.dialogue.ran or command.action)
        state = outcome.state.with_project(last_answer=outcome.message, last_action=done)
        self._seen = save_project(self.path, state.project)
        return state

    def _slow_work(self, command: Command, typed: bool,
                   meanings: tuple[Command, ...] = ()) -> tuple[Outcome, EditorState]:
        """Long work (a render, transcribing inserted media) runs without the lock, so other
        surfaces edit meanwhile; it is then applied under the lock to what is on disk. An
        edit made from an older timeline is done again on the new one (its slow part is
        cached by then); a render only adds its answer to the project as it now stands."""
        with project_lock(self.path):
            self._refresh()
            seen = self._seen
        outcome = self.dialogue.respond(self.state, command, typed, meanings)
        with project_lock(self.path):
            if stamp_of(self.path) != seen:
                self._refresh()
                if outcome.changed:
                    outcome = self.dialogue.respond(self.state, command, typed, meanings)
                else:
                    pending = outcome.state.project.pending
                    outcome = replace(outcome, state=self.state.with_project(pending=pending))
            return outcome, self._save(outcome, command)

    # --- what the recogniser asks of the project --------------------------------------------

    def fit(self, command: Command) -> float:
        return fit(self.state, command)

    def places(self, command: Command) -> QuotePlaces | None:
        return places(self.state, command)

    def idle_actions(self) -> frozenset[str]:
        return idle_actions(self.state) | moot_actions(self.dialogue.mode)

    def quote_ends_sentence(self, command: Command) -> bool:
        return quote_ends_sentence(self.state, command)

    def command_prompt(self) -> str:
        """The recogniser's prompt for the words as they stand (matcher.command_prompt),
        made again only when they change: a name corrected is heard from then on."""
        texts = tuple(self.state.quotes.words.texts)
        if self._prompt is None or self._prompt[0] != texts:
            self._prompt = (texts, command_prompt(texts))
        return self._prompt[1]

    def phrases(self) -> tuple[tuple[str, ...], ...]:
        """The same tuple until the project changes (the recogniser caches on it)."""
        if self._phrases is None or self._phrases[0] is not self.state:
            self._phrases = (self.state, phrases(self.state))
        return self._phrases[1]

    # --- inside ---------------------------------------------------------------------------

    def refresh(self) -> bool:
        """Read what another process saved, if it did; whether anything was read. A surface
        that shows the project calls this to follow edits made elsewhere."""
        with project_lock(self.path):
            return self._refresh()

    def _refresh(self) -> bool:
        """Another process (or surface) saved the project since we last read or wrote it:
        work on what is on disk, never write back an older copy over its edit. Then the
        cursor the surface pointed at, if it gave one, is where this command runs from."""
        stamp = stamp_of(self.path)
        changed = stamp != self._seen
        if changed:
            self.state = self.state.reloaded(load_project(self.path))
            self._seen = stamp
        if self._pointed is not None:
            playhead = min(max(0, self._pointed), self.state.timeline.duration)
            self.state = self.state.with_project(playhead=playhead)
        return changed

    def _wake_phrase(self) -> str:
        return f"{self.prefix}, wake up" if self.prefix else "wake up"

    def _asleep_note(self) -> str:
        return ASLEEP_NOTE.replace("wake up", self._wake_phrase())

    def _wake_told(self, outcome: Outcome, command: Command) -> Outcome:
        """Going to sleep, the answer says how to wake: with the wake word, when there is
        one ("Say editor, wake up"), since a plain "wake up" is then not for us."""
        ran = self.dialogue.ran or command.action  # a yes or a number runs another action
        if outcome.question is not None or spec_of(ran).enters != "asleep":
            return outcome
        return replace(outcome, message=f"{outcome.message} Say {self._wake_phrase()} when "
                                        "you need me.")

    def _not_addressed(self) -> Answer:
        """Said without the wake word: for someone else, ignored as while asleep."""
        return Answer(NOT_ADDRESSED.format(prefix=self.prefix), applied=False, ignored=True)

    def _remember(self, message: str) -> None:
        """Keep an error's sentence for "say that again", in memory only: on error the
        project file is not touched."""
        self.state = self.state.with_project(last_answer=message)

    def _tell(self, answer: Answer) -> None:
        for callback in list(self._subscribers):
            callback(answer, self.state)

    def _said(self, answer: Answer) -> Answer:
        """Every answer ends here: subscribers are told, and the speaker says it."""
        self._tell(answer)
        if self.speaker is not None and not answer.ignored:
            self.speaker.say(answer.message)
        return answer
