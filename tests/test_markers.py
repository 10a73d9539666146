"""Chapters and markers, spoken and typed (actions/markers.py): added at the playhead or a
time, numbered in timeline order, visited, renamed, deleted, hidden while cut out, each
change one undo step, and all of it in the project on disk. Over the bundled interview."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_server import sample_project

from voiceedit.core import Editor
from voiceedit.project import load_project
from voiceedit.spoken_time import speakable
from voiceedit.timeline.layers import timeline_time


@pytest.fixture
def project(tmp_path, sample_video, sample_transcript) -> Path:
    return sample_project(tmp_path, sample_video, sample_transcript)


def chapters_on_disk(project: Path) -> list[tuple[str, int | None]]:
    loaded = load_project(project)
    return sorted(((m.name, timeline_time(m.anchor, loaded.timeline))
                   for m in loaded.layers.markers if m.kind == "chapter"),
                  key=lambda row: (row[1] is None, row[1] or 0))


def test_chapters_are_added_numbered_in_timeline_order_and_listed(project):
    editor = Editor.open(project)
    answer = editor.handle("add a chapter called lighting at 30 seconds")
    assert (answer.message, answer.changed) == ("Added chapter 1, 'Lighting', at 30.0 s.",
                                                True)
    assert editor.handle("go to the start").applied
    answer = editor.handle("add a chapter called intro here")
    assert answer.message == "Added chapter 1, 'Intro', at 0.0 s."  # before Lighting
    assert editor.handle("go to 10 seconds").applied
    assert editor.handle("add a chapter called middle").message == (
        "Added chapter 2, 'Middle', at 10.0 s.")  # here, without saying so
    assert editor.handle("undo that").applied
    answer = editor.handle("add a chapter at 40 seconds called The Outro")
    assert answer.message == "Added chapter 3, 'The Outro', at 40.0 s."
    assert chapters_on_disk(project) == [("Intro", 0), ("Lighting", 30000), ("The Outro", 40000)]

    listed = editor.handle("list the chapters").message
    assert listed == ("3 chapters: 1, 0.0 s, 'Intro'; 2, 30.0 s, 'Lighting'; "
                      "3, 40.0 s, 'The Outro'.")
    assert speakable(listed).startswith("three chapters: one, zero seconds, 'Intro'; two, "
                                        "thirty seconds")
    again = editor.handle("add a chapter called again at 30 seconds")
    assert not again.applied and "already at 30.0 s" in again.message


def test_going_to_chapters_and_markers(project):
    editor = Editor.open(project)
    for said in ("add a chapter called one at 5 seconds", "add a chapter called two at 20",
                 "add a marker at 12 seconds", "add a marker at 30 called fix the hum"):
        assert editor.handle(said).applied, said
    assert editor.handle("go to chapter two").message == "Chapter 2, 'Two', at 20.0 s."
    assert load_project(project).playhead == 20000
    assert editor.handle("previous chapter").message == "Chapter 1, 'One', at 5.0 s."
    assert editor.handle("next chapter").message == "Chapter 2, 'Two', at 20.0 s."
    assert editor.handle("next chapter").message == "There is no chapter after 20.0 s."
    assert editor.handle("go to the next marker").message == "Marker 2, 'Fix the hum', at 30.0 s."
    assert editor.handle("go to the start").applied
    assert editor.handle("next marker").message == "Chapter 1, 'One', at 5.0 s."
    assert editor.handle("next marker").message == "Marker 1, at 12.0 s."
    assert editor.handle("list the markers").message == (
        "2 markers: 1, 12.0 s; 2, 30.0 s, 'Fix the hum'.")
    assert editor.handle("go to chapter five").message == ("There is no chapter 5; there are "
                                                          "2 chapters.")


def test_a_cut_hides_a_chapter_and_undo_brings_it_back(project):
    editor = Editor.open(project)
    assert editor.handle("add a chapter called first at 2 seconds").applied
    assert editor.handle("add a chapter called middle at 15 seconds").applied
    assert editor.handle("add a chapter called last at 30 seconds").applied
    assert editor.handle("delete from 10 to 20").applied
    assert editor.handle("list the chapters").message == (
        "2 chapters: 1, 2.0 s, 'First'; 2, 20.0 s, 'Last'. 1 chapter cut out, hidden until "
        "undone.")
    assert chapters_on_disk(project)[-1] == ("Middle", None)  # kept, only hidden
    assert editor.handle("undo that").applied
    assert editor.handle("go to chapter two").message == "Chapter 2, 'Middle', at 15.0 s."


def test_rename_and_delete_are_one_undo_step_each(project):
    editor = Editor.open(project)
    assert editor.handle("add a chapter called intro at 0").applied
    assert editor.handle("add a chapter called setup at 10 seconds").applied
    answer = editor.handle("rename chapter two to lights and camera")
    assert answer.message == "Renamed chapter 2 to 'Lights and camera'."
    assert chapters_on_disk(project) == [("Intro", 0), ("Lights and camera", 10000)]
    assert editor.handle("undo that").message.startswith(
        "Undid: renamed chapter 2 to 'Lights and camera'.")
    assert chapters_on_disk(project) == [("Intro", 0), ("Setup", 10000)]
    assert editor.handle("delete chapter one").message == "Deleted chapter 1, 'Intro'."
    assert chapters_on_disk(project) == [("Setup", 10000)]
    assert editor.handle("list the chapters").message == "1 chapter: 1, 10.0 s, 'Setup'."
    assert editor.handle("undo that").applied
    assert chapters_on_disk(project) == [("Intro", 0), ("Setup", 10000)]
    assert editor.handle("delete chapter three").message == (
        "There is no chapter 3; there are 2 chapters.")
    assert chapters_on_disk(project) == [("Intro", 0), ("Setup", 10000)]


def test_no_chapters_said_plainly(project):
    editor = Editor.open(project)
    assert editor.handle("list the chapters").message == "No chapters yet."
    assert editor.handle("next chapter").message == "There are no chapters."
