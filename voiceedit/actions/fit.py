"""What the project tells the recogniser about what may have been said.

Among the readings Whisper offers, one the project can act on wins: its quotes are words
still on the timeline, its file names name media at hand, its ranges have a length.
"""

from __future__ import annotations

from voiceedit.actions.media import media_at_hand, media_path_named
from voiceedit.actions.registry import ACTIONS, find_action, load_actions
from voiceedit.actions.resolve import timeline_ms
from voiceedit.actions.state import EditorState
from voiceedit.timeline.quotes import QuoteIndex
from voiceedit.timeline.sentence_quote import found_score
from voiceedit.understand.command import Command, Quote, SpokenTime
from voiceedit.understand.grammar import words

# The words each quote of a command takes: parameter -> (first, last) word of each place.
QuotePlaces = dict[str, tuple[tuple[int, int], ...]]


def does_nothing(command: Command) -> bool:
    """A command its action refuses as said, so never what was meant: a range from a time to
    the same time ("keep from one minute to one minute"), a clip swapped with itself ("swap
    clip two and two", heard so in noise for "two and four")."""
    args = command.args
    if command.action == "swap_clips":
        return args.get("first") == args.get("second")
    return "start" in args and args["start"] == args.get("end")


def _quotes(command: Command) -> list[Quote]:
    """The quotes to find in the project (a correction's new words are not there yet)."""
    return list(_quotes_named(command).values())


def _quotes_named(command: Command) -> dict[str, Quote]:
    spec = find_action(command.action)
    skipped = (spec.new_words, spec.media_quote) if spec is not None else ()
    return {name: value for name, value in command.args.items()
            if isinstance(value, Quote) and name not in skipped}


def _said_quotes(command: Command) -> int:
    return sum(isinstance(value, Quote) for value in command.args.values())


def _quotes_media(command: Command) -> bool:
    spec = find_action(command.action)
    return spec is not None and spec.quotes_media


POSITIONS = ("start", "end", "time")  # the arguments actions resolve as places in the edit


def past_the_end(state: EditorState, command: Command) -> bool:
    """A place after the end of the edit ("delete from 21 s to 20:00" in 32 s): the actions
    refuse it (resolve_time), so it is never what was meant."""
    return any(isinstance(value, SpokenTime) and timeline_ms(state, value) > state.timeline.duration
               for name, value in command.args.items() if name in POSITIONS)


def fit(state: EditorState, command: Command) -> float:
    """How well the project can act on the command: 0 when it can't (a quote is nowhere in
    the timeline's words, a file is not beside the project, a range has no length, a time is
    past the end), 1 when it can as said (every quote found word for word, or none), else
    the worst quote's match as a fraction. An answer ("yes", "three") does nothing while no
    question waits."""
    if does_nothing(command) or past_the_end(state, command):
        return 0.0
    quotes = _quotes(command)
    spec = find_action(command.action)
    if spec is not None and spec.answers_question and state.project.pending is None:
        return 0.0
    if spec is not None and spec.free_quotes:
        return 1.0  # any words will do: nothing to find in the project
    if _quotes_media(command):
        return float(all(media_path_named(state, quote.text) for quote in quotes))
    media = command.args.get(spec.media_quote) if spec is not None and spec.media_quote else None
    if isinstance(media, Quote) and media_path_named(state, media.text) is None:
        return 0.0  # "cover <words> with <file>": the file must be at hand
    # A quote found exactly only by taking one word of another sentence is not exact.
    scores = [found_score(state.quotes, q.text, q.said) for q in quotes]
    return min(scores, default=100.0) / 100


def answer_actions() -> frozenset[str]:
    """The actions that answer a question ("yes", "number three", "cancel")."""
    load_actions(plugins=False)
    return frozenset(name for name, spec in ACTIONS.items() if spec.answers_question)


def moot_actions(mode: str) -> frozenset[str]:
    """The actions that lead to the session's mode it is in already ("wake up" while
    awake): they would change nothing, so the grammar search leaves them out and does not
    force noise into them. Said clearly, the free passes still hear them ("I'm listening":
    a person who cannot see the mode may say it to check)."""
    load_actions(plugins=False)
    return frozenset(name for name, spec in ACTIONS.items() if spec.enters == mode)


def idle_actions(state: EditorState) -> frozenset[str]:
    """The actions `fit` gives 0 whatever their words: the answers while no question waits."""
    return frozenset() if state.project.pending is not None else answer_actions()


def places(state: EditorState, command: Command) -> QuotePlaces | None:
    """The words each of the command's quotes takes, as its action finds them: a quote's
    match, the sentence it starts for an action that takes sentences, everything from the
    first quote to the nearest match of the last after it for a range ("delete from A to
    B"); several places when a quote is found in several (the action then asks which).
    Two readings whose quotes take the same words cut the same however differently they
    were heard ("a story worth telling", "restore your work telling"), so the recogniser
    counts them as one meaning. None when there is nothing to compare: no quote of the
    transcript, one found nowhere, or a range whose first quote is found in several places
    (its end is only found once one is chosen). A file's name and a correction's new words
    are left out: the recogniser compares them by their letters."""
    return places_in(state.quotes, command)


def places_in(index: QuoteIndex, command: Command) -> QuotePlaces | None:
    """`places` over a quote index (the benchmark's sample project has no EditorState)."""
    spec = find_action(command.action)
    quotes = _quotes_named(command)
    if not quotes or spec is None or spec.quotes_media or spec.free_quotes:
        return None
    if spec.takes_between:
        return _between(index, quotes["first"], quotes["last"])
    found: QuotePlaces = {}
    for name, quote in quotes.items():
        matches = index.find(quote.text)
        if not matches:
            return None
        found[name] = tuple(
            (m.first, index.words.sentence_end(m.first) if spec.takes_sentence else m.last)
            for m in matches)
    return found


def _between(index: QuoteIndex, first: Quote, last: Quote) -> QuotePlaces | None:
    """A range's words, as actions/editing.py delete_between finds them."""
    starts = index.find(first.text)
    if len(starts) != 1:
        return None
    ends = index.find(last.text, after=starts[0].first)
    if not ends:
        return None
    taken = ((starts[0].first, ends[0].last),)
    return {"first": taken, "last": taken}


def quote_ends_sentence(state: EditorState, command: Command) -> bool:
    """Whether the command's last quote is found in one place and ends where a sentence of
    the timeline ends: then the live loop need not wait to hear whether more is coming."""
    quotes = _quotes(command)
    if not quotes or _quotes_media(command) or len(quotes) < _said_quotes(command):
        return False  # (new words said last may go on)
    found = state.quotes.find(quotes[-1].text)
    return len(found) == 1 and state.quotes.words.ends_sentence(found[0].last)


def phrases(state: EditorState) -> tuple[tuple[str, ...], ...]:
    """What a quote can say, for the recogniser's search within the grammar: the timeline's
    words in order, the name of each media file at hand, and each line of text read on
    screen ("find where the screen says chapter two")."""
    from voiceedit.actions.picture import screen_lines

    timeline = tuple(word for text in state.quotes.words.texts for word in words(text))
    names = tuple(tuple(words(path.stem.replace("_", " ")))
                  for path in sorted(media_at_hand(state)))
    screen = tuple(tuple(words(line)) for line in screen_lines(state))
    return (timeline, *names, *screen)
