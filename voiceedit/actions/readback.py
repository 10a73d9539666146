"""Readback: where we are, the timeline, the selection, the transcript, the last change,
the last answer again; how much answers say; help from the grammar files themselves.

The same readback twice in a row gives the full detail (OSARA's practice).
"""

from __future__ import annotations

from voiceedit.actions import describe
from voiceedit.actions.registry import action
from voiceedit.actions.state import EditorState, Outcome
from voiceedit.errors import VoiceEditError
from voiceedit.project import verbosity_levels
from voiceedit.understand.command import Quote
from voiceedit.understand.examples import action_examples, search_answer
from voiceedit.understand.grammar import load_grammar

HELP_EXAMPLES = 8  # example commands said for a topic; asked twice, all of them


def asked_twice(state: EditorState, name: str) -> bool:
    return state.project.last_action == name or state.verbosity == "detailed"


@action("describe_position", keeps_question=True)
def describe_position(state: EditorState) -> Outcome:
    return Outcome(state, describe.position(state, asked_twice(state, "describe_position")))


@action("read_timeline")
def read_timeline(state: EditorState) -> Outcome:
    return Outcome(state, describe.timeline(state, asked_twice(state, "read_timeline")))


@action("read_selection", keeps_question=True)
def read_selection(state: EditorState) -> Outcome:
    return Outcome(state, describe.selection(state, asked_twice(state, "read_selection")))


@action("read_transcript")
def read_transcript(state: EditorState) -> Outcome:
    return Outcome(state, describe.transcript(state, asked_twice(state, "read_transcript")))


@action("describe_last")
def describe_last(state: EditorState) -> Outcome:
    return Outcome(state, describe.last_change(state, asked_twice(state, "describe_last")))


@action("repeat_last_answer", keeps_question=True)
def repeat_last_answer(state: EditorState) -> Outcome:
    return Outcome(state, state.project.last_answer or "I haven't said anything yet.")


@action("set_verbosity")
def set_verbosity(state: EditorState, level: str) -> Outcome:
    """`level` is a value of grammars' levels list, or anything said for one there."""
    said = level.strip().lower()
    levels = verbosity_levels()
    spoken = {entry.spoken.lower(): entry.value
              for entry in load_grammar().word_list("levels").entries}
    chosen = said if said in levels else spoken.get(said)
    if chosen is None:
        raise VoiceEditError(f"Say {', '.join(levels[:-1])} or {levels[-1]}.")
    return Outcome(state.with_project(verbosity=chosen), f"Answers are now {chosen}.")


@action("help", keeps_question=True)
def help_(state: EditorState, topic: str | None = None) -> Outcome:
    grammar = load_grammar()
    if topic is None:
        topics = "; ".join(f"{t.names[0] if t.names else t.name}, {t.about}"
                           for t in grammar.topics)
        return Outcome(state, f"Say help with, then a topic: {topics}.")
    wanted = topic.strip().lower()
    found = next((t for t in grammar.topics if wanted == t.name or wanted in t.names), None)
    if found is None:
        raise VoiceEditError(f"I have no help about {topic}. Say help for the topics.")
    said = list(action_examples(grammar, found.name).values())
    if not asked_twice(state, "help"):
        said = said[:HELP_EXAMPLES]
    return Outcome(state, f"{describe.capitalize(found.about)}. Say: {'; '.join(said)}.")


@action("help_search", keeps_question=True, free_quotes=True)
def help_search(state: EditorState, words: Quote) -> Outcome:
    return Outcome(state, search_answer(load_grammar(), words.text))
