"""No wrong cut done unasked (issue 17): the two the seeded command set showed are read back.

(a) "to a story worth telling" heard with a trailing "you": found word for word in the
interview only across a sentence end ("... worth telling. You ..."), so the cut would take a
word more than said. (b) "one minute thirty" heard "one minute", the greedy pass's number
certainty 0.803, just over its old bar of 0.8. The real clips are made again by the seeded
generator (bench/make_command_set.py); figures in bench/RESULTS.md."""

from __future__ import annotations

import io
import sys
from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from test_command_recognizer import hypotheses
from test_core import make_project

from voiceedit.core import Editor
from voiceedit.hear.command_recognizer import CommandRecognizer
from voiceedit.hear.doubt import APPROXIMATE_QUOTE, RIVAL_MEANING, agreed, doubt_reason, is_sure
from voiceedit.hear.readings import Heard, Timings
from voiceedit.hear.recognizer_options import DEFAULT_OPTIONS, RecognizerOptions
from voiceedit.timeline.sentence_quote import STRAY_SCORE, found_score, stray_word
from voiceedit.understand.command import SpokenTime
from voiceedit.understand.matcher import CONFIRM_BELOW, vocabulary_prompt

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from commands import fit, idle, phrases, places, sample_quotes  # noqa: E402

HEARD_A = "Delete from the first thing you need to a story worth telling you."
SAID_A = "Delete from the first thing you need to a story worth telling."


def test_an_exact_quote_taking_one_word_of_the_next_sentence_is_not_exact() -> None:
    index = sample_quotes()
    [match] = index.find("a story worth telling you")
    assert match.score == 100 and match.text.endswith("telling. You")
    assert stray_word(index.words, match)
    assert found_score(index, "a story worth telling you") == STRAY_SCORE
    assert found_score(index, "a story worth telling") == 100  # the sentence's own end
    # said with a break there ("telling. You"): the person's words cross it too
    assert found_score(index, "a story worth telling you", "a story worth telling. You") == 100
    assert fit(hypotheses((HEARD_A, -0.2))[0].command) < DEFAULT_OPTIONS.exact_fit
    assert fit(hypotheses((SAID_A, -0.2))[0].command) == 1.0


def test_a_sentence_end_inside_a_quote_with_words_enough_on_both_sides_stays_exact() -> None:
    index = sample_quotes()
    words = index.words
    # the first full stop with two words of its sentence before it and two after
    end = next(i for i in range(2, len(words.texts) - 3) if words.texts[i].endswith(".")
               and not any(words.texts[j].endswith(".") for j in (i - 1, i + 1, i + 2)))
    two_and_two = " ".join(words.texts[end - 1 : end + 3])
    assert found_score(index, two_and_two) == 100
    one_after = " ".join(words.texts[end - 2 : end + 2])
    one_before = " ".join(words.texts[end : end + 4])
    assert found_score(index, one_after) == STRAY_SCORE
    assert found_score(index, one_before) == STRAY_SCORE


def test_the_doubt_rules_read_the_stray_word_back() -> None:
    heard = hypotheses((HEARD_A, -0.2))
    assert not is_sure(heard, fit, greedy=True)  # the greedy pass does not take it
    assert doubt_reason(heard, 0, fit) == APPROXIMATE_QUOTE
    assert not agreed(heard[0], heard, fit)
    said = hypotheses((SAID_A, -0.2))
    assert doubt_reason(said, 0, fit) is None and agreed(said[0], said, fit)


def test_the_editor_reads_the_stray_word_back(tmp_path: Path) -> None:
    """The live loop's own fit (Editor.fit, over the project's transcript) and the dialogue:
    the cut "worth telling you" is read back, the words as said are cut at once."""
    text = "a story worth telling. You need a phone and good sound"
    editor = Editor.open(make_project(tmp_path / "p.voiceedit", text))
    stray = hypotheses(("Delete the words worth telling you.", -0.2))
    assert editor.fit(stray[0].command) == STRAY_SCORE / 100
    assert editor.fit(hypotheses(("Delete worth telling. You need.", -0.2))[0].command) == 1.0
    why = doubt_reason(stray, 0, editor.fit)
    assert why == APPROXIMATE_QUOTE
    doubted = replace(stray[0].command, confidence=CONFIRM_BELOW - 0.05)
    answer = editor.handle(Heard(stray[0].text, -0.2, stray, Timings(0, 0, 0), 1000, doubted))
    assert answer.message.endswith("Say yes or no.") and not answer.changed
    assert len(editor.state.words) == 11  # nothing cut
    said = hypotheses(("Delete the words worth telling.", -0.2))
    assert doubt_reason(said, 0, editor.fit) is None
    answer = editor.handle(said[0].text)
    assert answer.changed and len(editor.state.words) == 9
    assert list(editor.state.words.texts[:3]) == ["a", "story", "You"]


def test_a_number_written_with_0_803_is_not_sure() -> None:
    """The greedy pass wrote "to" where "thirty" had 0.197: certainty 0.803."""
    greedy = replace(hypotheses(("Cut from one minute to two minutes.", -0.2))[0],
                     numbers_sure=0.803)
    assert not is_sure((greedy,), None, greedy=True)
    assert not agreed(greedy, (greedy,))
    assert is_sure((replace(greedy, numbers_sure=0.95),), None, greedy=True)


@cache
def seeded_clip(voice: str, row: str, index: int, condition: str) -> np.ndarray:
    """One clip of the seeded command set, the same samples as bench/make_command_set.py
    writes (16-bit FLAC) and bench/questions.py reads."""
    from command_table import TABLE
    from make_command_set import SAMPLE_RATE, Voices, babble_source, phrase_clips

    [text] = [r.phrasings[index] for r in TABLE if r.name == row]
    made = phrase_clips(Voices(), babble_source(), voice, row, index, text)
    audio = next(audio for level, _kind, audio in made if level == condition)
    flac = io.BytesIO()
    sf.write(flac, audio, SAMPLE_RATE, subtype="PCM_16", format="FLAC")
    flac.seek(0)
    return sf.read(flac, dtype="float32")[0]


