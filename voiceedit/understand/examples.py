"""Help in plain words: each rule said as one or two example sentences, and "help search".

Why plain words: a screen reader reads grammar notation (`[ ] ( | ) { } < >`) symbol by
symbol, and a person hears "left bracket from right bracket" instead of a command. So help
says sentences ("delete from ten seconds to twenty seconds"), built from the rule itself
so they never drift from the grammar: the first sentence takes each alternative's first
option and leaves optional words out (keeping "the", "from", "at", so it reads as a
sentence); the second takes each alternative's second option and says the optional words,
showing what else may be said. Slots are filled with examples: a time "ten seconds", a
quote "your words" (a name "Pam"), a list slot an entry of its list. tests/test_help.py
checks that every sentence help says is understood as its own rule's action.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from voiceedit.understand.forms import ACTION_VALUES, EXAMPLE_VALUES, GLUE_WORDS, collect_words
from voiceedit.understand.rules import Choice, Element, Grammar, Rule, Slot, Word, words

# A quote, by the parameter it fills: what a person would quote from their transcript.
# `after` is what follows "go to sleep": words for someone else, which sleep swallows.
# forms.ACTION_VALUES comes first: a name, a file, new words.
QUOTE_VALUES = {"": "your words", "last": "other words", "after": "and whatever follows"}
SEARCH_FROM = 80  # rapidfuzz ratio (0..100) a heard word needs to match a command's word
SEARCH_SHOWN = 5  # commands said for one search


def sentences(rule: Rule, grammar: Grammar, prefer: tuple[str, ...] = ()) -> list[str]:
    """One or two plain example sentences for the rule: the plainest, and one with the
    other words it takes (left out when it is the same). A list slot says an entry with a
    word of `prefer` if it has one ("export as an srt" for a search for srt)."""
    plain = _form(rule.pattern, last=False, optional=False)
    if len([element for element in plain if isinstance(element, Word)]) < 2 and not any(
        isinstance(element, Slot) for element in plain
    ):
        plain = _form(rule.pattern, last=False, optional=True)  # "undo that", not "undo"
    fuller = _form(rule.pattern, last=True, optional=True)
    said = [_say(plain, rule, grammar, False, prefer), _say(fuller, rule, grammar, True, prefer)]
    return list(dict.fromkeys(said))


def action_examples(grammar: Grammar, topic: str | None = None) -> dict[str, str]:
    """The first sentence of each action's first rule (of one topic, or all), in the files'
    order: what spoken help says, one command each."""
    found: dict[str, str] = {}
    for rule in grammar.rules:
        if (topic is None or rule.topic == topic) and rule.action not in found:
            found[rule.action] = sentences(rule, grammar)[0]
    return found


def _form(pattern: tuple[Element, ...], last: bool, optional: bool) -> list[Word | Slot]:
    form: list[Word | Slot] = []
    for element in pattern:
        if isinstance(element, Choice):
            options = [option for option in element.options if option]
            chosen = options[min(1, len(options) - 1)] if last else options[0]
            glue = len(chosen) == 1 and isinstance(chosen[0], Word) and chosen[0].text in GLUE_WORDS
            if () in element.options and not (optional or glue):
                continue
            form.extend(_form(chosen, last, optional))
        else:
            form.append(element)
    return form


def _say(
    form: list[Word | Slot], rule: Rule, grammar: Grammar, last: bool, prefer: tuple[str, ...]
) -> str:
    params = iter(rule.params)
    out: list[str] = []
    for element in form:
        if isinstance(element, Word):
            if not (out and out[-1] == element.shown):  # "delete [the | all] [the] ..."
                out.append(element.shown)
        else:
            param = next(params, "")
            out.append(ACTION_VALUES.get((rule.action, param))
                       or _value(element.kind, param, grammar, last, prefer))
    for index, word in enumerate(out[:-1]):  # "[an | a] <format>": not "a edit decision list"
        if word in ("a", "an"):
            out[index] = "an" if _vowel_sound(out[index + 1]) else "a"
    return " ".join(out)


def _vowel_sound(word: str) -> bool:
    """Whether a word is said starting with a vowel: "edl" and "srt" (letter by letter:
    "ess", "ee") do, "markdown" does not."""
    spelled = not set(word) & set("aeiouy")
    return word[0] in ("aefhilmnorsx" if spelled else "aeiou")


def _value(kind: str, param: str, grammar: Grammar, last: bool, prefer: tuple[str, ...]) -> str:
    """An example of what a slot takes: by parameter, else by kind; a list slot says its
    first entry (one with a preferred word if any), or in the fuller sentence its second."""
    if kind == "quote":
        return QUOTE_VALUES.get(param, QUOTE_VALUES[""])
    if kind in EXAMPLE_VALUES:
        values = EXAMPLE_VALUES[kind]
        return values.get(param, values[""])
    entries = grammar.slot_list(kind).entries
    if not entries:
        return kind
    preferred = [entry for entry in entries if set(entry.words) & set(prefer)]
    if preferred:
        return preferred[0].spoken
    return entries[min(1, len(entries) - 1) if last else 0].spoken


# --- help search -----------------------------------------------------------------------


def search(grammar: Grammar, said: str) -> list[tuple[Rule, int]]:
    """The rules whose words or action name contain every word said (a word matches one
    spelled alike, or one it begins or ends: "cutting" finds cut), best first, one rule per
    action: (rule, its score 0..100). A word of a slot's list ("srt" for export) counts a
    little less than the rule's own words, so "cut" finds the cuts before "final cut"."""
    wanted = [word for word in words(said) if word not in _SKIPPED]
    if not wanted:
        return []
    best: dict[str, tuple[float, int, Rule]] = {}
    for order, rule in enumerate(grammar.rules):
        own, listed = _rule_words(rule, grammar)
        scores = [
            max(max(_likeness(word, known) for known in own),
                max((_likeness(word, known) * _LISTED for known in listed), default=0.0))
            for word in wanted
        ]
        if min(scores) < SEARCH_FROM:
            continue
        score = sum(scores) / len(scores)
        if rule.action not in best or score > best[rule.action][0]:
            best[rule.action] = (score, order, rule)
    ranked = sorted(best.values(), key=lambda found: (-found[0], found[1]))
    return [(rule, round(score)) for score, _, rule in ranked]


