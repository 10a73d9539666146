"""The grammar as a word-by-word fence (understand/continuation.py): what the search within
the grammar may write. It must let every sentence of the grammar through at every step (or the
decoder could never write it) and stop what no rule can become."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_matcher_fuzz import FUZZ, GRAMMAR, spoken_value

from voiceedit.understand.continuation import Continuations, number_words
from voiceedit.understand.grammar import expand, words

INTERVIEW = "ask not what your camera can do for you but a story worth telling"
PHRASES = (tuple(words(INTERVIEW)), ("intro",), ("b", "roll", "two"))


@pytest.fixture(scope="module")
def fence() -> Continuations:
    return Continuations(GRAMMAR, PHRASES)


def said(text: str) -> tuple[str, ...]:
    return tuple(words(text))


@pytest.mark.parametrize("text", [
    "delete from ten seconds to twenty seconds",
    "delete from 1:30 to 2 minutes",
    "cut the first 10.5 seconds",
    "shorten pauses longer than two seconds to half a second",
    "export as edl",
    "export as final cut pro",
    "undo that",
    "go to clip three",
    "delete the words ask not what your camera",
    "keep only a story worth telling",
    "insert b roll two at ten seconds",
])
def test_commands_are_commands_and_every_start_of_them_may_go_on(fence, text) -> None:
    heard = said(text)
    assert fence.is_command(heard)
    for end in range(len(heard)):
        assert fence.may_continue(heard[:end])
        word = heard[end]
        for cut in range(1, len(word) + 1):  # a word written a token at a time
            assert fence.may_continue(heard[:end], word[:cut])


@pytest.mark.parametrize("text", [
    "thats what",  # "That's what's an EDL": no command starts so
    "short and",  # "Short and pawned longer than ...": shorten was meant
    "delete the words as not",  # "as not" is nowhere in the interview
    "delete the words ask not what you can",  # "what you" is, "you can" is not
    "undo that clip",
    "export as pdf",
])
def test_what_no_rule_can_become_is_stopped(fence, text) -> None:
    assert not fence.may_continue(said(text))
    assert not fence.is_command(said(text))


@pytest.mark.parametrize("text", [
    "delete from ten",  # a range needs its end
    "export as",
    "shorten pauses longer than two seconds",
    "trim two seconds from the start of",
    "play from one minute and a",  # a time not yet whole ("... and a half")
])
def test_a_command_still_being_said_is_not_one_yet(fence, text) -> None:
    assert fence.may_continue(said(text))
    assert not fence.is_command(said(text))


def test_a_quote_runs_along_the_project_words(fence) -> None:
    after_camera = fence.next_words(said("delete the words ask not what your camera"))
    assert after_camera.starts("ca")  # "can"
    assert not after_camera.starts("rea")  # "read" follows nothing there
    assert fence.next_words(said("delete the words")).starts("sto")  # a quote may start anywhere
    assert not fence.next_words(said("delete the words")).starts("zebra")


def test_without_project_words_a_quote_says_anything() -> None:
    free = Continuations(GRAMMAR, None)
    assert free.is_command(said("delete the words zebra crossing"))
    assert free.may_continue(said("delete the words"), "xyz")


def test_values_take_number_words_and_digits(fence) -> None:
    after_go_to = fence.next_words(said("go to"))
    for start in ("ten", "1", "1:3", "ninety", "the", "half"):
        assert after_go_to.starts(start), start
    assert not fence.may_continue(said("go to"), "zz")
    assert {"seventy", "twelfth", "hundred"} <= number_words()


def test_partial_words_of_list_entries(fence) -> None:
    assert fence.may_continue(said("export as"), "fin")  # "final cut pro"
    assert fence.may_continue(said("export as final"), "c")
    assert not fence.may_continue(said("export as"), "zz")


def _said_sentences(draw: st.DrawFn) -> tuple[str, tuple[str, ...]]:
    rule = draw(st.sampled_from(GRAMMAR.rules))
    form = draw(st.sampled_from(expand(rule.pattern, limit=200)))
    out = []
    for word in form.split():
        if word == "<quote>":
            phrase = draw(st.sampled_from(PHRASES))
            first = draw(st.integers(0, len(phrase) - 1))
            last = draw(st.integers(first + 1, len(phrase)))
            out.extend(phrase[first:last])
        elif word.startswith("<"):
            out.extend(words(draw(spoken_value(word[1:-1]))[0]))
        else:
            out.append(word)
    return rule.spoken, tuple(out)


@FUZZ
@given(st.data())
def test_every_sentence_of_the_grammar_gets_through(data: st.DataObject) -> None:
    """Any rule, any way of saying it, any values and any run of the project's words as a
    quote: allowed at every word and every letter, and a command at the end."""
    fence = Continuations(GRAMMAR, PHRASES)
    rule, heard = _said_sentences(data.draw)
    for end, word in enumerate(heard):
        assert fence.may_continue(heard[:end], word[:1]), (rule, heard[: end + 1])
        assert fence.may_continue(heard[:end], word), (rule, heard[: end + 1])
    assert fence.is_command(heard), (rule, heard)


@FUZZ
@given(st.text(max_size=120))
def test_any_text_never_crashes(text: str) -> None:
    fence = Continuations(GRAMMAR, PHRASES)
    assert fence.allows(text) in (True, False)
    assert fence.is_command(tuple(words(text))) in (True, False)
