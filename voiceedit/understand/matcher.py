"""Text -> Command: match what was heard against the grammar, forgivingly, with a confidence.

Design. The grammar's rules are walked directly over the heard words (walker.py steps
through them, matching.py explains the words), backtracking through alternatives and slot
spans, so every rule is its own parser and nothing is generated ahead of time. Two passes:

1. Exact: grammar words must be heard as written; numbers may be sound-alikes ("clip free").
   A parse that explains every word with grammar words and typed slots is taken at once.
2. Forgiving: a grammar word may also be heard as a word that is spelled or sounds alike
   (rapidfuzz ratio on the letters and on a metaphone code: "expert" -> export, "failures"
   -> fillers, "but" -> put), as two words run together ("and do" -> undo), as another
   short function word ("the start on clip two"), or as a known mishearing from
   lists/misheard.list ("let's plug" -> split).

Each parse is scored by how well its words are explained (a grammar word 1.0, a repaired one
its similarity, a quoted free word QUOTE_QUALITY, so "delete the selection" beats
delete_quote("the selection")); the best parse wins. Its confidence is the product of the
repairs' similarities: 1.0 when nothing was repaired.

Safety: a destructive command that needed any repair, or whose quote looks like a misheard
command rather than transcript words ("delete the lead"), comes back with a confidence below
CONFIRM_BELOW, so the session reads a typed one back and waits for "yes". A spoken one may
be done when every reading Whisper offered agrees on what it cuts and only a word of the
command itself was repaired (hear/doubt.py); one whose numbers, quote or dropped sentence
were repaired is capped lower still (REPAIRED_MEANING) and always read back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from rapidfuzz import fuzz, process

from voiceedit.errors import VoiceEditError
from voiceedit.understand.command import Command
from voiceedit.understand.examples import sentences
from voiceedit.understand.forms import EXAMPLE_VALUES, example, example_value, expand
from voiceedit.understand.grammar import load_grammar, vocabulary
from voiceedit.understand.matching import (
    CONFIRM_BELOW,
    FUNCTION_WORDS,
    REPAIRED_DESTRUCTIVE,
    MatchingGrammar,
    Parse,
    at_edge,
)
from voiceedit.understand.negative import NEGATIVE_TIME, says_negative_time
from voiceedit.understand.own_words import own_names, rare_words, with_names
from voiceedit.understand.rules import Grammar, words
from voiceedit.understand.user_grammar import VOCABULARY_LIST

__all__ = [
    "ACCEPT_FROM", "CONFIRM_BELOW", "REPAIRED_DESTRUCTIVE", "NotUnderstood", "hotwords",
    "understand", "vocabulary_prompt",
]  # fmt: skip

ACCEPT_FROM = 0.55  # below this nothing is done: "not understood", with suggestions
SUGGEST_FROM = 50  # rapidfuzz ratio (0..100) a rule's form needs to be suggested
UNFINISHED_FROM = 2  # words said that a rule's words go on from: suggested first
MAX_WORDS = 40  # longer text is not a command

_EXAMPLE_TEXTS = [text for values in EXAMPLE_VALUES.values() for text in values.values()]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Titles and the like whose full stop ends no sentence: "correct Sam to Dr. Pam Smith".
# ("ms" is left out: "Go to 500 ms." is milliseconds far more often than a title.)
_ABBREVIATIONS = frozenset({"dr", "mr", "mrs", "mx", "prof", "st", "jr", "sr", "mt", "vs",
                            "etc"})


class NotUnderstood(VoiceEditError):
    """Nothing in the grammar matched well enough; `.suggestions` are the closest spoken forms."""

    def __init__(self, message: str, suggestions: list[str], heard: str = "") -> None:
        super().__init__(message)
        self.suggestions = suggestions
        self.heard = heard  # the words not understood, when the message names them

    def keeping(self, keep: Callable[[str], bool]) -> NotUnderstood:
        """The same, suggesting only what `keep` allows: no "yes" while nothing is asked."""
        if not self.heard:
            return self
        return _not_understood(self.heard, [s for s in self.suggestions if keep(s)])


def _not_understood(heard: str, suggestions: list[str]) -> NotUnderstood:
    hint = f' Did you mean "{suggestions[0]}"?' if suggestions else ""
    return NotUnderstood(f'Not understood: "{heard}".{hint}', suggestions, heard)


def understand(text: str) -> Command:
    """The command the text says, with a confidence in 0..1; NotUnderstood if none fits,
    or if it says a time below zero (one sentence, rather than a search for "minus five")."""
    language = _language()
    if says_negative_time(text, language.understand):
        raise NotUnderstood(NEGATIVE_TIME, [])
    return language.understand(text)


def vocabulary_prompt(max_words: int = 150, names: Sequence[str] = ()) -> str:
    """An initial_prompt for Whisper made of the grammar's own commands, one example each,
    shortest first ("Undo that. Delete clip two. ..."), the person's own phrasings first;
    then the words they listed in lists/vocabulary.list and `names` (the project's, see
    own_words.py), so those are spelled as written. The default length keeps it under
    Whisper's prompt limit (docs/design.md)."""
    language = _language()
    listed = [entry.spoken for entry in language.grammar.word_list(VOCABULARY_LIST).entries]
    kept = own_names([*listed, *names])
    # A name is two or three tokens: the longest commands make room, not the first ones.
    room = max_words - sum(2 * len(name.split()) for name in kept)
    return with_names(language.prompt(room), kept)