_SKIPPED = frozenset({"a", "an", "the", "to", "of", "for", "about", "with", "how", "do", "i"})
_LISTED = 0.95  # a slot list's word: 100 becomes 95, still found; 90 becomes 85


def _rule_words(rule: Rule, grammar: Grammar) -> tuple[set[str], set[str]]:
    """The rule's own words (and its action's name), and the words of its slots' lists.
    Topic names are left out: they would make every help rule match every topic's word."""
    own = set(rule.action.split("_"))
    collect_words(rule.pattern, own)
    listed: set[str] = set()
    for kind in {element.kind for element in _slots(rule.pattern)} - {"topic"}:
        own.add(kind)
        for entry in grammar.slot_list(kind).entries:
            listed.update(entry.words)
    return own, listed


def _slots(pattern: tuple[Element, ...]) -> list[Slot]:
    found: list[Slot] = []
    for element in pattern:
        if isinstance(element, Slot):
            found.append(element)
        elif isinstance(element, Choice):
            for option in element.options:
                found.extend(_slots(option))
    return found


def _likeness(said: str, known: str) -> float:
    if said == known:
        return 100.0
    if min(len(said), len(known)) >= 3 and (said.startswith(known) or known.startswith(said)):
        return 90.0  # "cutting" and cut, "export" and exports
    return fuzz.ratio(said, known)


def search_answer(grammar: Grammar, said: str, shown: int = SEARCH_SHOWN) -> str:
    """The answer to "help search <words>": a short list of example sentences."""
    found = search(grammar, said)
    asked = " ".join(words(said))
    if not set(words(said)) - _SKIPPED:
        return "Say help search and a word, for example help search cut."
    if not found:
        return f"No command has the words {asked}. Say what can I say, for the topics."
    prefer = tuple(words(said))
    examples = [sentences(rule, grammar, prefer)[0] for rule, _ in found[:shown]]
    more = len(found) - shown
    tail = f" And {more} more; add a word to narrow it." if more > 0 else ""
    count = "One command" if len(found) == 1 else f"{len(found)} commands"
    return f"{count} with {asked}: {'; '.join(examples)}.{tail}"