@pytest.fixture(scope="module")
def bench_recognizer() -> CommandRecognizer:
    """The recogniser as bench/questions.py runs it (defaults, the sample project's fit)."""
    return CommandRecognizer(options=RecognizerOptions(prompt=vocabulary_prompt()), fit=fit,
                             phrases=phrases, places=places, idle=idle)


@pytest.mark.slow
def test_the_trailing_you_clip_is_not_cut_with_the_stray_word(bench_recognizer) -> None:
    heard = bench_recognizer.recognise(seeded_clip("piper-fast", "del-between", 0, "snr10"))
    command = heard.command
    assert command is not None and command.action == "delete_between"
    said = places(hypotheses((SAID_A, -0.2))[0].command)
    if places(command) != said:  # whatever this CPU's synthesis is heard as
        assert command.confidence < CONFIRM_BELOW, heard.text
    # Piper's synthesis differs a little between CPUs: where the greedy pass hears the
    # stray "you" (as on the machine the case was found on), it no longer counts as exact,
    # so the beam hears on: its likeliest reading the project finds exactly is the cut as
    # said, but a third of the readings' weight ends "telling you", which takes the next
    # sentence's first word too (actions/fit.places): a rival cut, so it is read back.
    if heard.greedy is None or heard.greedy.text != HEARD_A:
        pytest.skip(f"this CPU's synthesis is heard as {heard.text!r}, not the stray 'you'")
    assert places(command) == said, heard.text
    telling_you = [h for h in heard.alternatives if h.text == HEARD_A]
    assert telling_you and places(telling_you[0].command) != said
    assert heard.doubt == RIVAL_MEANING and command.confidence < CONFIRM_BELOW


@pytest.mark.slow
def test_the_minute_thirty_clip_is_read_back(bench_recognizer) -> None:
    heard = bench_recognizer.recognise(seeded_clip("espeak-en-us+m3", "del-range-90-120", 1,
                                                   "snr20"))
    assert heard.greedy is not None and heard.greedy.text == "Cut from one minute to two minutes."
    assert 0.8 < heard.greedy.numbers_sure < DEFAULT_OPTIONS.number_sure  # 0.803: the case
    command = heard.command
    assert command is not None and command.action == "delete_range"
    assert command.args["start"] == SpokenTime(60_000, "absolute")  # still heard wrong ...
    assert command.confidence < CONFIRM_BELOW and not heard.agreed  # ... so read back


@pytest.mark.slow
def test_a_repaired_cut_every_search_agrees_on_is_done_at_once(bench_recognizer) -> None:
    """espeak's British voice in babble: "on" for "of" in every reading. What is cut is
    sure, so it is done (the rule before read it back: bench/RESULTS.md)."""
    heard = bench_recognizer.recognise(seeded_clip("espeak-en-gb", "trim-start-2", 1, "snr20"))
    assert heard.text == "Trim the start on clip two by two seconds."  # repaired: "on"
    command = heard.command
    assert command.action == "trim_start"
    assert command.args == {"clip": 2, "amount": SpokenTime(2000, "absolute")}
    assert command.confidence >= CONFIRM_BELOW and not heard.doubt


@pytest.mark.slow
def test_a_quote_heard_short_is_still_read_back(bench_recognizer) -> None:
    """"keep only ask not what your camera" heard "Keep only ask what you can.": found in the
    interview, but other readings the project finds mean other words."""
    heard = bench_recognizer.recognise(seeded_clip("espeak-en-us", "keep-quote", 0, "snr20"))
    command = heard.command
    assert command.action == "keep_quote" and command.args["quote"].text == "ask what you can"
    assert command.confidence < CONFIRM_BELOW and heard.doubt


def logged(text: str, logprob: float, search: str = "free", numbers_sure: float = 1.0) -> dict:
    """One reading as bench/questions.py --log writes it."""
    return {"text": text, "logprob": logprob, "search": search, "numbers_sure": numbers_sure,
            "tokens": 0}


def test_the_replay_decides_a_logged_clip_as_the_recogniser_did() -> None:
    """bench/replay_questions.py: the readings a run kept, decided again by the code as it is;
    a clip the replayed rule would hear further than the live run did is not replayed."""
    from command_table import TABLE
    from commands import Clip
    from replay_questions import replayed

    row = next(r for r in TABLE if r.name == "trim-start-2")
    clip = Clip(Path("trim-start-2.1.espeak-en-gb.snr20.flac"), row, row.phrasings[1],
                "espeak-en-gb", "snr20", "babble", 3.0)
    said = "Trim the start on clip two by two seconds."
    greedy = logged(said, -0.4, "greedy", 0.95)
    beam = [logged(said, -0.4), logged(said.rstrip(".") + "!", -0.45)]
    heard = {"greedy": greedy, "beam": beam, "readings": beam, "latency_ms": 300.0}
    trial, why, stage = replayed(heard, clip, RecognizerOptions())
    assert stage == "beam" and why == "" and trial.right and not trial.asked
    # the rule before would hear on, past the first beam: the run did not, so no replay ...
    before = RecognizerOptions(agreement=False, by_meaning=False)
    assert replayed(heard, clip, before) is None
    # ... but where the run heard on, it reads the repaired "on" back from the same readings
    heard["readings"] = [*beam, logged(said, -0.5, "grammar")]
    trial, why, stage = replayed(heard, clip, before)
    assert stage == "last" and trial.asked and trial.right
