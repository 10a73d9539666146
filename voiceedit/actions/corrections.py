"""Correcting the transcript: "correct Sam to Pam", "spell that P A M", "spell that".

A correction changes the words, never the media or the cuts: it is kept in the project as
data (timeline/corrections.py) and recorded in the one undo history, so "undo that" takes
it back like any edit. Every later quote, search, readback, caption and export reads the
corrected words (EditorState.words, Project.transcript_of).

New words keep what the person wrote ("iPhone", "O'Brien"); words said in lower case take
the capital of the word they replace ("correct Sam to pam" gives "Pam"), and the replaced
words' closing punctuation stays, so a sentence still ends where it did.
"""

from __future__ import annotations

from voiceedit.actions import describe
from voiceedit.actions.registry import action
from voiceedit.actions.resolve import find_quote, need_timeline
from voiceedit.actions.state import Ambiguous, EditorState, Outcome
from voiceedit.errors import VoiceEditError
from voiceedit.timeline.corrections import Correction
from voiceedit.timeline.quote_match import QuoteMatch
from voiceedit.understand.command import Quote, said_text
from voiceedit.understand.rules import words as spoken_words
from voiceedit.understand.said import said_as

CLOSING = ".,;:!?"  # punctuation a replaced word ends with, kept on the new words
MAX_NEW_WORDS = 30
EXACT = 100.0  # a quote match's score when every word was found as said
NATO = {
    "alfa": "a", "alpha": "a", "bravo": "b", "charlie": "c", "delta": "d", "echo": "e",
    "foxtrot": "f", "golf": "g", "hotel": "h", "india": "i", "juliett": "j", "juliet": "j",
    "kilo": "k", "lima": "l", "mike": "m", "november": "n", "oscar": "o", "papa": "p",
    "quebec": "q", "romeo": "r", "sierra": "s", "tango": "t", "uniform": "u", "victor": "v",
    "whiskey": "w", "whisky": "w", "xray": "x", "yankee": "y", "zulu": "z",
}
SAID_AS = {"apostrophe": "'", "hyphen": "-", "dash": "-"}  # said between the letters
SAY_CHARACTER = {"'": "apostrophe", "-": "hyphen", ".": "dot"}


@action("correct", new_words="words")
def correct(state: EditorState, quote: Quote | QuoteMatch | str, words: Quote | str,
            by: str = "to", chosen: QuoteMatch | None = None, exactly: bool = False) -> Outcome:
    """The quoted words of the transcript become `words`. `by`: the words said between the
    two (the rule's); `chosen`: the place picked when the quote was found in several;
    `exactly`: the words as typed in the browser's field, case and punctuation as they are
    ("ask" for "Ask", "window!"), where a voice's are fitted to the old words."""
    old, new = split_said(state, quote, words, by)
    if not new.split():
        raise VoiceEditError("Say the new words after the old ones, as in correct Sam to "
                             "Pam; nothing changed.")
    match = chosen or _found(state, old)
    return correct_words(state, match.first, match.last, new, keep_case=exactly,
                         keep_marks=exactly)


def split_said(state: EditorState, quote: Quote | QuoteMatch | str, words: Quote | str,
               by: str) -> tuple[Quote | QuoteMatch | str, str]:
    """The old words and the new as meant. The matcher splits "correct want to to wish to"
    at the first "to"; when the transcript says "want to" word for word, the longest old
    words it says are what was meant ('want to' -> 'wish to')."""
    said = _written(words)
    if isinstance(quote, QuoteMatch):
        return quote, said
    first = quote.text if isinstance(quote, Quote) else " ".join(spoken_words(quote))
    tokens, joiner = spoken_words(said), spoken_words(by)
    best: tuple[Quote | QuoteMatch | str, str] = (quote, said)
    for k in range(len(tokens) - len(joiner)):
        if tokens[k:k + len(joiner)] != joiner:
            continue
        longer = " ".join([first, *joiner, *tokens[:k]])
        if any(m.score >= EXACT for m in state.quotes.find(longer)):
            rest = tokens[k + len(joiner):]
            best = (longer, said_as(said, rest) or " ".join(rest))
    return best


def _found(state: EditorState, quote: Quote | QuoteMatch | str) -> QuoteMatch:
    """The one place the quote is; of several, the one the playhead is in (where the
    browser's cursor is, or "go to" went), else the dialogue asks which."""
    try:
        return find_quote(state, quote, slot="chosen")
    except Ambiguous as question:
        words, at = state.words, state.playhead
        here = [m for m in question.matches
                if words.starts[m.first] <= at < words.ends[m.last]]
        if len(here) == 1:
            return here[0]
        raise


