"""The project's own rare words, for the command recogniser's prompt: names are then heard
when quoted ("delete the words Siobhan said").

Whisper writes a word it was prompted with as the prompt spells it, and tiny.en cannot know
the names in someone's footage. A name is found the way a reader would: Whisper writes
names capitalised, so a word written capitalised where a sentence does not begin, and never
in lower case anywhere in the transcript, is taken as a name ("I" and the command words
aside). Sentence starts don't count, since every first word is capitalised there. The names
said most often go first; the prompt has room for MAX_NAMES.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

MAX_NAMES = 24  # about 60 tokens: the vocabulary prompt keeps room within Whisper's 224
SENTENCE_END = re.compile(r"[.!?…]['\")\]]*$")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
NOT_NAMES = frozenset({"i", "im", "ill", "ive", "id", "ok", "okay", "tv", "mr", "mrs", "ms", "dr"})


def rare_words(
    texts: Iterable[str], known: Iterable[str] = (), limit: int = MAX_NAMES
) -> list[str]:
    """The names in a transcript's words (as Whisper wrote them, one a string, punctuation
    attached), most often said first, then in order of appearance; `known` words (the
    grammar's vocabulary, lower case) are never names."""
    capitalised: Counter[str] = Counter()
    lower: set[str] = set()
    starts_sentence = True
    for text in texts:
        for found in _WORD.finditer(text):
            word = _POSSESSIVE.sub("", found.group()).strip("'’-")
            if not word:
                continue
            if word[0].isupper() and not starts_sentence:
                capitalised[word] += 1
            elif word[0].islower():
                lower.add(word.lower())
            starts_sentence = False
        starts_sentence = not text.strip() or bool(SENTENCE_END.search(text.strip()))
    skip = lower | set(known) | NOT_NAMES
    names = [word for word in capitalised if _plain(word) not in skip]
    return sorted(names, key=lambda word: -capitalised[word])[:limit]


def _plain(word: str) -> str:
    return re.sub(r"['’-]", "", word.lower())


def own_names(names: Sequence[str]) -> list[str]:
    """The names to prompt with: each once, at most MAX_NAMES."""
    return list(dict.fromkeys(name.strip() for name in names if name.strip()))[:MAX_NAMES]


def with_names(prompt: str, names: Sequence[str]) -> str:
    """The prompt with the names after it, as one more sentence ("Siobhan, Dervla."): the
    end of a prompt is what Whisper reads last, and a long prompt loses its start first."""
    kept = own_names(names)
    return f"{prompt} {', '.join(kept)}.".strip() if kept else prompt
