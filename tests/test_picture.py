"""Picture analysis on generated footage whose every shot is known (tests/picture_media.py):
boundaries within one frame, the title read, faces found where they are, each problem flagged
on its own shot and none on the clean one; shots mapped through an edited timeline; the
project file keeps them; `voiceedit shots` prints and --json gives them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from picture_media import RATE, SEGMENTS, TITLE, starts_ms

from voiceedit.picture.analyse import analyse_picture
from voiceedit.picture.placed import place_shots
from voiceedit.picture.shots import Picture, Problem, Shot
from voiceedit.project import create_project, load_project, make_source
from voiceedit.project.encoding import project_from_json, project_to_json
from voiceedit.timeline.model import Clip, Timeline

FRAME_MS = 1000 / RATE


@pytest.fixture(scope="module")
def footage(known_footage) -> Path:
    return known_footage


@pytest.fixture(scope="module")
def picture(known_picture) -> Picture:
    return known_picture


def shot_of(picture: Picture, name: str) -> Shot:
    index = [s.name for s in SEGMENTS].index(name)
    return picture.shots[index]


def test_boundaries_within_one_frame(picture):
    assert len(picture.shots) == len(SEGMENTS)
    for shot, start in zip(picture.shots, starts_ms(), strict=True):
        assert abs(shot.start - start) <= FRAME_MS, (shot, start)
    assert [s.end for s in picture.shots[:-1]] == [s.start for s in picture.shots[1:]]
    assert picture.shots[-1].end == picture.duration


def test_each_problem_on_its_own_shot(picture):
    for segment, shot in zip(SEGMENTS, picture.shots, strict=True):
        assert shot.flags == segment.flags, (segment.name, shot.problems)


def test_the_clean_shot_says_nothing_wrong(picture):
    clean = shot_of(picture, "clean")
    assert clean.flags == () and clean.faces == 0
    assert "colourful" in clean.looks


def test_title_read_and_faces_found(picture):
    title = shot_of(picture, "title")
    assert title.text == TITLE
    assert title.description.startswith(f"text '{TITLE}'")
    faces = shot_of(picture, "faces")
    assert (faces.faces, faces.face_positions) == (2, ("left", "right"))
    assert all(s.faces == 0 for s in picture.shots if s is not faces)


def test_looks_and_motion_in_words(picture):
    assert shot_of(picture, "pan").motion == "camera pans right"
    assert shot_of(picture, "title").motion == "no movement"
    assert "mostly white" in shot_of(picture, "bright").looks
    assert shot_of(picture, "title").looks == ("mostly blue",)
    frozen = shot_of(picture, "frozen")
    problem = frozen.problems[0]
    assert abs(problem.start - (frozen.start + 800)) <= 2 * FRAME_MS  # froze after 0.8 s
    assert problem.end == frozen.end


def test_second_analysis_comes_from_the_cache(footage):
    first = analyse_picture(footage)
    again = analyse_picture(footage)
    assert again.meta["cached"] and again.shots == first.shots


def test_json_round_trip(picture):
    assert Picture.from_json(json.loads(json.dumps(picture.to_json()))).shots == picture.shots
    compact = json.loads(json.dumps(picture.to_compact()))
    assert Picture.from_compact(picture.media, picture.duration, compact).shots == picture.shots


def test_shots_follow_the_timeline():
    """A shot cut in two by an edit is two timeline shots; removed parts and their problems
    are gone; clips that continue each other show one shot."""
    picture = Picture("/a.mp4", 10_000, (
        Shot(0, 4000, problems=(Problem("frozen", 3000, 4000),)),
        Shot(4000, 10_000, text="END"),
    ))
    cut = Timeline((Clip("/a.mp4", 0, 1500), Clip("/a.mp4", 2500, 6000)))
    placed = place_shots(cut, {"/a.mp4": picture})
    assert [(p.shot.start, p.shot.end, p.number) for p in placed] == [
        (0, 1500, 0), (1500, 3000, 0), (3000, 5000, 1)]
    assert placed[1].shot.problems == (Problem("frozen", 2000, 3000),)
    assert placed[1].source_start == 2500
    trimmed = place_shots(Timeline((Clip("/a.mp4", 0, 2000),)), {"/a.mp4": picture})
    assert [p.shot.flags for p in trimmed] == [()]
    split = Timeline((Clip("/a.mp4", 0, 3500), Clip("/a.mp4", 3500, 5000)))
    assert [(p.shot.start, p.shot.end) for p in place_shots(split, {"/a.mp4": picture})] == [
        (0, 4000), (4000, 5000)]
    assert place_shots(split, {})[:1] == ()


@pytest.fixture(scope="module")
def project(footage, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("project") / "known.voiceedit"
    create_project(path, [make_source(footage)])
    return path


def test_project_keeps_the_shots_and_old_files_load(project, picture):
    loaded = load_project(project)
    assert loaded.sources[0].picture.shots == picture.shots
    data = project_to_json(loaded)
    del data["sources"][0]["picture"]  # a project saved before shots were kept
    assert project_from_json(data).sources[0].picture is None


def test_shots_command_reads_the_timeline(project, voiceedit_cli):
    done = voiceedit_cli("do", str(project), "delete from 5 seconds to 7 seconds")
    assert done.returncode == 0, done.stderr
    listed = voiceedit_cli("shots", str(project))
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert len(lines) == len(SEGMENTS) - 1  # the title card is gone
    assert lines[2] == "Shot 3, 0:04.0 to 0:05.0: black."
    assert lines[3] == "Shot 4, 0:05.0 to 0:07.0: colourful; camera still; blurry."
    assert TITLE not in listed.stdout
    found = json.loads(voiceedit_cli("shots", str(project), "--json").stdout)["shots"]
    assert [s["flags"] for s in found][2:5] == [["black"], ["blurry"], ["shaky"]]
    assert found[-1]["faces"] == 2 and found[-1]["end"] == pytest.approx(16.6, abs=0.05)
    assert set(found[0]) >= {"start", "end", "text", "faces", "flags", "description"}
    timeline = json.loads(voiceedit_cli("timeline", str(project), "--json").stdout)
    assert timeline["playhead"] == 5.0  # where the delete left it
