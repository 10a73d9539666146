"""The dialogue: questions, answers to them, and sleep.

Everything about the conversation that is not an edit lives here, and it reads what each
action declares (`actions.registry.ActionSpec`) instead of keeping its own lists:
- A destructive command understood with low confidence is read back and waits for yes/no
  (and so is ending the session, an action declared `certain`),
  and so is a typed one whose quote is found only approximately, or a range said later time
  first. (A recogniser weighs quotes against the project itself, and lowers its confidence
  for what it doubts.)
- A quote that matches in several places waits for "one", "two", ... (`Ambiguous`); an
  action about to replace a file waits for yes (`ConfirmFirst`). A doubted command the
  speech may have meant otherwise offers those meanings too ("Did you mean 1, ...; or 2,
  ...?"): "two" instead of "no" and the whole command again. So does any command the
  recogniser heard as two meanings alike (it gives the others): asked, not the wrong one
  done.
- While a question waits, yes / no / a number / cancel answer it, and "scratch that"
  cancels the question rather than undoing the edit before it; a readback that
  `keeps_question` leaves it waiting; any other command drops it (the user moved on).
  The question is saved with the project, so separate `voiceedit do` runs can ask and answer.
- Asleep, only actions `awake_while_asleep` are heard, and only when heard exactly (Talon's
  rule: a sleeping session beside another program wakes on its wake phrase, not on what
  sounds like it); sleep, wake and stop change the mode after they are done (`enters`).
"""

from __future__ import annotations

import inspect
from dataclasses import replace

from voiceedit.actions import describe
from voiceedit.actions.joins import with_join_notes
from voiceedit.actions.registry import spec_of
from voiceedit.actions.resolve import resolve_time
from voiceedit.actions.settings import precision_of
from voiceedit.actions.state import Ambiguous, ConfirmFirst, EditorState, Outcome
from voiceedit.errors import VoiceEditError
from voiceedit.project import Pending
from voiceedit.spoken_time import precision_in
from voiceedit.understand.command import Command, Quote, SpokenTime
from voiceedit.understand.grammar import load_grammar, words
from voiceedit.understand.matcher import CONFIRM_BELOW

ASLEEP, AWAKE, STOPPED = "asleep", "awake", "stopped"
EXACT = 100.0  # a quote match's score when every word was found as said
EXACT_WORDS = 1.0  # a command's confidence when nothing was repaired and nothing doubted


def run_action(state: EditorState, command: Command) -> Outcome:
    """Run one command's action; a question it raises becomes the waiting question. A cut's
    answer says what its joins make (actions/joins.py)."""
    spec = spec_of(command.action)
    try:
        outcome = spec.handler(state, **command.args)
        return with_join_notes(state, outcome) if spec.destructive else outcome
    except Ambiguous as question:
        pending = Pending("choice", command, question.slot, tuple(question.matches))
        return Outcome(state.with_project(pending=pending), describe.choices(question.matches),
                       question=pending)
    except ConfirmFirst as question:
        pending = Pending("confirm", question.command)
        return Outcome(state.with_project(pending=pending), question.message, question=pending)


def said_alone(command: Command) -> bool:
    """Whether the command's own words were all that was said, hesitations aside: asleep,
    "okay, stop listening" or "please wake up" were said to someone else (Dragon, a
    person in the room), as Talon takes only its wake phrase itself. Whisper's own
    closing "Thank you." is no word of the person's, and words run together or apart
    ("voice edit") are the same words."""
    if not command.meant:
        return True  # not made from words: a button or an API call
    hesitations = {entry.value for entry in load_grammar().word_list("fillers").entries}
    heard = [word for word in words(command.heard) if word not in hesitations]
    while heard[-2:] == ["thank", "you"] or heard[-1:] == ["thanks"]:
        heard = heard[:-2] if heard[-1] == "you" else heard[:-1]
    return "".join(heard) == "".join(words(command.meant))


