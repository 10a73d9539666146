"""Fewer questions (issue 17): a cut the greedy pass and the beam both heard word for word is
done at once; one heard inexactly is not agreed on, and done at once only when its meaning
is sure; ending the session needs certainty.

The rule's figures, old against new on the seeded command set, are bench/questions.py's."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from faster_whisper.audio import decode_audio
from spoken import spoken
from test_command_recognizer import hypotheses, in_interview
from test_core import make_project

from voiceedit.actions.registry import ACTIONS, load_actions
from voiceedit.core import Editor
from voiceedit.hear.audio import SAMPLE_RATE
from voiceedit.hear.command_recognizer import CommandRecognizer
from voiceedit.hear.doubt import (
    LIKELIER_READING,
    REPAIRED,
    RIVAL_MEANING,
    UNSURE_NUMBERS,
    UNSURE_WORDS,
    agreed,
    doubt_reason,
    meaning_share,
    same_words,
)
from voiceedit.hear.readings import Heard, Timings
from voiceedit.hear.recognizer_options import DEFAULT_OPTIONS, RecognizerOptions
from voiceedit.understand.matcher import CONFIRM_BELOW, understand, vocabulary_prompt

OLD_RULE = RecognizerOptions(agreement=False, by_meaning=False)  # the rule before


def test_greedy_and_beam_agreeing_word_for_word_is_no_doubt() -> None:
    # A beam whose second reading means another cut: the old rule's "rival reading".
    beam = hypotheses(("Cut from two seconds to four seconds.", -0.21),
                      ("Cut from two seconds to five seconds.", -0.3))
    greedy = replace(beam[0], numbers_sure=0.95)
    assert doubt_reason(beam, 0) == RIVAL_MEANING
    assert agreed(greedy, beam)
    assert not agreed(greedy, beam, options=OLD_RULE)  # the old rule, for the benchmark


def test_what_agreement_does_not_cover_is_still_read_back() -> None:
    beam = hypotheses(("Cut from two seconds to four seconds.", -0.21),
                      ("Cut from two seconds to five seconds.", -0.3))
    greedy = replace(beam[0], numbers_sure=0.95)
    # the greedy pass unsure of a number ("nine" / "ninety" had at most 0.57)
    assert not agreed(replace(greedy, numbers_sure=0.5), beam)
    # the two passes heard different cuts
    assert not agreed(replace(greedy, **vars(beam[1]) | {"numbers_sure": 0.95}), beam)
    # a repaired word ("Cat from ...") in the greedy reading
    repaired = hypotheses(("Cat from two seconds to four seconds.", -0.21))[0]
    assert repaired.command.confidence < 1.0 and not agreed(repaired, beam)
    # a quote found only approximately, or words the model was unsure of
    near = hypotheses(("Delete the words ask not what your county.", -0.2))
    assert not agreed(near[0], near, in_interview)
    exact = hypotheses(("Delete the words ask not what your country.", -0.2))
    assert agreed(exact[0], exact, in_interview)
    assert not agreed(exact[0], exact)  # no project: "Cut one two seconds to force seconds."
    mumbled = hypotheses(("Delete the words ask not what your country.", -0.7))
    assert not agreed(mumbled[0], mumbled, in_interview)


def test_a_repaired_cut_every_reading_agrees_on_is_done_at_once() -> None:
    """The doubt is about what is cut, not about every word: "on" for "of" (espeak's voices,
    every reading) changes nothing that is cut. The rule before read it back."""
    heard = hypotheses(("Trim the start on clip two by two seconds.", -0.3),
                       ("Trim the start and clip two by two seconds.", -0.45),
                       ("Trim the start on clip to buy two seconds.", -0.6))
    assert heard[0].command.confidence < CONFIRM_BELOW  # the grammar repaired a word
    assert meaning_share(heard, heard[0].command) == 1.0
    assert doubt_reason(heard, 0) is None  # the recogniser then does it at once
    # two words of the command ("Twin" for trim, espeak at 10 dB): still what is cut is sure
    twin = hypotheses(("Twin the start on clip two by two seconds.", -0.36),
                      ("Twin the start on clip two by two seconds!", -0.4))
    assert twin[0].command.confidence < 0.65 and doubt_reason(twin, 0) is None
    # two small words of three ("that", "on") leave too little of the command to be sure
    worn = hypotheses(("Trim that start on clip two by two seconds.", -0.36),)
    assert not worn[0].command.meaning_repaired
    assert worn[0].command.confidence < DEFAULT_OPTIONS.repaired_from
    assert doubt_reason(worn, 0) == REPAIRED


def test_the_share_of_a_rival_meaning_is_a_reason() -> None:
    # "keep from sixty seconds" with "fifteen" close behind: a third of the weight is theirs
    heard = hypotheses(("Keep from sixty seconds to ninety seconds.", -0.3),
                       ("Keep from fifteen seconds to ninety seconds.", -0.35))
    assert 0.55 < meaning_share(heard, heard[0].command) < 0.7
    assert doubt_reason(heard, 0) == RIVAL_MEANING
    # far behind, it is no doubt: the weight is the whole reading's probability
    far = (heard[0], replace(heard[1], avg_logprob=-0.9))
    assert meaning_share(far, far[0].command) > 0.95 and doubt_reason(far, 0) is None


def no_empty_range(command) -> float:
    """The project's fit: a range of no length cuts nothing."""
    return 0.0 if command.args.get("end") == command.args.get("start") else 1.0