def hotwords(max_words: int = 60) -> str:
    """The words that make the commands ("undo delete fillers export edl ..."), in the
    prompt's order, without example values or common function words: for faster-whisper's
    `hotwords`."""
    return " ".join(_language().carriers[:max_words])


_prepared: list[_Language] = []  # the last grammar prepared: the same one nearly always


def _language() -> _Language:
    """The grammar heard with now, prepared once: a person's own files (`--grammar-dir`,
    another config folder in a test) give another grammar, and it is prepared anew."""
    grammar = load_grammar()
    if not _prepared or _prepared[0].grammar is not grammar:
        _prepared[:] = [_Language(grammar)]
    return _prepared[0]


def _sentences(text: str) -> list[str]:
    """The text's sentences, a title's full stop ("Dr.") not taken for an end."""
    sentences: list[str] = []
    for piece in _SENTENCE_END.split(text.strip()):
        last = sentences[-1].rsplit(None, 1)[-1].rstrip(".").lower() if sentences else ""
        if last in _ABBREVIATIONS:
            sentences[-1] += " " + piece
        else:
            sentences.append(piece)
    return sentences


class _Language(MatchingGrammar):
    """The grammar prepared for matching, suggesting and prompting: compiled once."""

    def __init__(self, grammar: Grammar) -> None:
        super().__init__(grammar)
        self.ignored = [entry.words for entry in grammar.word_list("ignored").entries]
        self.examples = [example(rule, grammar) for rule in self.rules]  # for the prompt
        # Suggested as help says them (examples.py): "set the speech rate to three hundred".
        self.suggested = [sentences(rule, grammar)[0] for rule in self.rules]
        self.forms = [
            (_fill(form, grammar), index)
            for index, rule in enumerate(self.rules)
            for form in expand(rule.pattern, limit=24)
        ]
        self.form_texts = [form for form, _ in self.forms]
        self.carriers = _carriers(self.prompt(max_words=10_000))

    def understand(self, text: str) -> Command:
        tokens = words(text)
        if not tokens:
            raise NotUnderstood("I heard nothing to do.", [])
        if len(tokens) > MAX_WORDS:
            raise NotUnderstood("That is too long for a command.", self.suggest(tokens))
        variants = self._variants(text, tokens)
        best = self._best(variants, fuzzy=False)
        if best is None or best.score < 1.0 or best.repaired:
            best = self._best(variants, fuzzy=True) or best
        if best is None or best.confidence < ACCEPT_FROM:
            raise _not_understood(" ".join(tokens), self.suggest(tokens, best))
        return best.command(text.strip())

    def _variants(self, text: str, tokens: list[str]) -> list[tuple[list[str], bool]]:
        """The words to match, and whether a sentence was dropped: the whole text, its first
        sentences (Whisper sometimes adds one it imagined: "Undo that. Thank you."), and each
        without ignored words around it ("please", "okay")."""
        sentences = _sentences(text)
        whole = [(tokens, False)]
        firsts = [(words(" ".join(sentences[:count])), True) for count in range(1, len(sentences))]
        variants: list[tuple[list[str], bool]] = []
        for heard, dropped in whole + [first for first in firsts if first[0]]:
            for stripped in self._stripped(heard):
                if (stripped, dropped) not in variants:
                    variants.append((stripped, dropped))
        return variants

    def _stripped(self, tokens: list[str]) -> list[list[str]]:
        """The words, and the words without ignored ones at either end, one at a time."""
        found = [tokens]
        stripped = list(tokens)
        for strip_end in (False, True):
            while True:
                edge = next((w for w in self.ignored if at_edge(stripped, w, strip_end)), None)
                if not edge or len(edge) >= len(stripped):
                    break
                stripped = stripped[: -len(edge)] if strip_end else stripped[len(edge) :]
                found.append(list(stripped))
        return found

    def _best(self, variants: list[tuple[list[str], bool]], fuzzy: bool) -> Parse | None:
        parses = [
            parse for tokens, dropped in variants for parse in self.parses(tokens, fuzzy, dropped)
        ]
        return max(parses, key=Parse.rank, default=None)

    def _unfinished(self, tokens: list[str]) -> list[str]:
        """The example of the first rule whose words begin with all of these, two at least
        (one word, "delete", begins too many rules to say which)."""
        if len(tokens) < UNFINISHED_FROM:
            return []
        said = " ".join(tokens) + " "
        return next(([self.suggested[index]] for form, index in self.forms
                     if form.startswith(said)), [])

    def suggest(self, tokens: list[str], near: Parse | None = None, limit: int = 3) -> list[str]:
        """The closest rules' example forms, the nearest parse first. A form scores by its
        letters (rapidfuzz ratio: "expert" ~ "export edl") or by sharing all the heard words
        (token set ratio: "shorten the pauses" is in "shorten the pauses longer than ...").
        Words that stop where a rule goes on ("help search", said and then a pause too long)
        are answered with that rule first: "help search cut", not "help"."""
        found = self._unfinished(tokens)
        if near and self.suggested[near.order] not in found:
            found.append(self.suggested[near.order])
        heard = [" ".join(tokens)]
        import numpy as np  # only for what was not understood

        spelling = process.cdist(heard, self.form_texts, scorer=fuzz.ratio)[0]
        shared = process.cdist(heard, self.form_texts, scorer=fuzz.token_set_ratio)[0]
        scores = np.maximum(spelling, shared * 0.95)
        for position in np.argsort(-scores, kind="stable"):
            if scores[position] < SUGGEST_FROM or len(found) >= limit:
                break
            suggestion = self.suggested[self.forms[position][1]]
            if suggestion not in found:
                found.append(suggestion)
        return found[:limit]

    def prompt(self, max_words: int) -> str:
        """The first example of each action, shortest first so that as many actions as fit
        in max_words are named; the topics marked `prompt: later` only fill the room the
        others leave, so adding a family of commands does not push the everyday ones out of
        what Whisper is told to expect. Rules with free words are left out: their example
        words would leak into what Whisper hears."""
        later = {topic.name for topic in self.grammar.topics if topic.prompt_later}
        first: dict[str, tuple[bool, str]] = {}
        for rule, text in zip(self.rules, self.examples, strict=True):
            if "quote" not in rule.spoken:
                first.setdefault(rule.action, (rule.topic in later, text))
        # A person's own phrasings come first, quotes left out of the example ("snip").
        own = [_without_quotes(text) for rule, text in zip(self.rules, self.examples,
                                                            strict=True) if rule.own]
        ranked = [text for _, text in sorted(first.values(),
                                             key=lambda pair: (pair[0], _length(pair[1])))]
        chosen = dict.fromkeys([*filter(None, own), *ranked])
        sentences, count = [], 0
        for text in chosen:
            count += len(text.split())
            if count > max_words:
                break
            sentences.append(text[0].upper() + text[1:] + ".")
        return " ".join(sentences)


