"""Grammar-aware endpointing: which heard commands are final (nothing could continue them),
on the real grammar's rules, as the live loop judges them before ending an utterance early."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from voiceedit.live.endpoint import EARLY_END_LOGPROB, is_final_command
from voiceedit.understand.command import Command
from voiceedit.understand.grammar import Grammar, Rule, is_final, load_grammar, words
from voiceedit.understand.matcher import CONFIRM_BELOW, understand


@pytest.fixture(scope="module")
def grammar() -> Grammar:
    return load_grammar()


def rule(grammar: Grammar, spoken_start: str) -> Rule:
    """The rule with this spoken form, or the one whose form starts so (the test names real
    rules by their text)."""
    found = [r for r in grammar.rules if r.spoken == spoken_start]
    found = found or [r for r in grammar.rules if r.spoken.startswith(spoken_start)]
    assert len(found) == 1, [r.spoken for r in found]
    return found[0]


def final(grammar: Grammar, text: str, spoken_start: str) -> bool:
    return is_final(words(text), rule(grammar, spoken_start), grammar)


@pytest.mark.parametrize(
    ("text", "spoken_start"),
    [
        ("undo that", "undo [that"),
        ("go to ten seconds", "(go | jump | skip | move) to <time>"),
        ("go to 10 seconds", "(go | jump | skip | move) to <time>"),
        ("go to 1:30", "(go | jump | skip | move) to <time>"),
        ("split at half a second", "split at <time>"),
        ("delete from ten seconds to twelve seconds", "{delete} [from] <time>"),
        ("remove the filler words", "{delete} [all] [the] (fillers"),
        ("where am i", "where am I"),
        ("play the selection", "play [the] (selection"),
        ("delete clip two", "{delete} (clip [number] <number>"),
        ("stop playing", "stop [playing"),
        # More words would give the same command: "yes please" is still confirm().
        ("yes", "(yes | yeah"),
        ("no", "(no | nope"),
    ],
)
def test_a_whole_sentence_nothing_could_continue_is_final(grammar, text, spoken_start):
    assert final(grammar, text, spoken_start)


@pytest.mark.parametrize(
    ("text", "spoken_start", "why"),
    [
        ("play", "play [it | that", "play from <time>"),
        ("play it", "play [it | that", "play it from <time>"),
        ("stop", "stop [playing", "stop listening"),
        ("stop listening", "stop listening", "stop listening for now: go to sleep"),
        ("split it", "split (the clip | it | this clip)", "split it at <time>"),
        ("what can i say", "what can I say", "what can I say about <topic>"),
        ("undo", "undo [that", "undo commands: help on a topic"),
        ("go to one minute", "(go | jump | skip | move) to <time>", "one minute thirty"),
        ("split at ten", "split at <time>", "ten seconds"),
        ("find ask not", "(find | search for) <quote>", "a quote can go on"),
        ("delete from ten seconds", "{delete} <quote>", "to twelve seconds"),
        ("delete from ten seconds", "{delete} [from] <time>", "not even a whole sentence"),
        ("please undo that", "undo [that", "repaired by the matcher: not its exact sentence"),
    ],
)
def test_words_that_could_go_on_are_not_final(grammar, text, spoken_start, why):
    assert not final(grammar, text, spoken_start), why


def test_every_rules_own_example_is_judged(grammar):
    """Every rule's own example is judged without error; the short fixed ones end early."""
    from voiceedit.understand.grammar import example

    judged = {r.source: is_final(words(example(r, grammar)), r, grammar) for r in grammar.rules}
    assert judged[rule(grammar, "next clip").source]
    assert judged[rule(grammar, "where am I").source]
    assert not judged[rule(grammar, "(find | search for) <quote>").source]


@dataclass(frozen=True)
class Heard:
    """What the recogniser hands the live loop (command_recognizer.Heard's fields we read)."""

    text: str
    command: Command | None
    avg_logprob: float = -0.1  # the model was sure of the words
    meanings: tuple[Command, ...] = ()  # nothing else heard


def heard(text: str) -> Heard:
    return Heard(text, understand(text))


def test_a_sure_final_command_is_acted_on_at_once(grammar):
    assert is_final_command(heard("Go to ten seconds."), grammar)
    assert is_final_command(heard("Delete from ten seconds to twelve seconds."), grammar)


def test_a_command_heard_as_two_meanings_waits_for_more_speech(grammar):
    """"Go to ten seconds." with "go to twelve seconds" beside it is asked about: more speech
    may settle it, so the endpoint does not end the utterance early."""
    seek = heard("Go to ten seconds.")
    assert is_final_command(seek, grammar)
    assert not is_final_command(Heard(seek.text, seek.command,
                                      meanings=(understand("go to twelve seconds"),)), grammar)


def test_a_command_heard_a_little_wrong_is_final_by_the_words_it_was_taken_for(grammar):
    """The matcher's repair is undone before the grammar judges the end: "and do that" is
    tiny.en's "undo that", understood surely, and nothing goes on from "undo that"."""
    repaired = heard("And do that.")
    assert repaired.command.action == "undo" and repaired.command.confidence >= CONFIRM_BELOW
    assert repaired.command.meant == "undo that"
    assert is_final_command(repaired, grammar)
    assert not is_final_command(heard("Remove the failure words."), grammar)  # read back first


def test_a_quote_is_final_only_when_the_transcript_says_it_is_whole(grammar):
    """A quote can always take more words, unless the session knows it ends a sentence of
    the transcript; "delete from <quote> to <quote>" still waits after its first quote."""
    quote = heard("Delete the words ask not what your camera can do for you.")
    assert not is_final_command(quote, grammar)
    assert not is_final_command(quote, grammar, lambda command: False)
    assert is_final_command(quote, grammar, lambda command: True)
    cut_off = heard("Delete from ask not.")  # "... to for you" may follow
    assert not is_final_command(cut_off, grammar, lambda command: True)
    time_open = heard("Go to one minute.")  # only a quote is closed by the transcript
    assert not is_final_command(time_open, grammar, lambda command: True)


def test_a_doubted_unheard_or_unfinished_command_waits(grammar):
    sure = heard("Delete from ten seconds to twelve seconds.")
    doubted = replace(sure, command=replace(sure.command, confidence=CONFIRM_BELOW - 0.05))
    assert not is_final_command(doubted, grammar)  # the recogniser's doubt: read back later
    # Unsure of its words: perhaps Whisper finished a cut-off sentence from its prompt.
    guessed = replace(heard("Go to clip two."), avg_logprob=EARLY_END_LOGPROB - 0.3)
    assert is_final_command(replace(guessed, avg_logprob=-0.1), grammar)
    assert not is_final_command(guessed, grammar)
    assert not is_final_command(Heard("Mumble.", None), grammar)
    assert not is_final_command("Go to ten seconds.", grammar)  # a fake's plain text
    assert not is_final_command(heard("Play."), grammar)
    assert not is_final_command(heard("Go to one minute."), grammar)