def test_a_reading_the_project_cannot_act_on_counts_only_for_the_same_action() -> None:
    # "one minute to one minute", a range of no length, says the numbers were unsure ...
    heard = hypotheses(("Cut from one minute to two minutes.", -0.2),
                       ("Cut from one minute to one minute.", -0.22))
    assert meaning_share(heard, heard[0].command, no_empty_range) < 0.8
    # ... but a quote the interview lacks, for another action, is only a mishearing
    fillers = hypotheses(("Get rid of the ums.", -0.4), ("Get rid of the verbs.", -0.3))
    assert fillers[1].command.action == "delete_quote"
    assert meaning_share(fillers, fillers[0].command, in_interview) == 1.0
    assert meaning_share(fillers, fillers[0].command) < 0.5  # no project: it might be meant


INTERVIEW = ("The first thing you need is a phone and good sound. That is a story worth "
             "telling. You need patience. Ask not what your camera can do.")


def test_readings_whose_quotes_take_the_same_words_are_one_meaning(tmp_path: Path) -> None:
    """What the recogniser compares is what a cut takes, as the action finds it: quotes heard
    differently that take the same words are one meaning, one taking a word more is not."""
    load_actions()
    editor = Editor.open(make_project(tmp_path / "p.voiceedit", INTERVIEW))
    between = hypotheses(
        ("Delete from the first thing you need to a story worth telling.", -0.3),
        ("Delete from the first thing you need to restore your work telling.", -0.25),
        ("Delete from the first thing you need to the story we're telling.", -0.25),
        ("Delete from the first thing you need to a story worth telling you.", -0.3))
    sentence = hypotheses(("Delete the sentence starting with a phone and good sound.", -0.3),
                          ("Delete the sentence starting with a phone.", -0.25))

    def cut(hypothesis):
        command = hypothesis.command
        return ACTIONS[command.action].handler(editor.state, **command.args).state.timeline

    for same in (between[:3], sentence):
        assert len({cut(h) for h in same}) == 1  # the actions take the same words ...
        assert len({str(editor.places(h.command)) for h in same}) == 1  # ... and places says so
        chosen = same[0].command
        assert meaning_share(same, chosen, editor.fit) < 0.5  # the words alone: rivals
        assert meaning_share(same, chosen, editor.fit, editor.places) == 1.0
        assert doubt_reason(same, 0, editor.fit, places=editor.places) is None
    # "telling you": the next sentence's first word, cut too
    assert cut(between[3]) != cut(between[0])
    assert editor.places(between[3].command) != editor.places(between[0].command)
    pair = (between[0], between[3])
    assert meaning_share(pair, pair[0].command, editor.fit, editor.places) < 0.8
    assert doubt_reason(pair, 0, editor.fit, places=editor.places) == RIVAL_MEANING
    # a range from words said twice ("you need"): its end is found once one is chosen
    twice = hypotheses(("Delete from you need to worth telling.", -0.3))[0].command
    assert twice.action == "delete_between" and editor.places(twice) is None
    # a quote the transcript lacks, and a file's name, are compared as words
    assert editor.places(hypotheses(("Delete the words thumbs up.", -0.3))[0].command) is None
    assert editor.places(hypotheses(("Insert the file intro here.", -0.3))[0].command) is None


