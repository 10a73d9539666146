"""The Editor, the one core every surface drives: what it tells subscribers, how the
dialogue reads the actions' declared facts, sleep, the typed loop shared by `do` and
`listen`, and a second editor's edit on the same project never written over."""

from __future__ import annotations

from pathlib import Path

import pytest

from voiceedit.actions.registry import ACTIONS, load_actions
from voiceedit.cli.typed import TypedStyle, typed_session
from voiceedit.core import ASLEEP_NOTE, Editor
from voiceedit.media.probe import MediaInfo
from voiceedit.project import Project, Source, load_project, save_project
from voiceedit.timeline.transcript import Transcript, Word
from voiceedit.understand.grammar import load_grammar


def make_project(path: Path, text: str = "one two three four five six") -> Path:
    """One source: words 300 ms long, 200 ms apart, from 500 ms."""
    words, time = [], 500
    for token in text.split():
        words.append(Word(token, time, time + 300))
        time += 500
    media = "/media/clip.mp4"
    source = Source(MediaInfo(media, time + 500, True, True),
                    Transcript(media, time + 500, tuple(words)))
    save_project(path, Project.start((source,)))
    return path


def test_every_rule_that_removes_material_is_an_action_declared_destructive():
    load_actions()
    for rule in load_grammar().rules:
        assert ACTIONS[rule.action].destructive == rule.destructive, rule.source


def test_subscribers_hear_every_answer_with_the_state_after_it(tmp_path):
    editor = Editor.open(make_project(tmp_path / "p.voiceedit"))
    heard = []
    unsubscribe = editor.subscribe(lambda answer, state: heard.append(
        (answer.message, answer.changed, state.timeline.duration)))
    editor.handle("delete three four")
    editor.handle("go to one minute")
    unsubscribe()
    editor.handle("undo that")
    assert heard == [
        ("Deleted 1.0 s: 'three four'. Now 3.0 s.", True, 3000),
        ("The timeline is only 3.0 s long; 1:00.0 is past the end.", False, 3000),
    ]


def test_asleep_only_waking_words_are_acted_on(tmp_path):
    path = make_project(tmp_path / "p.voiceedit")
    editor = Editor.open(path)
    assert editor.handle("go to sleep").message.startswith("Going to sleep.")
    before = path.read_bytes()
    for said in ("delete three four", "make it pop", "go to the end"):
        answer = editor.handle(said)
        assert answer.ignored and answer.message == ASLEEP_NOTE
    assert path.read_bytes() == before  # nothing done, not even the playhead moved
    assert editor.handle("wake up").message == "I'm listening."
    assert editor.handle("delete three four").changed


def test_the_typed_loop_answers_each_line_and_skips_a_line_that_is_not_text(tmp_path):
    path = make_project(tmp_path / "p.voiceedit")
    printed: list[str] = []
    lines = [b"delete three four\n", b"delete \xff\xfe five\n", b"\n", b"where am I\n"]
    status = typed_session(Editor.open(path), lines, printed.append)
    assert printed == [
        "Deleted 1.0 s: 'three four'. Now 3.0 s.",
        "Line 2 is not UTF-8 text; I skipped it and changed nothing.",
        "At 1.4 s of 3.0 s, clip 2 of 2: 'five six'.",
    ]
    assert status == 1
    assert load_project(path).timeline.duration == 3000


def test_the_live_style_typed_loop_stops_at_a_blank_line_and_at_stop_listening(tmp_path):
    path = make_project(tmp_path / "p.voiceedit")
    printed: list[str] = []
    style = TypedStyle(conversation=True, blank_line_ends=True)
    typed_session(Editor.open(path), [b"go to sleep\n", b"delete one\n", b"wake up\n",
                                      b"stop listening\n", b"delete two\n"], printed.append,
                  style)
    assert printed == [
        "heard: go to sleep", "answer: Going to sleep. Say wake up when you need me.",
        "heard: delete one", ASLEEP_NOTE,
        "heard: wake up", "answer: I'm listening.",
        "heard: stop listening", "answer: Stopped listening. Everything is saved.",
    ]
    printed.clear()
    typed_session(Editor.open(path), [b"\n", b"delete one\n"], printed.append, style)
    assert printed == []


@pytest.mark.parametrize("second", ["delete five six", "undo that"])
def test_an_edit_made_by_another_editor_is_never_written_over(tmp_path, second):
    path = make_project(tmp_path / "p.voiceedit")
    long_session, other = Editor.open(path), Editor.open(path)
    assert other.handle("delete one two").changed  # another process or surface
    answer = long_session.handle(second)
    assert answer.applied
    on_disk = load_project(path)
    words = " ".join(long_session.state.words.texts)
    if second == "undo that":  # it undoes the other editor's edit, the last one on disk
        assert on_disk.history.position == 0 and words.startswith("one two")
    else:
        assert on_disk.history.position == 2
        assert words == "three four"
