"""Chapters, markers, shots and picture problems in every export that holds markers, read
back by OpenTimelineIO and checked in the EDL and FCPXML text; the chapter list for a video
description (`voiceedit chapters`, `.chapters.txt`). Over the bundled interview (30 fps),
with a cut before the chapters, so every time is the edit's, not the source's."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import opentimelineio as otio
import pytest
from web_server import sample_project

from voiceedit.core import Editor
from voiceedit.interchange.chapter_list import chapter_list_note, description_time
from voiceedit.interchange.edl import read_edl
from voiceedit.picture.shots import Picture, Problem, Shot
from voiceedit.project import load_project, save_project
from voiceedit.timeline.marks import Mark

CUT = 3000  # "delete from 5 to 8": everything after 8 s of the source plays 3 s earlier


@pytest.fixture
def marked(tmp_path, sample_video, sample_transcript) -> Path:
    """The interview with two shots (the second with a black second), a cut, three
    chapters and a marker."""
    path = sample_project(tmp_path, sample_video, sample_transcript)
    project = load_project(path)
    source = project.sources[0]
    shots = (Shot(0, 20000, text="CHAPTER TWO", looks=("dark",)),
             Shot(20000, source.media.duration, faces=1, face_positions=("centre",),
                  problems=(Problem("black", 30000, 31000),)))
    source = replace(source, picture=Picture(source.path, source.media.duration, shots))
    save_project(path, replace(project, sources=(source,)))
    editor = Editor.open(path)
    for said in ("delete from 5 to 8", "add a chapter called intro at 0",
                 "add a chapter called lighting at 12 seconds",
                 "add a chapter called the outro at 30 seconds",
                 "add a marker at 15 seconds called fix the hum"):
        assert editor.handle(said).applied, said
    return path


def export(cli, project: Path, output: Path, *options: str) -> str:
    done = cli("export", str(project), "-o", str(output), *options)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_otio_export_carries_every_mark_at_its_edited_time(marked, tmp_path, voiceedit_cli):
    export(voiceedit_cli, marked, tmp_path / "cut.otio")
    document = otio.adapters.read_from_file(str(tmp_path / "cut.otio"))
    found = [(m.name, round(m.marked_range.start_time.to_seconds(), 2), m.color,
              m.metadata["voiceedit"]["kind"]) for m in document.tracks.markers]
    # The cut at 5 s splits the first shot in two (as `voiceedit shots` numbers them); the
    # second source shot began at 20 s: 17 s of the edit; the black second at 27 s.
    assert found == [("Intro", 0.0, "MAGENTA", "chapter"), ("Shot 1", 0.0, "GREEN", "shot"),
                     ("Shot 2", 5.0, "GREEN", "shot"),
                     ("Lighting", 12.0, "MAGENTA", "chapter"),
                     ("Fix the hum", 15.0, "BLUE", "marker"),
                     ("Shot 3", 17.0, "GREEN", "shot"),
                     ("Problem: black", 27.0, "RED", "problem"),
                     ("The outro", 30.0, "MAGENTA", "chapter")]
    shot_one = document.tracks.markers[1]
    assert shot_one.comment == "text 'CHAPTER TWO'; dark"
    black = document.tracks.markers[6]
    assert black.marked_range.duration.to_seconds() == pytest.approx(1.0)

    export(voiceedit_cli, marked, tmp_path / "quiet.otio", "--no-shots")
    quiet = otio.adapters.read_from_file(str(tmp_path / "quiet.otio"))
    assert [m.name for m in quiet.tracks.markers] == ["Intro", "Lighting", "Fix the hum",
                                                      "The outro"]


def test_edl_locators_sit_under_their_events(marked, tmp_path, voiceedit_cli):
    export(voiceedit_cli, marked, tmp_path / "cut.edl")
    text = (tmp_path / "cut.edl").read_text()
    locators = [line for line in text.splitlines() if line.startswith("* LOC:")]
    # Source timecode of each frame: the first event is 0-5 s, the second starts at 8 s.
    assert locators[0] == "* LOC: 00:00:00:00 MAGENTA CHAPTER: INTRO"
    assert "* LOC: 00:00:15:00 MAGENTA CHAPTER: LIGHTING" in locators  # 12 s of the edit
    assert "* LOC: 00:00:30:00 RED     PROBLEM: BLACK FOR 1.0 S, IN SHOT 3" in locators
    assert len(locators) == 8
    document = read_edl(text, rate=30)
    video = document.video_tracks()[0]  # "B" events are read onto both tracks
    markers = [(m.name, m.color) for clip in video.find_clips() for m in clip.markers]
    assert ("CHAPTER: THE OUTRO", "MAGENTA") in markers and len(markers) == 8
    second = list(video.find_clips())[1]
    lighting = next(m for m in second.markers if m.name == "CHAPTER: LIGHTING")
    assert lighting.marked_range.start_time.to_seconds() == pytest.approx(15.0)


def test_fcpxml_chapter_markers_and_markers(marked, tmp_path, voiceedit_cli):
    export(voiceedit_cli, marked, tmp_path / "cut.fcpxml")
    text = (tmp_path / "cut.fcpxml").read_text()
    assert '<chapter-marker start="0s" duration="1/30s" value="Intro" posterOffset="0s"' in text
    assert '<chapter-marker start="15s" duration="1/30s" value="Lighting"' in text
    assert 'value="Problem: black for 1.0 s, in shot 3" completed="0"' in text
    document = otio.adapters.read_from_file(str(tmp_path / "cut.fcpxml"),
                                            adapter_name="fcpx_xml")
    markers = [m.name for clip in document.find_clips() for m in clip.markers]
    assert {"Fix the hum", "Shot 3", "Problem: black for 1.0 s, in shot 3"} <= set(markers)
    assert sum(1 for clip in document.find_clips()) == 2  # the clips still read as before


def test_chapter_list_for_a_video_description(marked, tmp_path, voiceedit_cli):
    done = voiceedit_cli("chapters", str(marked))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "00:00 Intro\n00:12 Lighting\n00:30 The outro\n"
    assert done.stderr == ""
    said = export(voiceedit_cli, marked, tmp_path / "description.chapters.txt")
    assert said == "Exported 3 chapters, 42.1 s, to description.chapters.txt."
    assert (tmp_path / "description.chapters.txt").read_text() == done.stdout

    editor = Editor.open(marked)
    assert editor.handle("delete chapter one").applied
    done = voiceedit_cli("chapters", str(marked))
    assert done.stdout == "00:12 Lighting\n00:30 The outro\n"  # nothing added silently
    assert done.stderr.strip() == ("YouTube needs the first chapter at 00:00; the first here "
                                   "is at 00:12. Add a chapter at the start.")
    answer = editor.handle("export the chapters")
    assert answer.message.startswith("Exported 2 chapters, 42.1 s, to "
                                     "interview.chapters.txt. YouTube needs the first")
    assert (tmp_path / "interview.chapters.txt").read_text() == done.stdout


def test_chapter_list_rules():
    assert description_time(3_723_400) == "1:02:03" and description_time(65_900) == "01:05"
    three = [Mark(0, "A", "chapter"), Mark(20000, "B", "chapter"), Mark(40000, "C", "chapter")]
    assert chapter_list_note(three, 60000) == ""
    assert "at least 3 chapters" in chapter_list_note(three[:2], 60000)
    assert "chapter 3 is shorter" in chapter_list_note(three, 45000)


def test_no_chapters_or_no_project_is_one_sentence(tmp_path, sample_video, sample_transcript,
                                                   voiceedit_cli):
    plain = sample_project(tmp_path, sample_video, sample_transcript)
    before = plain.read_bytes()
    done = voiceedit_cli("export", str(plain), "-o", str(tmp_path / "d.chapters.txt"))
    assert (done.returncode, done.stderr.strip()) == (
        1, "There are no chapters; say add a chapter called, then a name.")
    assert not (tmp_path / "d.chapters.txt").exists() and plain.read_bytes() == before
    done = voiceedit_cli("chapters", str(tmp_path / "missing.voiceedit"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