def test_a_cut_heard_surely_in_other_words_is_no_guess() -> None:
    """The grammar search's exact sentence may read as a guess where the free beam heard the
    same cut surely, a word repaired ("the arms" for the ums): the cut is judged on that."""
    heard = hypotheses(("Get rid of the ums.", -0.9), ("Get rid of the arms.", -0.62))
    assert heard[1].command.action == heard[0].command.action == "remove_fillers"
    assert doubt_reason(heard, 0) is None
    assert doubt_reason(heard[:1], 0) == UNSURE_WORDS  # alone, it was a guess
    # nor does a reading whose quote is found only approximately ("county")
    quoted = hypotheses(("Delete the words ask not what your country.", -0.95),
                        ("Delete the words ask not what your county.", -0.5))
    assert doubt_reason(quoted, 0, in_interview) == UNSURE_WORDS
    exact = hypotheses(("Delete the words ask not what your country!", -0.5))
    assert doubt_reason(quoted[:1] + exact, 0, in_interview) is None
    # a reading of another meaning, however sure, does not lift the guess
    other = hypotheses(("Get rid of the ums.", -0.9), ("Get rid of the verbs.", -0.62))
    assert doubt_reason(other, 0, in_interview) == UNSURE_WORDS


def test_a_short_guess_of_another_action_is_no_rival() -> None:
    """The grammar search's "Go to sleep." for three seconds of speech, every word a guess,
    outweighed a long sure reading of the cut only by being short."""
    heard = (replace(hypotheses(("Shorten the pauses longer than two seconds to one second.",
                                 -0.61))[0], tokens=15),
             replace(hypotheses(("Go to sleep.", -1.67))[0], tokens=5))
    assert meaning_share(heard, heard[0].command) < 0.5
    assert doubt_reason(heard, 0) is None
    # the same action, however unsure, still says the numbers may differ
    five = replace(hypotheses(("Shorten the pauses longer than two seconds to five seconds.",
                               -0.9))[0], tokens=10)
    assert five.command.action == heard[0].command.action
    assert doubt_reason((heard[0], five), 0) == RIVAL_MEANING


def test_an_answer_with_no_question_waiting_is_no_rival(tmp_path: Path) -> None:
    """"Three. 1.5 seconds from the end of clip one." answers a question nobody asked: the
    project cannot act on it, so it does not doubt the trim; while a question waits, it can."""
    editor = Editor.open(make_project(tmp_path / "p.voiceedit", INTERVIEW))
    heard = hypotheses(("Three. 1.5 seconds from the end of clip one.", -0.21),
                       ("Trim 1.5 seconds from the end of clip one.", -0.23))
    assert heard[0].command.action == "choose" and editor.fit(heard[0].command) == 0.0
    assert editor.fit(hypotheses(("Yes.", -0.1))[0].command) == 0.0
    assert doubt_reason(heard, 1, editor.fit) is None
    assert doubt_reason(heard, 1) == RIVAL_MEANING  # no project: it might be an answer
    assert editor.handle("delete the words you need").question  # "2 matches: ... Say 1 or 2."
    assert editor.fit(heard[0].command) == 1.0