def _length(text: str) -> int:
    return len(text.split())


def _without_quotes(text: str) -> str:
    """An example without the words it puts in quotes: they would leak into what is heard."""
    for value in EXAMPLE_VALUES["quote"].values():
        text = text.replace(value, " ")
    return " ".join(text.split())


def _fill(form: str, grammar: Grammar) -> str:
    """A form with its `<slots>` replaced by example values, for comparing with heard text."""
    return " ".join(
        example_value(word[1:-1], "", grammar) if word.startswith("<") else word
        for word in form.split()
    )


def _carriers(prompt: str) -> list[str]:
    """The prompt's words of three letters or more, each once, without example values and
    common function words: the words that make a command."""
    values = {word for text in _EXAMPLE_TEXTS for word in text.split()}
    found = [word.strip(".").lower() for word in prompt.split()]
    skip = values | FUNCTION_WORDS
    return list(dict.fromkeys(w for w in found if len(w) >= 3 and w not in skip))


def command_prompt(transcript: Iterable[str] = ()) -> str:
    """The prompt for `RecognizerOptions.prompt`: the grammar's commands (the person's own
    phrasings and listed words included), then the names in the open project's transcript
    (its words as written), so a quoted name is written as the project spells it."""
    names = rare_words(transcript, known=vocabulary(load_grammar()))
    return vocabulary_prompt(names=names)
