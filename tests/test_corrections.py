"""Correcting the transcript: "correct Sam to Pam", "spell that", and the corrected words
used everywhere downstream. Over the bundled interview as tiny.en hears it ("Hi, I'm Sam,
and today ..."), through the Editor every surface drives, with the project on disk and
the exports written by the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from web_server import ROOT, sample_project

from voiceedit.actions.corrections import say_letters, spelled
from voiceedit.actions.state import EditorState
from voiceedit.core import Editor
from voiceedit.project import load_project
from voiceedit.timeline.corrections import Correction, corrected, spread
from voiceedit.timeline.transcript import Transcript, Word


@pytest.fixture
def project(tmp_path, sample_video, sample_transcript) -> Path:
    return sample_project(tmp_path, sample_video, sample_transcript)


def words_on_disk(project: Path) -> list[str]:
    return EditorState(load_project(project)).words.texts


def export(project: Path, output: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "voiceedit", "export", str(project),
                           "-o", str(output)], capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    return output.read_text()


def test_a_correction_is_used_by_later_quotes_and_by_the_exports(project, tmp_path):
    editor = Editor.open(project)
    answer = editor.handle("correct Sam to Pam")
    assert (answer.message, answer.changed) == ("Corrected 'Sam' to 'Pam'.", True)
    assert words_on_disk(project)[:4] == ["Hi,", "I'm", "Pam,", "and"]  # the comma stays
    whole = load_project(project).timeline
    assert len(whole.clips) == 1 and whole.clips[0].source_in == 0  # the media is not cut

    assert editor.handle("go to the start").applied
    assert editor.handle("go to Pam").message.endswith(": 'Pam, and today I want to'.")
    assert editor.state.playhead == editor.state.words.starts[2] == 1460
    assert editor.handle("go to Sam").message == "I can't find 'sam' in the transcript."
    assert "Hi, I'm Pam, and today" in editor.handle("read the transcript").message

    srt = export(project, tmp_path / "cut.srt")
    assert "Hi, I'm Pam, and today" in srt and "Sam" not in srt
    vtt = export(project, tmp_path / "cut.vtt")
    assert "I'm Pam," in vtt and "Sam" not in vtt
    text = export(project, tmp_path / "cut.txt")
    assert text.startswith("[00:00:00] Hi, I'm Pam, and today I want to talk")

    answer = editor.handle("delete Pam")
    assert answer.message.startswith("Deleted") and "'Pam'" in answer.message
    assert words_on_disk(project)[:3] == ["Hi,", "I'm", "and"]


def test_undo_and_redo_take_back_a_correction_in_one_history_with_the_cuts(project):
    editor = Editor.open(project)
    editor.handle("delete the first thing you need is")
    cut = editor.state.timeline
    editor.handle("the word Sam should be Pam")
    assert editor.state.timeline == cut  # a correction cuts nothing
    assert editor.handle("what did I just do").message.startswith(
        "Last change: corrected 'Sam' to 'Pam'")

    answer = editor.handle("undo that")
    assert answer.message == "Undid: corrected 'Sam' to 'Pam'."
    assert words_on_disk(project)[2] == "Sam,"
    assert load_project(project).timeline == cut  # the cut before it stays

    assert editor.handle("redo").message == "Redid: corrected 'Sam' to 'Pam'."
    assert words_on_disk(project)[2] == "Pam,"
    editor.handle("undo that")
    assert editor.handle("undo that").message.startswith("Undid: deleted")
    assert words_on_disk(project)[2] == "Sam,"
    assert "the first thing you need is" in " ".join(words_on_disk(project))
    assert load_project(project).corrections == ()


def test_a_correction_survives_a_restart_and_old_project_files_still_load(project):
    Editor.open(project).handle("correct Sam to Pam")
    data = json.loads(project.read_text())
    assert data["corrections"] == [[0, 2, 1, "Pam,"]]
    reopened = Editor.open(project)  # a new process, in effect
    assert reopened.state.words.texts[2] == "Pam,"
    assert reopened.handle("undo that").message == "Undid: corrected 'Sam' to 'Pam'."

    del data["corrections"]  # a project file from before corrections existed
    data["history"] = {"position": 0, "steps": []}
    project.write_text(json.dumps(data))
    assert words_on_disk(project)[2] == "Sam,"


def test_a_correction_that_does_not_fit_its_transcript_is_refused_on_load(project):
    Editor.open(project).handle("correct Sam to Pam")
    data = json.loads(project.read_text())
    data["corrections"] = [[0, 10**6, 1, "Pam"]]  # hand-edited: no such word
    project.write_text(json.dumps(data))
    with pytest.raises(Exception, match="damaged|correction"):
        load_project(project)


def test_an_unknown_quote_changes_nothing(project):
    editor = Editor.open(project)
    before = project.read_bytes()
    for said in ("correct zebra crossing to horse", "the word quantum flux should be Pam"):
        answer = editor.handle(said)
        assert not answer.applied
        assert answer.message.startswith("I can't find '") and answer.message.count(".") == 1
    assert project.read_bytes() == before


def test_an_ambiguous_quote_is_asked_about(project):
    editor = Editor.open(project)
    answer = editor.handle("correct an expensive camera to a cheap camera")  # said twice
    assert answer.question and answer.message.startswith("2 matches: 1 at")
    assert editor.handle("two").message == ("Corrected 'an expensive camera' to "
                                            "'a cheap camera'.")
    text = " ".join(words_on_disk(project))
    assert "don't need an expensive camera to start. You really don't need a cheap camera" \
        in text


def test_the_place_pointed_at_and_the_longest_quote_found_decide(project):
    editor = Editor.open(project)
    words = editor.state.words
    second = [n for n, text in enumerate(words.texts) if text == "expensive"][1]
    answer = editor.handle("correct an expensive camera to a cheap camera",
                           playhead=words.starts[second])  # the browser's cursor is there
    assert answer.message == "Corrected 'an expensive camera' to 'a cheap camera'."
    assert editor.state.words.texts[second - 1:second + 2] == ["a", "cheap", "camera"]
    assert "expensive" in editor.state.words.texts[:second]
    # Split at the first "to" this would be 'want' -> 'to wish to'; the transcript says
    # "want to", so that is what is corrected.
    assert editor.handle("correct want to to wish to").message == (
        "Corrected 'want to' to 'wish to'.")
    assert "Hi, I'm Sam, and today I wish to talk" in editor.handle(
        "read the transcript").message


def test_spell_that_spells_the_corrected_word_and_reads_it_back(project):
    editor = Editor.open(project)
    assert editor.handle("correct Sam to Pan").message == "Corrected 'Sam' to 'Pan'."
    assert editor.handle("spell that").message == "'Pan' is spelled P, A, N."
    assert editor.handle("spell that P A M").message == "Corrected 'Pan' to 'Pam'."
    assert words_on_disk(project)[2] == "Pam,"
    assert editor.handle("spell it papa alpha mike mike").message == (
        "Corrected 'Pam' to 'Pamm'.")
    assert editor.handle("undo that").message == "Undid: corrected 'Pam' to 'Pamm'."
    assert editor.handle("go to today").applied
    assert editor.handle("spell that").message == "'today' is spelled T, O, D, A, Y."


def test_new_words_keep_what_was_written_and_spread_over_the_old_time(project):
    editor = Editor.open(project)
    sam = editor.state.words[2]
    assert editor.handle("correct Sam to O'Brien Smith").message == (
        "Corrected 'Sam' to 'O'Brien Smith'.")
    words = editor.state.words
    assert words.texts[2:5] == ["O'Brien", "Smith,", "and"]
    assert words.starts[2] == sam.start and words.ends[3] == sam.end  # one into two
    assert words.ends[2] == words.starts[3]
    assert (words.ends[2] - sam.start) / (sam.end - sam.start) == pytest.approx(8 / 15, 0.02)
    # (by length: "O'Brien" and a space is 8 of the 15 characters)

    budget = editor.state.words.texts.index("budget.")
    start, end = words.starts[budget - 3], words.ends[budget]  # "on a small budget."
    assert editor.handle("correct on a small budget to cheaply").message == (
        "Corrected 'on a small budget' to 'cheaply'.")
    words = editor.state.words
    assert words.texts[budget - 4: budget - 1] == ["films", "cheaply.", "Um,"]  # four into one
    assert (words.starts[budget - 3], words.ends[budget - 3]) == (start, end)


def test_corrected_transcripts_apply_in_order():
    words = tuple(Word(text, 1000 * n, 1000 * n + 800) for n, text in enumerate("abcd"))
    transcript = Transcript("/m.mp4", 5000, words)
    first = Correction("/m.mp4", 1, 2, "x")  # b c -> x
    later = Correction("/m.mp4", 1, 1, "y z")  # then x -> y z
    fixed = corrected(transcript, (first, later, Correction("/other.mp4", 0, 1, "q")))
    assert [(w.text, w.start, w.end) for w in fixed.words] == [
        ("a", 0, 800), ("y", 1000, 1900), ("z", 1900, 2800), ("d", 3000, 3800)]
    assert corrected(transcript, ()) is transcript
    with pytest.raises(ValueError):
        corrected(transcript, (Correction("/m.mp4", 3, 2, "x"),))
    assert [w.text for w in spread("New York", list(words[:2]))] == ["New", "York"]


def test_letters_are_read_one_by_one():
    assert spelled("p a m") == "pam"
    assert spelled("papa alpha mike") == "pam"
    assert spelled("oscar apostrophe bravo romeo india echo november") == "o'brien"
    assert spelled("x ray") == "x"
    assert spelled("Mike") == "Mike" and spelled("hyphen") == "hyphen"  # one word: itself
    assert say_letters("O'Brien,") == "O, apostrophe, B, R, I, E, N"


def test_a_spoken_correction_is_heard_with_a_name_the_transcript_lacks(project):
    """Piper says it, the live recogniser hears it against the project: the new name is not
    in the transcript, and that must not count against the reading."""
    from spoken import spoken

    from voiceedit.hear.command_recognizer import CommandRecognizer, RecognizerOptions
    from voiceedit.understand.matcher import vocabulary_prompt

    editor = Editor.open(project)
    recognizer = CommandRecognizer(options=RecognizerOptions(prompt=vocabulary_prompt()),
                                   fit=editor.fit, phrases=editor.phrases)
    heard = recognizer.recognise(spoken("Correct Sam to Pam."))
    assert editor.handle(heard).message == "Corrected 'Sam' to 'Pam'."
    assert words_on_disk(project)[2] == "Pam,"


def test_typed_new_words_keep_titles_brackets_and_quotes(project):
    editor = Editor.open(project)
    assert editor.handle("correct Sam to Dr. Pam Smith").message == (
        "Corrected 'Sam' to 'Dr. Pam Smith'.")  # a title's full stop ends no sentence
    assert words_on_disk(project)[2:6] == ["Dr.", "Pam", "Smith,", "and"]
    assert editor.handle("correct Smith to Smith (the host)").message == (
        "Corrected 'Smith' to 'Smith (the host)'.")
    assert editor.handle("correct Pam to 'Pamela'").message == "Corrected 'Pam' to 'Pamela'."
    assert words_on_disk(project)[2:7] == ["Dr.", "Pamela", "Smith", "(the", "host),"]


def test_the_old_words_alone_ask_for_the_new_ones_and_suggest_no_answer(project):
    editor = Editor.open(project)
    before = project.read_bytes()
    for said in ("correct Sam to", "correct the word Sam to"):
        answer = editor.handle(said)
        assert answer.message == ("Say the new words after the old ones, as in correct Sam "
                                  "to Pam; nothing changed."), said
        assert not answer.applied
    assert project.read_bytes() == before
    # Not understood with no question waiting: "yes" or "number two" is never suggested.
    for said, near in (("yess please maybe", "yes"), ("choose", "choose two")):
        answer = editor.handle(said)
        assert not answer.understood and near not in answer.suggestions, said
        assert f'"{near}"' not in answer.message, said
    assert "next speaker please" in editor.handle("yess please maybe").suggestions
    assert project.read_bytes() == before


def test_words_of_two_speakers_are_corrected_word_for_word_or_not_at_all(project):
    data = json.loads(project.read_text())
    for source in data["sources"]:  # words 3 on are the second speaker's
        words = source["transcript"]["words"]  # [text, start, end, probability, speaker]
        words[:] = [[*word[:4], 1 if number < 3 else 2] for number, word in enumerate(words)]
    project.write_text(json.dumps(data))
    editor = Editor.open(project)
    before = project.read_bytes()
    answer = editor.handle("correct Sam and today to Pam Smith")
    assert answer.message == ("Those words are said by different speakers; correct each "
                              "speaker's words on their own. Nothing changed.")
    assert project.read_bytes() == before
    assert editor.handle("correct Sam and today to Pam and then").changed  # word for word
    assert [editor.state.words.speakers[i] for i in (2, 3, 4)] == [1, 2, 2]  # each keeps its
