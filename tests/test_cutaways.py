"""Cutaways (timeline/cutaways.py, actions/cutaways.py, media/overlay.py): another file's
picture over a stretch of the edit, the edit's sound kept; spoken, stored, undone, rendered
frame-exact with real ffmpeg on generated colour media."""

from __future__ import annotations

import json
import subprocess
from fractions import Fraction

import pytest
from finish_media import (
    BROLL_TONE,
    INTERVIEW_TONE,
    dominant_tone,
    frame_colours,
    is_blue,
    is_red,
    make_media,
    new_project,
)

from voiceedit.actions.cutaways import project_cutaways
from voiceedit.actions.output import render_project
from voiceedit.core import Editor
from voiceedit.errors import VoiceEditError
from voiceedit.project import load_project
from voiceedit.timeline import edits
from voiceedit.timeline.cutaways import Cutaway, CutawayPiece, cover, cutaway_pieces, flattened
from voiceedit.timeline.layers import Anchor, Layers
from voiceedit.timeline.model import Clip, Timeline

A, B, BROLL = "/m/a.mp4", "/m/b.mp4", "/m/broll.mp4"
WHOLE = Timeline((Clip(A, 0, 10000),))


# --- the model: where a cutaway shows ------------------------------------------------------


def test_a_cutaway_covers_what_remains_of_its_stretch_after_a_cut():
    cutaway, covered = cover(WHOLE, 2000, 6000, BROLL, 500, 20000)
    assert covered == 4000
    assert cutaway == Cutaway(Anchor(A, 2000), Anchor(A, 6000), BROLL, 500)
    assert cutaway_pieces(cutaway, WHOLE) == [CutawayPiece(BROLL, 2000, 6000, 500)]
    # Cutting 3..4 s out of the covered stretch: 3 s remain covered, the b-roll runs on.
    cut = edits.delete_range(WHOLE, 3000, 4000)
    assert cutaway_pieces(cutaway, cut) == [CutawayPiece(BROLL, 2000, 5000, 500)]
    # Material moved: the cutaway goes with its source moments, the b-roll in timeline order.
    moved = Timeline((Clip(A, 4000, 10000), Clip(A, 0, 4000)))
    assert cutaway_pieces(cutaway, moved) == [CutawayPiece(BROLL, 0, 2000, 500),
                                              CutawayPiece(BROLL, 8000, 10000, 2500)]
    assert cutaway_pieces(cutaway, edits.delete_range(WHOLE, 1000, 7000)) == []  # cut out


def test_a_cutaway_longer_than_its_file_covers_what_the_file_has():
    cutaway, covered = cover(WHOLE, 1000, 9000, BROLL, 1000, 3000)
    assert covered == 2000 and cutaway.end == Anchor(A, 3000)
    with pytest.raises(VoiceEditError, match=r"broll.mp4 is only 3.0 s long; it has no "
                                             r"picture from 3.0 s on"):
        cover(WHOLE, 1000, 9000, BROLL, 3000, 3000)


def test_a_stretch_over_two_sources_is_refused():
    two = Timeline((Clip(A, 0, 4000), Clip(B, 0, 4000)))
    with pytest.raises(VoiceEditError, match="more than one piece of footage"):
        cover(two, 3000, 5000, BROLL, 0, 9000)
    # a stretch ending exactly where the next source begins is one source's
    assert cover(two, 3000, 4000, BROLL, 0, 9000)[0].end == Anchor(A, 4000)


def test_overlapping_cutaways_show_the_later_one_on_top():
    first, second = CutawayPiece(BROLL, 0, 6000, 0), CutawayPiece(B, 2000, 3000, 700)
    assert flattened([first, second]) == [CutawayPiece(BROLL, 0, 2000, 0), second,
                                          CutawayPiece(BROLL, 3000, 6000, 3000)]


def test_cutaways_are_stored_by_source_number_and_bad_ones_refused():
    sources = (A, BROLL)
    layers = Layers(cutaways=(Cutaway(Anchor(A, 2000), Anchor(A, 6000), BROLL, 500),))
    stored = layers.to_json(sources)
    assert stored == {"cutaways": [{"from": [0, 2000], "to": [0, 6000], "media": 1, "in": 500}]}
    assert Layers.from_json(stored, sources) == layers
    for bad in ({"from": [0, 6000], "to": [0, 2000], "media": 1},
                {"from": [0, 0], "to": [0, 10], "media": 5}, ["nope"]):
        with pytest.raises(ValueError):
            Layers.from_json({"cutaways": [bad]}, sources)


# --- spoken: announced, listed, removed, undone, on disk ----------------------------------


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return make_media(tmp_path_factory.mktemp("cutaways"))


def stored_cutaways(path) -> list:
    return json.loads(path.read_text())["layers"].get("cutaways", [])


