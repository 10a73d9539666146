"""The matcher fuzzed with hypothesis: it never crashes, nonsense never comes back as a
destructive command sure enough to run without asking, and the grammar's own sentences,
with any values, read back exactly."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from num2words import num2words
from text_to_num import alpha2digit

from voiceedit.understand.command import Command, Quote, SpokenTime
from voiceedit.understand.grammar import expand, load_grammar, vocabulary, words
from voiceedit.understand.matcher import CONFIRM_BELOW, NotUnderstood, understand
from voiceedit.understand.numbers import SOUND_ALIKES

GRAMMAR = load_grammar()
VOCABULARY = vocabulary(GRAMMAR)
IGNORED = {word for entry in GRAMMAR.word_list("ignored").entries for word in entry.words}
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _is_number_word(word: str) -> bool:
    return alpha2digit(word, "en", threshold=0) != word


# Everyday words that are in no rule: what a microphone picks up around an editor.
_EVERYDAY_TEXT = """
weather nice today think good coffee meeting really know people time make like would could
should because picture camera light sound actually maybe tomorrow yesterday lunch dinner office
phone call email great cool awesome problem question answer story scene actor director budget
money festival window door table chair happy tired busy quick slow loud quiet little big green
blue red yellow water tree house car road city river mountain friend family mother father
brother sister child children although however banana apple orange bread butter cheese pizza
music guitar piano drum song interview subject frame lens focus zoom tripod battery memory card
"""
EVERYDAY = sorted(
    word
    for word in set(_EVERYDAY_TEXT.split())
    if word not in VOCABULARY and word not in IGNORED and not _is_number_word(word)
)


def _check(command: Command) -> None:
    """What every Command must be, whatever it came from."""
    rule = next(rule for rule in GRAMMAR.rules if rule.spoken == command.rule)
    assert command.action == rule.action
    assert command.destructive == rule.destructive
    assert set(command.args) == set(rule.params) | {name for name, _ in rule.fixed}
    assert 0.0 <= command.confidence <= 1.0
    for value in command.args.values():
        assert isinstance(value, int | str | SpokenTime | Quote)


def _understand(text: str) -> Command | None:
    try:
        command = understand(text)
    except NotUnderstood as error:
        assert str(error)
        assert all(isinstance(suggestion, str) for suggestion in error.suggestions)
        return None
    _check(command)
    return command


@FUZZ
@given(st.text(max_size=300))
def test_any_text_never_crashes(text: str) -> None:
    _understand(text)


@FUZZ
@given(st.lists(st.sampled_from(sorted(VOCABULARY) + ["1:30", "10", "2.5", "free"]), max_size=12))
def test_grammar_words_in_any_order_never_crash(chosen: list[str]) -> None:
    _understand(" ".join(chosen))


LONG_WORDS = sorted(word for word in VOCABULARY if len(word) >= 3)
# The words destructive commands start with.
DESTRUCTIVE_CARRIERS = sorted(
    {form.split()[0] for rule in GRAMMAR.rules if rule.destructive for form in expand(rule.pattern)}
)


@st.composite
def misspelt(draw: st.DrawFn, pool: list[str] = LONG_WORDS) -> str:
    """A grammar word with one or two letters changed, that is no longer a grammar word."""
    word = draw(st.sampled_from(pool))
    for _ in range(draw(st.integers(min_value=1, max_value=2))):
        at = draw(st.integers(min_value=0, max_value=len(word) - 1))
        letter = draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
        edit = draw(st.sampled_from(["swap", "insert", "drop"]))
        if edit == "swap":
            word = word[:at] + letter + word[at + 1 :]
        elif edit == "insert":
            word = word[:at] + letter + word[at:]
        elif len(word) > 3:
            word = word[:at] + word[at + 1 :]
    bad = word in VOCABULARY or word in SOUND_ALIKES or word in IGNORED or _is_number_word(word)
    return draw(st.sampled_from(EVERYDAY)) if bad else word


NONSENSE = st.lists(
    st.one_of(st.sampled_from(EVERYDAY), misspelt(), st.sampled_from(["10", "three", "1:30"])),
    min_size=1,
    max_size=10,
)


@FUZZ
@given(NONSENSE)
def test_nonsense_is_never_a_sure_destructive_command(chosen: list[str]) -> None:
    command = _understand(" ".join(chosen))
    if command is not None and command.destructive:
        assert command.confidence < CONFIRM_BELOW, command


@FUZZ
@given(
    misspelt(DESTRUCTIVE_CARRIERS),
    st.lists(
        st.one_of(st.sampled_from(LONG_WORDS), st.sampled_from(EVERYDAY), misspelt()),
        max_size=6,
    ),
)
def test_a_misheard_destructive_command_always_asks(carrier: str, rest: list[str]) -> None:
    command = _understand(" ".join([carrier, *rest]))
    if command is not None and command.destructive:
        assert command.confidence < CONFIRM_BELOW, command


def _literal_pattern(form: str) -> str:
    """A regular expression for one spoken form: its words literally, any words in a slot."""
    parts = [r"\S+(?: \S+)*" if word.startswith("<") else re.escape(word) for word in form.split()]
    return " ".join(parts)


IGNORED_PHRASES = "|".join(
    re.escape(" ".join(entry.words)) for entry in GRAMMAR.word_list("ignored").entries
)


def _said_literally(command: Command) -> bool:
    """Whether the heard words follow one of the rule's spoken forms word for word (apart
    from ignored words around it): the independent check for 'nothing was repaired'."""
    rule = next(rule for rule in GRAMMAR.rules if rule.spoken == command.rule)
    heard = " ".join(word.replace(".", "") for word in words(command.heard))
    around = rf"(?:(?:{IGNORED_PHRASES}) )*"
    for form in expand(rule.pattern, limit=100_000):
        if re.fullmatch(around + _literal_pattern(form) + rf"(?: (?:{IGNORED_PHRASES}))*", heard):
            return True
    return False


@FUZZ
@given(
    st.sampled_from(DESTRUCTIVE_CARRIERS + LONG_WORDS),
    st.lists(
        st.one_of(st.sampled_from(sorted(VOCABULARY)), st.sampled_from(EVERYDAY), misspelt()),
        max_size=8,
    ),
)
def test_a_sure_destructive_command_was_said_word_for_word(first: str, rest: list[str]) -> None:
    command = _understand(" ".join([first, *rest]))
    if command is not None and command.destructive and command.confidence >= CONFIRM_BELOW:
        assert _said_literally(command), command


def _number(value: int, as_words: bool) -> str:
    return num2words(value).replace("-", " ").replace(",", "") if as_words else str(value)


@st.composite
def spoken_value(draw: st.DrawFn, kind: str) -> tuple[str, object]:
    """Something said for a slot, and the value it must give."""
    as_words = draw(st.booleans())
    if kind == "number":
        value = draw(st.integers(min_value=1, max_value=99))
        return _number(value, as_words), value
    if kind == "ordinal":
        value = draw(st.integers(min_value=1, max_value=30))
        said = num2words(value, to="ordinal") if as_words else num2words(value, to="ordinal_num")
        return said.replace("-", " "), value
    if kind == "time":
        seconds = draw(st.integers(min_value=1, max_value=59))
        minutes = draw(st.integers(min_value=0, max_value=9))
        ms = (minutes * 60 + seconds) * 1000
        if minutes == 0:
            return f"{_number(seconds, as_words)} seconds", ms
        if draw(st.booleans()):
            return f"{minutes}:{seconds:02d}", ms
        unit = "minute" if minutes == 1 else "minutes"
        return f"{_number(minutes, as_words)} {unit} {_number(seconds, as_words)}", ms
    entry = draw(st.sampled_from(GRAMMAR.slot_list(kind).entries))
    return entry.spoken, entry.value


TYPED_RULES = [rule for rule in GRAMMAR.rules if "<quote>" not in rule.spoken]


@FUZZ
@given(st.data())
def test_any_sentence_of_the_grammar_reads_back(data: st.DataObject) -> None:
    rule = data.draw(st.sampled_from(TYPED_RULES))
    form = data.draw(st.sampled_from(expand(rule.pattern, limit=200)))
    said, values = [], []
    for word in form.split():
        if word.startswith("<"):
            text, value = data.draw(spoken_value(word[1:-1]))
            said.append(text)
            values.append(SpokenTime(ms=value) if word == "<time>" else value)
        else:
            said.append(word)
    command = understand(" ".join(said))
    expected = dict(zip(rule.params, values, strict=True)) | dict(rule.fixed)
    assert (command.action, command.args, command.confidence) == (rule.action, expected, 1.0)
