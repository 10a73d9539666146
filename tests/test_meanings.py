"""A doubted command offers what else the speech may have meant (issue 17).

"Delete from one minute thirty to two minutes" heard in noise as "... one minute to two
minutes", with "one minute thirty" close behind: the question is "Did you mean 1, delete from
1:00.0 to 2:00.0; or 2, delete from 1:30.0 to 2:00.0?", and "two" does the second, instead
of "no" and the whole command said again by a person for whom each utterance is work.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from spoken import spoken
from test_command_recognizer import hypotheses
from test_core import make_project
from test_no_wrong_cuts import seeded_clip

from voiceedit.answer.speakers import text_only
from voiceedit.core import Editor
from voiceedit.errors import VoiceEditError
from voiceedit.hear.audio import SAMPLE_RATE
from voiceedit.hear.command_recognizer import CommandRecognizer
from voiceedit.hear.doubt import OFFERED, other_meanings
from voiceedit.hear.readings import Heard, Timings
from voiceedit.hear.recognizer_options import RecognizerOptions
from voiceedit.hear.sources import ArraySource
from voiceedit.live.loop import LiveLoop
from voiceedit.project import load_project
from voiceedit.understand.command import SpokenTime
from voiceedit.understand.matcher import CONFIRM_BELOW, understand, vocabulary_prompt
from voiceedit.web.document import question

HEARD = hypotheses(
    ("Delete from one minute to two minutes.", -0.30),
    ("Delete from one minute thirty to two minutes.", -0.45),
    ("Delete from 1 minute 30 to 2 minutes.", -0.50),  # the same meaning, other words
    ("Delete from two minutes to two minutes.", -0.55),  # no length: never meant
    ("Go to sleep.", -1.5),  # a guess of another action
    ("Delete clip three.", -3.0),  # too unlikely to offer
)


def ranges(commands) -> list[tuple[int, int]]:
    return [(c.args["start"].ms, c.args["end"].ms) for c in commands]


def in_project(command) -> float:
    """The project's fit: a range of no length can't be done."""
    start, end = command.args.get("start"), command.args.get("end")
    return 0.0 if start is not None and start == end else 1.0


def test_other_meanings_are_the_likely_ones_the_project_can_do_each_once() -> None:
    chosen = HEARD[0].command
    offered = other_meanings(HEARD, chosen, in_project)
    assert ranges(offered) == [(90_000, 120_000)]  # one choice for its two wordings
    assert other_meanings(HEARD[:1], chosen, in_project) == ()  # nothing else was heard
    many = hypotheses(*((f"Delete clip {n}.", -0.3 - 0.01 * n) for n in range(1, 6)))
    assert len(other_meanings(many, many[0].command)) == OFFERED - 1  # a short list to hear


def test_the_recogniser_offers_them_only_with_a_command_it_reads_back() -> None:
    options = RecognizerOptions(prompt=vocabulary_prompt())
    recognizer = CommandRecognizer(options=options, fit=in_project)
    heard = recognizer._heard(HEARD, Timings(0, 0, 0), 1000)
    assert heard.doubt and heard.command.confidence < CONFIRM_BELOW
    assert ranges(heard.meanings) == [(90_000, 120_000)]
    sure = hypotheses(("Delete from one minute to two minutes.", -0.05))
    assert recognizer._heard(sure, Timings(0, 0, 0), 1000).meanings == ()


def heard_with_choices(first: str, *others: str) -> Heard:
    """A recogniser's doubted command with the other meanings it heard."""
    command = replace(understand(first), confidence=CONFIRM_BELOW - 0.05)
    return Heard(first, -0.6, (), Timings(0, 0, 0), 1000, command, doubt="a rival reading",
                 meanings=tuple(understand(text) for text in others))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p.voiceedit")  # six words, 3.5 s


def test_the_question_names_each_meaning_and_a_number_picks_one(project: Path) -> None:
    editor = Editor.open(project)
    duration = editor.state.timeline.duration
    asked = editor.handle(heard_with_choices("delete from one second to two seconds",
                                             "delete from one point five seconds to two seconds"))
    assert asked.question and not asked.changed
    assert asked.message == ("Did you mean 1, delete from 1.0 s to 2.0 s; or 2, delete from "
                             "1.5 s to 2.0 s? Say 1 or 2, or no.")
    pending = load_project(project).pending  # asked on disk: another surface may answer
    assert pending.kind == "meaning" and ranges(pending.meanings) == [(1500, 2000)]
    page = question(editor.state)
    assert page["kind"] == "meaning"
    assert [c["text"] for c in page["choices"]] == ["Delete from 1.0 s to 2.0 s",
                                                    "Delete from 1.5 s to 2.0 s"]

    other = Editor.open(project)  # `voiceedit do "two"` in another process
    assert other.handle("three").message == "Say a number from 1 to 2, or no."
    assert load_project(project).pending == pending  # still asked, nothing changed
    done = other.handle("two")
    assert done.changed and load_project(project).timeline.duration == duration - 500
    assert load_project(project).pending is None


def test_yes_takes_the_first_meaning_and_no_takes_none(project: Path) -> None:
    editor = Editor.open(project)
    duration = editor.state.timeline.duration
    heard = heard_with_choices("delete from one second to two seconds",
                               "delete from one point five seconds to two seconds")
    editor.handle(heard)
    assert editor.handle("no").message == "Not done; nothing changed."
    assert load_project(project).timeline.duration == duration
    editor.handle(heard)
    assert editor.handle("yes").changed
    assert load_project(project).timeline.duration == duration - 1000


