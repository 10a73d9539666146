"""Layers over the clips (timeline/layers.py): anchored in source time, so a marker moves
with the edits around it; stored in the project file; one undo step a change."""

from __future__ import annotations

import json

import pytest

from voiceedit.actions.history import redo, undo
from voiceedit.actions.state import EditorState
from voiceedit.project.encoding import encode_project, project_from_json
from voiceedit.project.model import Project
from voiceedit.timeline.layers import Anchor, Layers, Marker, anchor_at, timeline_time
from voiceedit.timeline.model import Clip, Timeline

A, B = "/media/a.mp4", "/media/b.mp4"
# A[0:4s] | A[9s:12s] | B[0:5s]: 4 s of A, then 3 s of A, then 5 s of B
EDIT = Timeline((Clip(A, 0, 4000), Clip(A, 9000, 12000), Clip(B, 0, 5000)))


def test_an_anchor_plays_where_its_source_moment_is_kept():
    assert timeline_time(Anchor(A, 1500), EDIT) == 1500
    assert timeline_time(Anchor(A, 10000), EDIT) == 5000  # 4 s before it, 1 s into the clip
    assert timeline_time(Anchor(B, 2000), EDIT) == 9000
    assert timeline_time(Anchor(A, 6000), EDIT) is None  # cut out
    assert timeline_time(Anchor(B, 5000), EDIT) == EDIT.duration  # the end stays the end


def test_the_moment_at_a_timeline_time_is_found_and_placed_back():
    for time in (0, 3999, 4000, 6500, 7000, 11999, 12000):
        assert timeline_time(anchor_at(EDIT, time), EDIT) == time
    assert anchor_at(EDIT, 4000) == Anchor(A, 9000)


def project_with_sources() -> Project:
    """A project shape without media on disk: the sources are only names here."""
    from voiceedit.media.probe import MediaInfo
    from voiceedit.project.model import Source
    from voiceedit.timeline.transcript import Transcript

    def source(path: str, duration: int) -> Source:
        return Source(MediaInfo(path=path, duration=duration, has_video=False, has_audio=True,
                                sample_rate=16000),
                      Transcript(media=path, duration=duration, words=()))

    return Project(sources=(source(A, 20000), source(B, 5000)), timeline=EDIT)


def test_layers_are_stored_undone_and_redone():
    state = EditorState(project_with_sources())
    chapter = Marker(Anchor(B, 0), "Interview", "chapter")
    state = state.layered(Layers(markers=(chapter,)), "added chapter 'Interview'")
    assert state.project.layers.markers == (chapter,)

    stored = json.loads(encode_project(state.project))
    assert stored["layers"] == {"markers": [{"at": [1, 0], "name": "Interview",
                                             "kind": "chapter"}]}
    again = project_from_json(stored)
    assert again.layers == state.project.layers and again.history == state.project.history

    undone = undo(EditorState(again))
    assert undone.message == "Undid: added chapter 'Interview'."
    assert undone.state.project.layers == Layers() and undone.state.timeline == EDIT
    redone = redo(undone.state)
    assert redone.state.project.layers.markers == (chapter,)


def test_a_project_without_layers_opens_and_a_bad_layer_is_refused():
    stored = json.loads(encode_project(project_with_sources()))
    del stored["layers"]
    assert project_from_json(stored).layers == Layers()
    stored["layers"] = {"sparkles": []}
    with pytest.raises(ValueError, match="unknown layer"):
        project_from_json(stored)
    stored["layers"] = {"markers": [{"at": [7, 0], "name": "x", "kind": "chapter"}]}
    with pytest.raises(ValueError, match="no place"):
        project_from_json(stored)
