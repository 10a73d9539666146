"""Arguments as said, resolved against the timeline and playhead.

Spoken numbers are 1-based ("clip three"); edits take 0-based indices. Times arrive as
SpokenTime ("the end", "here") and become timeline milliseconds here. A quote that matches
in several places raises `Ambiguous`, so the dialogue asks which; nothing is ever guessed.
"""

from __future__ import annotations

from voiceedit.actions import describe
from voiceedit.actions.state import Ambiguous, EditorState
from voiceedit.errors import VoiceEditError
from voiceedit.spoken_time import print_time
from voiceedit.timeline import edits
from voiceedit.timeline.model import Timeline
from voiceedit.timeline.quote_match import QuoteMatch
from voiceedit.understand.command import Quote, SpokenTime

MAX_CHOICES = 5  # more matches than this: ask for more words rather than read a list


def need_timeline(state: EditorState) -> Timeline:
    if not state.timeline.clips:
        raise VoiceEditError("The timeline is empty; say undo that to bring back what was there.")
    return state.timeline


def timeline_ms(state: EditorState, value: SpokenTime | int) -> int:
    """A spoken time as timeline ms, as said: it may be past the end."""
    if isinstance(value, SpokenTime):
        return value.resolve(state.timeline.duration, state.playhead)
    return value


def resolve_time(state: EditorState, value: SpokenTime | int) -> int:
    """A spoken time as timeline ms; past the end is an error, not silently the end."""
    duration = state.timeline.duration
    time = timeline_ms(state, value)
    if time > duration:
        raise VoiceEditError(
            f"The timeline is only {print_time(duration)} long; {print_time(time)} is past "
            "the end."
        )
    return max(0, time)


def resolve_range(state: EditorState, start: SpokenTime | int,
                  end: SpokenTime | int) -> tuple[int, int]:
    need_timeline(state)
    first, last = resolve_time(state, start), resolve_time(state, end)
    if first == last:
        raise VoiceEditError(f"From {print_time(first)} to {print_time(last)} is no time at all.")
    return min(first, last), max(first, last)  # "from ten to five" means the same range


def clip_index(state: EditorState, number: int) -> int:
    """Spoken clip number (1-based) -> index, or a sentence saying how many clips there are."""
    edits.check_clip(need_timeline(state), number - 1)
    return number - 1


def find_quote(state: EditorState, quote: Quote | QuoteMatch | str, slot: str = "quote",
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
        raise VoiceEditError(f"{describe.quoted(text)} comes up {len(matches)} "
                             "times; say a few more words.")
    raise Ambiguous(slot, matches)


def need_selection(state: EditorState) -> tuple[int, int]:
    if state.selection is None:
        raise VoiceEditError("Nothing is selected. Say select, then a time range or a quote.")
    return state.selection