def test_spoken_cutaways_are_announced_listed_removed_and_undone(media):
    path = new_project(media, "spoken")
    editor = Editor.open(path)
    said = editor.handle("cover the lighting rig with broll.mp4")
    assert said.message == "Covered 'the lighting rig' with broll.mp4, 1.2 s."
    assert stored_cutaways(path) == [{"from": [0, 2550], "to": [0, 3750], "media": 1, "in": 0}]
    broll = load_project(path).sources[1]
    assert broll.path == str(media / "broll.mp4") and broll.media.fingerprint is not None
    assert broll.transcript.words == ()  # media only: never transcribed

    said = editor.handle("cover clip one with broll from 1 second of it")
    assert said.message == ("Covered clip 1 with broll.mp4, 2.0 s; broll.mp4 has only 2.0 s "
                            "from 1.0 s, so the last 7.0 s stay uncovered.")
    assert stored_cutaways(path)[1] == {"from": [0, 0], "to": [0, 2000], "media": 1, "in": 1000}
    said = editor.handle("cover from 5 seconds to 6 seconds with b roll")
    assert said.message == "Covered 5.0 s to 6.0 s with broll.mp4, 1.0 s."
    assert editor.handle("list the cutaways").message == (
        "3 cutaways: 1, broll.mp4 at 2.6 s for 1.2 s: 'the lighting rig'; 2, broll.mp4 at "
        "0.0 s for 2.0 s: 'Today I want to show'; 3, broll.mp4 at 5.0 s for 1.0 s: "
        "'almost nothing. It'.")

    assert editor.handle("remove cutaway 2").message == (
        "Removed cutaway 2, broll.mp4. 2 cutaways left.")
    assert len(stored_cutaways(path)) == 2
    assert editor.handle("undo that").message.startswith("Undid: removed the cutaway")
    assert len(stored_cutaways(path)) == 3
    editor.handle("remove all the cutaways")
    assert stored_cutaways(path) == []
    editor.handle("undo that")
    assert len(stored_cutaways(path)) == 3


def test_a_file_that_is_missing_or_has_no_picture_is_one_sentence(media):
    path = new_project(media, "refused")
    editor = Editor.open(path)
    before = path.read_bytes()
    for said, answer in (
        ("cover the lighting rig with sound.wav",
         "sound.wav has no picture, so it can't cover anything."),
        ("cover the lighting rig with nothing.mp4",
         "I can't find a media file called 'nothing.mp4' next to the project."),
        ("cover clip seven with broll.mp4", None),
        ("remove the cutaway", "There are no cutaways to remove."),
    ):
        heard = editor.handle(said)
        assert not heard.applied and (answer is None or heard.message == answer)
    assert path.read_bytes() == before


# --- rendered: the b-roll's frames over exactly its stretch, the interview's sound --------


def grid_frames_of(pieces, rate: int = 30) -> set[int]:
    return {n for p in pieces for n in range(round(Fraction(p.start * rate, 1000)),
                                             round(Fraction(p.end * rate, 1000)))}


def test_the_render_shows_the_broll_over_its_stretch_with_the_interviews_sound(media):
    path = new_project(media, "render")
    editor = Editor.open(path)
    editor.handle("cover the lighting rig with broll.mp4")
    editor.handle("delete lighting")  # cut part of the covered stretch: the rest stays covered
    project = load_project(path)
    pieces = project_cutaways(project)
    assert [p.duration for p in pieces] == [800]
    result = render_project(project, media / "render.mp4", project_path=path)
    assert result.message == "Rendered 8.6 s to render.mp4, with 1 cutaway."

    colours = frame_colours(media / "render.mp4")
    covered = grid_frames_of(pieces)
    assert len(colours) == 258 and len(covered) == 24
    assert {n for n, c in enumerate(colours) if is_blue(c)} == covered
    assert all(is_red(c) for n, c in enumerate(colours) if n not in covered)
    corner = frame_colours(media / "render.mp4", y=3)  # the 160x90 b-roll fills the frame
    assert all(is_blue(corner[n]) for n in covered)
    first = min(covered) / 30
    assert dominant_tone(media / "render.mp4", first + 0.05, first + 0.75) == INTERVIEW_TONE
    assert dominant_tone(media / "broll.mp4", 0.1, 0.8) == BROLL_TONE  # (what it would be)
    streams = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_type,duration", "-of",
         "csv=p=0", str(media / "render.mp4")], capture_output=True, text=True).stdout
    durations = {kind: float(value) for kind, value in
                 (line.split(",") for line in streams.split())}
    assert abs(durations["video"] - durations["audio"]) < 1 / 30 + 0.025  # one AAC frame


def test_smart_render_and_moviepy_step_aside_for_the_graph_that_lays_cutaways(media):
    path = new_project(media, "aside")
    Editor.open(path).handle("cover from 1 second to 2 seconds with broll")
    project = load_project(path)
    smart = render_project(project, media / "smart.mp4", smart=True, project_path=path)
    assert smart.message.startswith("Cutaways and burned-in captions change the picture, so I "
                                    "re-encoded everything. Rendered 9.0 s to smart.mp4")
    moviepy = render_project(project, media / "moviepy.mp4", engine="moviepy",
                             project_path=path)
    assert moviepy.message.startswith("moviepy can't lay cutaways or captions over the "
                                      "picture, so ffmpeg rendered it.")
    for name in ("smart.mp4", "moviepy.mp4"):
        colours = frame_colours(media / name)
        assert {n for n, c in enumerate(colours) if is_blue(c)} == set(range(30, 60))


def test_a_changed_broll_file_stops_the_render_with_one_sentence(media, tmp_path):
    import shutil

    folder = tmp_path
    for name in ("interview.mp4", "broll.mp4"):
        shutil.copy(media / name, folder / name)
    path = new_project(folder, "changed")
    Editor.open(path).handle("cover clip one with broll.mp4")
    (folder / "broll.mp4").write_bytes(b"x" * 100)
    with pytest.raises(VoiceEditError, match="The source file broll.mp4 has changed"):
        render_project(load_project(path), folder / "out.mp4", project_path=path)
    assert not (folder / "out.mp4").exists()