class Dialogue:
    def __init__(self) -> None:
        self.mode = AWAKE
        self.ran = ""  # the action the last response ran (the one a yes ran); "": none

    @property
    def asleep(self) -> bool:
        return self.mode == ASLEEP

    def hears(self, command: Command) -> bool:
        """Whether the command is acted on now (asleep, only waking words heard exactly)."""
        if not self.asleep:
            return True
        return (spec_of(command.action).awake_while_asleep
                and command.confidence >= EXACT_WORDS and said_alone(command))

    def respond(self, state: EditorState, command: Command, typed: bool = False,
                meanings: tuple[Command, ...] = ()) -> Outcome:
        """The outcome of one command in the conversation as it stands. Raises
        VoiceEditError (nothing changed) for what can't be done. Its sentences write times
        as finely as the person chose (actions/settings.py). `meanings`: what else the
        speech may have meant, offered beside a command read back."""
        with precision_in(precision_of(state)):
            return self._respond(state, command, typed, meanings)

    def _respond(self, state: EditorState, command: Command, typed: bool = False,
                 meanings: tuple[Command, ...] = ()) -> Outcome:
        spec = spec_of(command.action)
        pending = state.project.pending
        self.ran = ""
        if pending is not None and (spec.answers_question or spec.cancels_question):
            return self._answer(state, pending, command)
        if pending is not None and not spec.keeps_question:
            state = state.with_project(pending=None)  # the user moved on
        if read_back_first(command):
            return _read_back(state, command, meanings=meanings)
        if asked_which(command, meanings) and not self.asleep:
            # Heard as two things that remove nothing: which, in one word, not the wrong
            # one done (hear/doubt.py, split_reason). Asleep, only the waking words count.
            return _read_back(state, command, meanings=meanings)
        if spec.destructive:
            swapped = _later_time_first(state, command)
            if swapped is not None:
                return _read_back(state, swapped, "You said the later time first. ")
        if spec.destructive and typed:
            found = _approximate_quote(state, command)
            if found is not None:
                return _read_back(state, found, "Not found word for word. ")
        self.ran = command.action
        return run_action(state, command)

    def done(self) -> None:
        """After a response was saved: the mode the action it ran leads to (none for a
        question asked: "End the session?" ends it only after the yes)."""
        spec = spec_of(self.ran) if self.ran else None
        if spec is not None and spec.enters:
            self.mode = spec.enters

    def _answer(self, state: EditorState, pending: Pending, command: Command) -> Outcome:
        unasked = state.with_project(pending=None)
        if spec_of(command.action).cancels_question:
            return Outcome(unasked, "Cancelled; nothing changed.")
        if pending.kind in ("confirm", "meaning"):
            if command.action == "deny":
                return Outcome(unasked, "Not done; nothing changed.")
            offered = (pending.command, *pending.meanings)
            chosen = pending.command
            if command.action == "choose":
                choice = command.args.get("choice")
                if pending.kind != "meaning":
                    raise VoiceEditError("Say yes or no.")
                if not isinstance(choice, int) or not 1 <= choice <= len(offered):
                    raise VoiceEditError(f"Say a number from 1 to {len(offered)}, or no.")
                chosen = offered[choice - 1]
            self.ran = chosen.action
            return _saved_question(unasked, replace(chosen, confidence=1.0))
        count = len(pending.choices)
        if command.action == "deny":
            return Outcome(unasked, "Cancelled; nothing changed.")
        choice = command.args.get("choice") if command.action == "choose" else None
        if not isinstance(choice, int) or not 1 <= choice <= count:
            raise VoiceEditError(f"Say a number from 1 to {count}, or cancel.")
        args = {**pending.command.args, pending.slot: pending.choices[choice - 1]}
        self.ran = pending.command.action
        return _saved_question(unasked, replace(pending.command, args=args))


def read_back_first(command: Command) -> bool:
    """Whether a command is read back before it is done: a cut, or the end of the session,
    understood with low confidence."""
    spec = spec_of(command.action)
    return (spec.destructive or spec.certain) and command.confidence < CONFIRM_BELOW


def asked_which(command: Command, meanings: tuple[Command, ...]) -> bool:
    """Whether a command that is not read back for itself is asked about beside the other
    meanings the recogniser heard (ActionSpec.never_asked says which never are)."""
    return not spec_of(command.action).never_asked and bool(offered(command, meanings))


def offered(command: Command, meanings: tuple[Command, ...]) -> tuple[Command, ...]:
    """The other meanings a question about `command` offers: none never asked about (an
    answer would answer this very question; sleep chosen by a number would sleep unwarned),
    and none at all for an answer itself."""
    spec = spec_of(command.action)
    if spec.answers_question or spec.cancels_question:
        return ()
    return tuple(m for m in meanings if not spec_of(m.action).never_asked)


def _read_back(state: EditorState, command: Command, why: str = "",
               meanings: tuple[Command, ...] = ()) -> Outcome:
    """Ask before doing: the command as it would be done, and yes or no; with the other
    meanings heard, which of them."""
    meanings = offered(command, meanings)
    if meanings:  # what else was heard, an answer aside (it would answer this question)
        question = Pending("meaning", command, meanings=meanings)
        message = describe.meanings((command, *meanings))
    else:
        question, message = Pending("confirm", command), describe.readback(command)
    return Outcome(state.with_project(pending=question), why + message, question=question)


def _later_time_first(state: EditorState, command: Command) -> Command | None:
    """"delete from five seconds to two seconds": the range the user most likely meant,
    to read back rather than cut silently; None when the times are in order. A time past
    the end is the action's to refuse (one sentence), not a question."""
    start, end = command.args.get("start"), command.args.get("end")
    if not isinstance(start, SpokenTime) or not isinstance(end, SpokenTime):
        return None
    first, last = resolve_time(state, start), resolve_time(state, end)
    if first <= last:
        return None
    return replace(command, args={**command.args, "start": end, "end": start})


def _approximate_quote(state: EditorState, command: Command) -> Command | None:
    """A typed destructive command a quote of which is found only approximately: the command
    to read back (with the place found, when its one quote is found in one place); None
    when every quote is found word for word, not at all (the action says so) or in several
    places (the action asks which)."""
    quotes = {name: value for name, value in command.args.items() if isinstance(value, Quote)}
    if not quotes or spec_of(command.action).quotes_media or len(state.words) == 0:
        return None
    found = {name: state.quotes.find(quote.text) for name, quote in quotes.items()}
    if any(not matches for matches in found.values()):
        return None
    if all(max(m.score for m in matches) >= EXACT for matches in found.values()):
        return None
    if len(found) > 1:
        return command  # "from A to B": read back as said; the action finds B after A
    [(name, matches)] = found.items()
    if len(matches) > 1:
        return None  # found in several places: the action asks which, and that is the check
    return replace(command, args={**command.args, name: matches[0]})  # read back what was found


def _saved_question(state: EditorState, command: Command) -> Outcome:
    """Run the command a question waited on. It was read back from the project file, so a
    hand-edited file may give it arguments its action does not take."""
    try:
        inspect.signature(spec_of(command.action).handler).bind(state, **command.args)
    except TypeError:
        raise VoiceEditError("The question saved in the project is damaged, so I can't do "
                             "it; say cancel to drop it. Nothing changed.") from None
    return run_action(state, command)
