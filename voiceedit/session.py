"""The one place that wires understand -> act -> answer, for text.

`Session(project_path).handle_text("delete from ask not to country")` understands the text,
applies the command to the project, saves the project (atomically, before anything is
acknowledged), and returns the Answer: one sentence, also given to the speaker if there is
one. The session is free of audio: the live session feeds it recognised text and gives it a
speaker (anything with `.say(text)`); `voiceedit do` feeds it typed text.

Questions. A destructive command understood with low confidence is read back and waits for
yes or no; a quote that matches in several places waits for "one", "two", ... The question
is saved in the project, so `voiceedit do` in separate processes can ask and then be
answered. Any other command drops the question; "scratch that" while a question waits
cancels the question rather than undoing the edit before it.

Errors. A VoiceEditError from any stage is the answer, and nothing changes: the project file
is not written. A command the grammar can't match comes back with the closest commands.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from voiceedit.act import Outcome, SessionState, media_at_hand, media_path_named, run
from voiceedit.answer.describe import readback
from voiceedit.errors import VoiceEditError
from voiceedit.project import Pending, load_project, save_project
from voiceedit.spoken_time import say_number
from voiceedit.understand.command import Command, Quote
from voiceedit.understand.grammar import words
from voiceedit.understand.matcher import CONFIRM_BELOW, NotUnderstood, understand

# Commands that leave a waiting question in place: they don't answer it and don't move on.
KEEPS_QUESTION = frozenset({"repeat_last_answer", "help", "describe_position", "read_selection"})
ANSWERS = frozenset({"choose", "confirm", "deny", "cancel"})
# Quotes that name a media file, not words of the transcript.
MEDIA_QUOTES = frozenset({"insert_media"})


def no_time_at_all(command: Command) -> bool:
    """A range from a time to the same time ("keep from one minute to one minute"): the act
    stage refuses it, so it is never what was meant."""
    return "start" in command.args and command.args["start"] == command.args.get("end")


class Speaker(Protocol):
    def say(self, text: str) -> None: ...


@dataclass(frozen=True)
class Answer:
    message: str  # what was printed and spoken
    applied: bool  # the command was understood and done (or answered with a question)
    changed: bool = False  # the timeline changed
    understood: bool = True  # False: no command matched the text; see `suggestions`
    action: str = ""
    question: bool = False  # a choice or a yes/no is now awaited
    suggestions: tuple[str, ...] = ()


class Session:
    def __init__(self, project_path: str | Path, speaker: Speaker | None = None) -> None:
        self.path = Path(project_path)
        self.state = SessionState(load_project(self.path), self.path)
        self.speaker = speaker
        self._phrases: tuple[SessionState, tuple[tuple[str, ...], ...]] | None = None

    def handle_text(self, text: str) -> Answer:
        """Understand `text` and apply it; the answer is spoken if there is a speaker."""
        try:
            command = understand(text)
        except NotUnderstood as error:
            answer = Answer(str(error), applied=False, understood=False,
                            suggestions=tuple(error.suggestions))
            self._remember(answer.message)
            return self._said(answer)
        except VoiceEditError as error:
            answer = Answer(str(error), applied=False, understood=False)
            return self._said(answer)
        return self._said(self.handle(command))

    def handle_heard(self, text: str, command: Command | None) -> Answer:
        """A spoken utterance: the recogniser's command as it judged it (its confidence
        lowered when the n-best disagree on a destructive command, so that it is read back),
        or, when no hypothesis was understood, the text as typed text would be."""
        if command is None:
            return self.handle_text(text)
        return self._said(self.handle(command))

    def fit(self, command: Command) -> float:
        """How well the project can act on the command, for the recogniser to weigh what it
        may have heard: 0 when it can't (a quote is nowhere in the timeline's words, a file
        is not beside the project, a range has no length), 1 when it can as said (every
        quote found word for word, or none), else the worst quote's match as a fraction."""
        if no_time_at_all(command):
            return 0.0
        quotes = [value for value in command.args.values() if isinstance(value, Quote)]
        if command.action in MEDIA_QUOTES:
            return float(all(media_path_named(self.state, quote.text) for quote in quotes))
        scores = [max((m.score for m in self.state.quotes.find(q.text)), default=0.0)
                  for q in quotes]
        return min(scores, default=100.0) / 100

    def quote_ends_sentence(self, command: Command) -> bool:
        """Whether the command's last quote is found in one place, and ends where a sentence
        of the timeline ends ("delete ask not what your camera can do for you."): then the
        live loop need not wait to hear whether more of it is coming."""
        quotes = [value for value in command.args.values() if isinstance(value, Quote)]
        if not quotes or command.action in MEDIA_QUOTES:
            return False
        found = self.state.quotes.find(quotes[-1].text)
        return len(found) == 1 and self.state.quotes.words.ends_sentence(found[0].last)

    def phrases(self) -> tuple[tuple[str, ...], ...]:
        """What a quote can say, for the recogniser's search within the grammar: the
        timeline's words in order, and the name of each media file at hand. The same tuple
        until the project changes."""
        if self._phrases is None or self._phrases[0] is not self.state:
            timeline = tuple(word for text in self.state.quotes.words.texts for word in words(text))
            names = tuple(tuple(words(path.stem.replace("_", " ")))
                          for path in sorted(media_at_hand(self.state)))
            self._phrases = (self.state, (timeline, *names))
        return self._phrases[1]

    def handle(self, command: Command) -> Answer:
        """Apply one understood command; the project is saved before this returns."""
        try:
            outcome = self._dispatch(command)
            state = outcome.state.with_project(last_answer=outcome.message,
                                               last_action=command.action)
            save_project(self.path, state.project)
        except VoiceEditError as error:
            self._remember(str(error))
            return Answer(str(error), applied=False, action=command.action)
        self.state = state
        return Answer(outcome.message, applied=True, changed=outcome.changed,
                      action=command.action, question=outcome.question is not None)

    def _dispatch(self, command: Command) -> Outcome:
        pending = self.state.project.pending
        if pending is not None and command.action in ANSWERS | {"undo"}:
            return self._answer(pending, command)
        state = self.state
        if pending is not None and command.action not in KEEPS_QUESTION:
            state = state.with_project(pending=None)  # the user moved on
        if command.destructive and command.confidence < CONFIRM_BELOW:
            question = Pending("confirm", command)
            return Outcome(state.with_project(pending=question), readback(command),
                           question=question)
        return run(state, command)

    def _answer(self, pending: Pending, command: Command) -> Outcome:
        """The user's answer to the waiting question."""
        unasked = self.state.with_project(pending=None)
        if command.action in ("cancel", "undo"):
            return Outcome(unasked, "Cancelled; nothing changed.")
        if pending.kind == "confirm":
            if command.action == "deny":
                return Outcome(unasked, "Not done; nothing changed.")
            if command.action == "choose":
                raise VoiceEditError("Say yes or no.")
            return run(unasked, replace(pending.command, confidence=1.0))
        count = len(pending.choices)
        if command.action == "deny":
            return Outcome(unasked, "Cancelled; nothing changed.")
        choice = command.args.get("choice") if command.action == "choose" else None
        if not isinstance(choice, int) or not 1 <= choice <= count:
            raise VoiceEditError(f"Say a number from one to {say_number(count)}, or cancel.")
        args = {**pending.command.args, pending.slot: pending.choices[choice - 1]}
        return run(unasked, replace(pending.command, args=args))

    def _remember(self, message: str) -> None:
        """Keep an error's sentence for "say that again", in memory only: on error the
        project file is not touched."""
        self.state = self.state.with_project(last_answer=message)

    def _said(self, answer: Answer) -> Answer:
        if self.speaker is not None:
            self.speaker.say(answer.message)
        return answer