@action("spell", new_words="letters")
def spell(state: EditorState, letters: Quote | str) -> Outcome:
    """The current word (after a correction, the corrected one) spelled letter by letter."""
    index = _current_word(state)
    word = spelled(said_text(letters))
    if not word:
        raise VoiceEditError("Say the letters one by one after spell that; nothing changed.")
    return correct_words(state, index, index, _in_case_of(word, state.words.texts[index]),
                         keep_case=True)


@action("spell_out")
def spell_out(state: EditorState) -> Outcome:
    """"'Pam' is spelled P, A, M." for the current word."""
    text = state.words.texts[_current_word(state)]
    return Outcome(state, f"{describe.quoted(text)} is spelled {say_letters(text)}.")


def correct_words(state: EditorState, first: int, last: int, new: str,
                  keep_case: bool = False, keep_marks: bool = False) -> Outcome:
    """Timeline words first..last become `new`, as one undoable step. `keep_case`,
    `keep_marks`: take the new words' case and punctuation as they are (see _fitted)."""
    words = state.words
    old = words.texts[first:last + 1]
    source = words.sources[words.clips[first]]
    begin = words.source_index[first]
    one_stretch = all(words.sources[words.clips[i]] == source
                      and words.source_index[i] == begin + i - first
                      for i in range(first, last + 1))
    if not one_stretch:
        raise VoiceEditError("Those words come from different places in the footage; "
                             "correct them one stretch at a time. Nothing changed.")
    text = new.strip() if keep_marks else _fitted(new, old, keep_case)
    if len(set(words.speakers[first:last + 1])) > 1 and len(text.split()) != len(old):
        # Word for word, each new word keeps its speaker; else whose would they be?
        raise VoiceEditError("Those words are said by different speakers; correct each "
                             "speaker's words on their own. Nothing changed.")
    if len(text.split()) > MAX_NEW_WORDS:
        raise VoiceEditError(f"That is more than {MAX_NEW_WORDS} words for one correction; "
                             "nothing changed.")
    if text.split() == old:
        raise VoiceEditError(f"It already says {describe.quoted(text)}; nothing changed.")
    correction = Correction(source, begin, last - first + 1, text)
    what = f"Corrected {describe.quoted(' '.join(old))} to {describe.quoted(text)}"
    project = state.project
    history = project.history.record_correction(correction, describe.history_entry(what))
    new_state = state.with_project(corrections=project.corrections + (correction,),
                                   history=history, pending=None,
                                   playhead=words.starts[first])
    return Outcome(new_state, f"{what}.", changed=True)


def _current_word(state: EditorState) -> int:
    need_timeline(state)
    index = state.words.index_at(state.playhead)
    if index is None:
        raise VoiceEditError("There is no word at the playhead to spell; go to a word first.")
    return index


def _written(words: Quote | str) -> str:
    """New words as written (typed, or as Whisper wrote them), else as the matcher has them."""
    if isinstance(words, Quote):
        return words.said or words.text
    return str(words).strip()


def _fitted(new: str, old: list[str], keep_case: bool) -> str:
    """The new words with the old words' capital (when said in lower case) and closing
    punctuation (when they have none of their own)."""
    if not keep_case and new == new.lower() and old[0][:1].isupper():
        new = new[:1].upper() + new[1:]
    closing = old[-1][len(old[-1].rstrip(CLOSING)):]
    if closing and not new.endswith(tuple(CLOSING)):
        new += closing
    return new


def _in_case_of(word: str, old: str) -> str:
    """Spelled letters in the case the old word had: "PAM" for "SAM", "Pam" for "Sam"."""
    letters = old.rstrip(CLOSING)
    if len(letters) > 1 and letters.isupper():
        return word.upper()
    if letters[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def spelled(letters: str) -> str:
    """The word the letters spell: single letters or digits ("p a m"), NATO words ("papa
    alpha mike"), "apostrophe" and "hyphen" between them; a longer word counts as itself
    ("spell it Pam"), and so does one word alone ("spell it Mike" is Mike, not M), kept as
    written; letters come back in lower case."""
    if len(letters.split()) == 1:
        return letters.strip()
    tokens = letters.lower().replace("x ray", "xray").split()
    return "".join(NATO.get(token) or SAID_AS.get(token) or token for token in tokens)


def say_letters(text: str) -> str:
    """ "P, A, M": each letter as a screen reader says it, one by one."""
    shown = text.strip(CLOSING + "\"()")
    return ", ".join(SAY_CHARACTER.get(c, c.upper()) for c in shown if not c.isspace())