def test_what_the_meaning_rule_still_reads_back() -> None:
    said = hypotheses(("Cut from two seconds to four seconds.", -0.2))[0]
    # a guess: the chosen reading's words far below what the model is sure of
    assert doubt_reason((replace(said, avg_logprob=-0.9),), 0) == UNSURE_WORDS
    # a much likelier reading the grammar could not use
    likelier = hypotheses(("Cut from two seconds to four sack and.", 0.0))[0]
    assert doubt_reason((likelier, replace(said, avg_logprob=-0.6)), 1) == LIKELIER_READING
    # the greedy pass, meaning the same cut, wrote a number with little probability
    unsure = replace(said, numbers_sure=0.2)
    assert doubt_reason((said,), 0, others=(unsure,)) == UNSURE_NUMBERS
    # a quote that looks like a misheard command ("delete the selection")
    lead = hypotheses(("Delete the lead.", -0.1))
    assert lead[0].command.meaning_repaired and lead[0].command.confidence < CONFIRM_BELOW
    assert doubt_reason(lead, 0) == REPAIRED


def test_a_repair_in_what_is_cut_is_always_read_back() -> None:
    """A number heard as a sound-alike, or a sentence after the cut dropped ("No, clip
    three."), may change what is cut: however the readings agree, it is read back."""
    for said in ("Delete clip two. No, clip three.", "Delete clip for.",
                 "Cut from two seconds to four seconds. No, wait."):
        heard = hypotheses((said, -0.1), (said.rstrip(".") + "!", -0.15))
        assert heard[0].command.meaning_repaired, said
        assert doubt_reason(heard, 0) == REPAIRED, said
    # a repair of the command's own words is not one: "on" for "of" changes nothing cut
    assert not hypotheses(("Trim the start on clip two by two seconds.", -0.1))[0].command \
        .meaning_repaired


def test_after_the_first_beam_a_cut_with_numbers_needs_the_greedy_pass() -> None:
    beam = hypotheses(("Cut from two seconds to four seconds.", -0.2))
    early = DEFAULT_OPTIONS.early
    assert doubt_reason(beam, 0) is None  # after every search, five agreeing readings do
    assert doubt_reason(beam, 0, options=early) == UNSURE_NUMBERS  # after the first beam, no
    greedy = replace(beam[0], search="greedy", numbers_sure=0.95)
    assert doubt_reason(beam, 0, options=early, others=(greedy,)) is None
    unsure = replace(greedy, numbers_sure=0.85)  # sure enough at the end, not here
    assert doubt_reason(beam, 0, options=early, others=(unsure,)) == UNSURE_NUMBERS
    assert doubt_reason(beam, 0, others=(unsure,)) is None
    assert early.meaning_share == 0.95 and OLD_RULE.early == OLD_RULE


def test_a_single_um_is_the_fillers() -> None:
    """"Get rid of the um" once lost its "um" as an ignored word and cut every "the"."""
    for said in ("get rid of the um", "remove the uh", "delete the ums"):
        command = understand(said)
        assert command.action == "remove_fillers" and command.confidence == 1.0, said


