"""The conversation's own actions: answers to a question, sleep, wake and stop.

While a question waits, the dialogue answers yes, no, a number and cancel itself; these
handlers are what those words do when nothing was asked. Sleep, wake and stop only answer
here: the dialogue changes the session's mode from what each declares it `enters`.
"""

from __future__ import annotations

from voiceedit.actions.registry import action
from voiceedit.actions.state import EditorState, Outcome
from voiceedit.errors import VoiceEditError
from voiceedit.understand.command import Quote


@action("choose", answers_question=True)
def choose(state: EditorState, choice: int) -> Outcome:
    raise VoiceEditError("There is nothing to choose from.")


@action("confirm", answers_question=True)
def confirm(state: EditorState) -> Outcome:
    raise VoiceEditError("There is nothing to confirm.")


@action("deny", answers_question=True)
def deny(state: EditorState) -> Outcome:
    raise VoiceEditError("There is nothing to say no to.")


@action("cancel", answers_question=True, cancels_question=True)
def cancel(state: EditorState) -> Outcome:
    return Outcome(state, "Nothing to cancel.")


@action("go_to_sleep", enters="asleep", free_quotes=True)
def go_to_sleep(state: EditorState, after: Quote | None = None) -> Outcome:
    """`after`: words said after "go to sleep", swallowed (they were for someone else). The
    session adds how to wake it, which depends on its wake word (Editor)."""
    return Outcome(state, "Going to sleep.")


@action("wake_up", awake_while_asleep=True, enters="awake")
def wake_up(state: EditorState) -> Outcome:
    return Outcome(state, "I'm listening.")


# Heard asleep too (exactly, as the wake phrase is): a person who put the session to sleep
# may end it without waking it first. Beside Dragon, whose own phrase this is, a wake prefix
# ("editor, stop listening") keeps Dragon's from ending it (README, "Beside Talon or Dragon").
@action("stop_listening", awake_while_asleep=True, enters="stopped", certain=True)
def stop_listening(state: EditorState) -> Outcome:
    return Outcome(state, "Stopped listening. Everything is saved.")