def test_a_command_read_back_with_nothing_else_heard_asks_yes_or_no(project: Path) -> None:
    editor = Editor.open(project)
    answer = editor.handle(heard_with_choices("delete from one second to two seconds"))
    assert answer.message == "Delete from 1.0 s to 2.0 s? Say yes or no."
    assert load_project(project).pending.kind == "confirm"
    assert editor.handle("two").message == "Say yes or no."


def test_a_time_past_the_end_is_never_meant_nor_offered(project: Path) -> None:
    """Heard at 3 dB in espeak, for "... twenty one seconds to twenty five seconds" in a
    32 s edit, a third meaning was "to 20:00.0", which the action refuses."""
    editor = Editor.open(project)  # 3.5 s
    assert editor.fit(understand("delete from one second to two seconds")) == 1.0
    assert editor.fit(understand("go to the end")) == 1.0
    for past in ("delete from one second to twenty seconds", "go to one minute",
                 "play from ten seconds", "cut at five seconds"):
        assert editor.fit(understand(past)) == 0.0, past
    heard = hypotheses(("Delete from one second to two seconds.", -0.3),
                       ("Delete from one second to twenty seconds.", -0.3),
                       ("Delete from one second to three seconds.", -0.4))
    assert ranges(other_meanings(heard, heard[0].command, editor.fit)) == [(1000, 3000)]


def test_an_answer_heard_beside_a_cut_is_not_offered(project: Path) -> None:
    """While a question waits, "yes" and "number two" are readings the project can act on;
    offered as meanings they would answer the new question, not do anything."""
    editor = Editor.open(project)
    asked = editor.handle(heard_with_choices("delete from one second to two seconds",
                                             "yes", "number two", "cancel"))
    assert asked.message == "Delete from 1.0 s to 2.0 s? Say yes or no."
    asked = editor.handle(heard_with_choices("delete from one second to two seconds",
                                             "number two", "go to the start"))
    assert asked.message == ("Did you mean 1, delete from 1.0 s to 2.0 s; or 2, go to the start? "
                             "Say 1 or 2, or no.")


def test_cancel_or_another_command_leaves_a_question_of_meaning(project: Path) -> None:
    editor = Editor.open(project)
    before = load_project(project).timeline
    heard = heard_with_choices("delete from one second to two seconds",
                               "delete from one point five seconds to two seconds")
    editor.handle(heard)
    assert editor.handle("cancel").message == "Cancelled; nothing changed."
    editor.handle(heard)
    assert editor.handle("scratch that").message == "Cancelled; nothing changed."
    editor.handle(heard)
    assert editor.handle("go to the start").applied  # moved on: the question is dropped
    assert load_project(project).pending is None and load_project(project).timeline == before
    assert editor.handle("two").message == "There is nothing to choose from."


def test_a_hand_edited_question_cannot_turn_a_yes_or_no_into_a_choice(project: Path) -> None:
    """Other meanings saved with a yes-or-no question would let "two" run an edit never
    read back: such a file is damaged, and left as it is."""
    editor = Editor.open(project)
    editor.handle(heard_with_choices("delete from one second to two seconds",
                                     "delete from one point five seconds to two seconds"))
    data = json.loads(project.read_text())
    data["pending"]["kind"] = "confirm"
    project.write_text(json.dumps(data))
    written = project.read_bytes()
    with pytest.raises(VoiceEditError, match="damaged"):
        Editor.open(project)
    assert project.read_bytes() == written


class HearsTwoMeanings:
    """For what `listen` does with it: a recogniser that, whatever is said, heard a doubted
    cut and another meaning of it."""

    def recognise(self, audio: np.ndarray) -> Heard:
        return heard_with_choices("delete from one second to two seconds",
                                  "delete from one point five seconds to two seconds")


def test_the_live_loop_asks_which_meaning(project: Path) -> None:
    said = spoken("Delete from one second to two seconds.")
    room = np.zeros(6 * SAMPLE_RATE, dtype=np.float32)
    room[SAMPLE_RATE : SAMPLE_RATE + len(said)] += said
    log: list[str] = []
    loop = LiveLoop(Editor(project), ArraySource(iter([room])), HearsTwoMeanings(), text_only(),
                    log.append)
    loop.run()
    assert ("answer: Did you mean 1, delete from 1.0 s to 2.0 s; or 2, delete from 1.5 s to "
            "2.0 s? Say 1 or 2, or no.") in log
    assert load_project(project).pending.kind == "meaning"


@pytest.mark.slow
def test_a_misheard_number_is_offered_beside_what_was_heard() -> None:
    """The seeded clip the question is for: espeak, 10 dB, heard "one minute", the said
    "one minute thirty" the other meaning."""
    from commands import fit, idle, phrases, places

    recognizer = CommandRecognizer(options=RecognizerOptions(prompt=vocabulary_prompt()),
                                   fit=fit, phrases=phrases, places=places, idle=idle)
    heard = recognizer.recognise(seeded_clip("espeak-en-gb+f2", "del-range-90-120", 0, "snr10"))
    assert heard.command.confidence < CONFIRM_BELOW
    offered = [heard.command, *heard.meanings]
    assert (90_000, 120_000) in ranges(offered)
    assert all(c.action == "delete_range" for c in offered)
    assert SpokenTime(120_000) == heard.command.args["end"]
