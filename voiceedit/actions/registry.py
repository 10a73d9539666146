"""The action registry: every grammar action's handler, and what the dialogue must know
about it.

A grammar rule's right-hand side names an action (`delete_range(start, end)`); the family
module that does it registers it with `@action("delete_range", destructive=True)`. The
facts declared there are what the dialogue reads: whether it removes material (read back
when heard unsure), whether it leaves a waiting question in place, whether it is heard
while asleep. Plugins register through the same path: any installed package with a
`voiceedit.actions` entry point.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from voiceedit.actions.state import Outcome
from voiceedit.errors import VoiceEditError

Handler = Callable[..., Outcome]

# The family modules, one a line; imported the first time an action is looked up.
FAMILIES: list[str] = [
    "voiceedit.actions.editing",
    "voiceedit.actions.cleanup",
    "voiceedit.actions.media",
    "voiceedit.actions.navigation",
    "voiceedit.actions.readback",
    "voiceedit.actions.history",
    "voiceedit.actions.conversation",
    "voiceedit.actions.playback",
    "voiceedit.actions.output",
    "voiceedit.actions.corrections",
    "voiceedit.actions.settings",
    "voiceedit.actions.finishing",
    "voiceedit.actions.cutaways",
    "voiceedit.actions.burned_captions",
    "voiceedit.actions.picture",
    "voiceedit.actions.markers",
    "voiceedit.actions.speakers",
    "voiceedit.actions.library",
]


@dataclass(frozen=True)
class ActionSpec:
    name: str
    handler: Handler
    destructive: bool = False  # removes material: read back when not heard clearly
    keeps_question: bool = False  # a readback that leaves a waiting question in place
    answers_question: bool = False  # yes, no, a number, cancel
    cancels_question: bool = False  # while a question waits, cancels it instead (undo)
    awake_while_asleep: bool = False  # heard while the session sleeps
    quotes_media: bool = False  # its quotes name media files, not words of the transcript
    media_quote: str = ""  # the one parameter whose quote names a media file (the others don't)
    new_words: str = ""  # the parameter whose quote is new text, not words of the transcript
    free_quotes: bool = False  # its quotes are any words (help search, what sleep swallows)
    takes_sentence: bool = False  # its quote names the sentence it starts, which it takes
    takes_between: bool = False  # it takes all from its quote `first` to the nearest `last`
    slow: bool = False  # long work (seconds to minutes): done without holding the project
    enters: str = ""  # the session mode it leads to: "asleep", "awake" or "stopped"
    # Read back, as a cut is, when not heard with certainty: it removes nothing but stops the
    # person's work (ending the session). hear/recognizer_options.py lists the same actions.
    certain: bool = False
    urgent: bool = False  # done the moment it is heard, as said (stopping playback)

    @property
    def never_asked(self) -> bool:
        """Done, not asked about, when the speech may also have meant another command: an
        answer (it answers the question waiting), a readback (a wrong one costs a sentence,
        and it keeps the question waiting), a change of mode, an urgent action.
        hear/recognizer_options.py lists the same actions."""
        return (self.answers_question or self.cancels_question or self.keeps_question
                or bool(self.enters) or self.urgent)


ACTIONS: dict[str, ActionSpec] = {}


def action(name: str, *, destructive: bool = False, keeps_question: bool = False,
           answers_question: bool = False, cancels_question: bool = False,
           awake_while_asleep: bool = False,
           quotes_media: bool = False, media_quote: str = "", enters: str = "",
           new_words: str = "", slow: bool = False, free_quotes: bool = False,
           takes_sentence: bool = False, takes_between: bool = False,
           certain: bool = False, urgent: bool = False) -> Callable[[Handler], Handler]:
    """Register the decorated function as the action called `name` in the grammar."""

    def register(handler: Handler) -> Handler:
        known = ACTIONS.get(name)
        if known is not None and known.handler is not handler:
            raise ValueError(f"two handlers for the action {name}")
        ACTIONS[name] = ActionSpec(
            name, handler, destructive=destructive, keeps_question=keeps_question,
            answers_question=answers_question, cancels_question=cancels_question,
            awake_while_asleep=awake_while_asleep, quotes_media=quotes_media,
            media_quote=media_quote, enters=enters, new_words=new_words, slow=slow,
            free_quotes=free_quotes, takes_sentence=takes_sentence,
            takes_between=takes_between, certain=certain, urgent=urgent)
        return handler

    return register


_loaded: set[str] = set()  # "built-in", "plugins": what has been imported


def load_actions(plugins: bool = True) -> None:
    """Import every family module, and the plugins' (once each). Plugins are looked for
    only when asked: scanning the installed packages costs a typed command about 20 ms."""
    if "built-in" not in _loaded:
        for name in FAMILIES:
            importlib.import_module(name)
        _loaded.add("built-in")
    if plugins and "plugins" not in _loaded:
        from importlib.metadata import entry_points

        for entry in entry_points(group="voiceedit.actions"):
            entry.load()
        _loaded.add("plugins")


def find_action(name: str) -> ActionSpec | None:
    if name not in ACTIONS:
        load_actions(plugins=False)
    if name not in ACTIONS:
        load_actions()
    return ACTIONS.get(name)


def spec_of(name: str) -> ActionSpec:
    """The action called `name`, or a sentence saying this version can't do it."""
    found = find_action(name)
    if found is None:
        raise VoiceEditError(
            f"I understood {name.replace('_', ' ')}, but this version can't do it yet."
        )
    return found