def test_a_guessed_end_of_the_session_is_read_back(tmp_path: Path) -> None:
    """"Go to Saoirse." in the Piper voice: every free reading quotes words the project
    lacks ("Go to session."), so the only reading it could act on was the grammar search's
    "End the session." at -1.88, which was done at whole confidence (bench/RESULTS.md,
    "Personal words")."""
    heard = hypotheses(("Go to session.", -0.82), ("End the session.", -1.88))
    nowhere = lambda command: 0.0 if command.action == "seek_quote" else 1.0  # noqa: E731
    assert doubt_reason(heard, 1, nowhere) == UNSURE_WORDS
    assert doubt_reason(hypotheses(("Stop listing.", -0.1)), 0) == REPAIRED
    assert doubt_reason(hypotheses(("Stop listening.", -0.1)), 0) is None

    editor = Editor.open(make_project(tmp_path / "p.voiceedit"))
    doubted = replace(heard[1].command, confidence=CONFIRM_BELOW - 0.05)
    answer = editor.handle(Heard(heard[1].text, -1.88, heard, Timings(0, 0, 0), 1000, doubted))
    assert answer.message == "End the session? Say yes or no." and not editor.stopped
    assert editor.handle("no").message == "Not done; nothing changed." and not editor.stopped
    editor.handle(Heard(heard[1].text, -1.88, heard, Timings(0, 0, 0), 1000, doubted))
    assert editor.handle("yes").message == "Stopped listening. Everything is saved."
    assert editor.stopped


def test_the_actions_that_need_certainty_are_the_recognisers() -> None:
    load_actions()
    assert {name for name, spec in ACTIONS.items() if spec.certain} == DEFAULT_OPTIONS.certain


@pytest.fixture(scope="module")
def both_passes() -> dict[str, CommandRecognizer]:
    """The recogniser with the new rule and the old one; the greedy reading never taken on
    its own (sure_from 0), so every command is heard by the greedy pass and the beam."""
    prompt = vocabulary_prompt()
    return {rule: CommandRecognizer(options=RecognizerOptions(
        prompt=prompt, sure_from=0.0, beam_sure_from=0.0, agreement=rule == "new",
        by_meaning=rule == "new")) for rule in ("new", "old")}


def espeak(voice: str, text: str) -> np.ndarray:
    wav = subprocess.run(["espeak-ng", "-v", voice, "--stdout", text],
                         capture_output=True, check=True).stdout
    return decode_audio(io.BytesIO(wav), sampling_rate=SAMPLE_RATE)


def with_white_noise(speech: np.ndarray, snr_db: float, seed: int) -> np.ndarray:
    noise = np.random.default_rng(seed).standard_normal(len(speech)).astype(np.float32)
    level = np.sqrt(np.mean(speech**2)) / (np.sqrt(np.mean(noise**2)) * 10 ** (snr_db / 20))
    return (speech + noise * level).astype(np.float32)


@pytest.mark.slow
@pytest.mark.parametrize("said", ["Cut from two seconds to four seconds.",
                                  "Delete from one second to two seconds."])
def test_a_cut_heard_exactly_by_both_passes_is_done_at_once(both_passes, said):
    heard = both_passes["new"].recognise(spoken(said))
    assert heard.agreed and heard.greedy is not None and heard.beam
    command = heard.command
    assert same_words(heard.greedy.command, command)  # "2" or "two", the same cut
    assert command.action == "delete_range" and command.confidence >= CONFIRM_BELOW
    length = command.args["end"].ms - command.args["start"].ms
    assert length == (2000 if "four" in said else 1000)


@pytest.mark.slow
def test_a_cut_heard_inexactly_is_not_agreed_and_done_only_as_said(both_passes):
    # espeak's British voice at 5 dB: "Cut from two second to four second." No agreement
    # (the words are not the grammar's as said), so the old rule reads it back; the rule by
    # meaning may do it at once when every reading weighed means this cut (since the search
    # within the grammar was given a 40-word prompt it hears "Cut from 2 second. The 4
    # second." likeliest, the same cut), and then it must be the cut said.
    audio = with_white_noise(espeak("en-gb", "cut from two seconds to four seconds"), 5.0, 1)
    for rule, recognizer in both_passes.items():
        heard = recognizer.recognise(audio)
        assert not heard.agreed, rule
        command = heard.command
        assert command is not None and command.destructive
        if rule == "old" or command.confidence < CONFIRM_BELOW:
            assert command.confidence < CONFIRM_BELOW, (rule, heard.text)
        else:
            assert not heard.doubt
            assert (command.args["start"].ms, command.args["end"].ms) == (2000, 4000), heard.text
