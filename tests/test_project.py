"""The project file: JSON round trip, atomic saves, and every way opening or saving fails."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from read_only import read_only

from voiceedit.errors import VoiceEditError
from voiceedit.media.probe import MediaInfo
from voiceedit.project import (
    VERSION,
    Pending,
    Project,
    Source,
    load_project,
    project_to_json,
    save_project,
)
from voiceedit.timeline import edits
from voiceedit.timeline.quotes import QuoteMatch
from voiceedit.timeline.transcript import Segment, Transcript, Word
from voiceedit.understand.command import Command, Quote, SpokenTime


def make_project() -> Project:
    words = (Word("Ask", 500, 800, 0.9), Word("not,", 900, 1200, 0.8), Word("um", 1400, 1600))
    transcript = Transcript("/media/a.mp4", 5000, words,
                            (Segment("Ask not, um", 500, 1600, words),), "tiny.en",
                            "faster-whisper")
    media = MediaInfo("/media/a.mp4", 5000, True, True, width=320, height=180,
                      sample_rate=16000)
    project = Project.start((Source(media, transcript),))
    timeline = edits.delete_range(project.timeline, 1300, 1700)
    history = project.history.record(project.timeline, timeline, "deleted 'um'")
    question = Pending("choice",
                       Command("delete_between", {"first": Quote("ask"), "last": QuoteMatch(
                           "not,", 1, 1, 850, 1300, 900, 95.0), "at": SpokenTime(0, "end")},
                               0.6, "delete from ask to not", "delete from <q> to <q>", True),
                       "first", (QuoteMatch("Ask", 0, 0, 250, 850, 500, 100.0),))
    return Project(project.sources, timeline, history, playhead=1300, selection=(0, 900),
                   verbosity="detailed", last_answer="Deleted.", last_action="delete_quote",
                   pending=question)


def test_round_trip_keeps_everything(tmp_path):
    project = make_project()
    path = tmp_path / "talk.voiceedit"
    save_project(path, project)
    assert load_project(path) == project
    data = json.loads(path.read_text())
    assert data["format"] == "voiceedit-project" and data["version"] == VERSION
    assert data["timeline"] == [[0, 0, 1300], [0, 1700, 5000]]  # exact integer ms
    assert [p.name for p in tmp_path.iterdir()] == ["talk.voiceedit"]  # no temp file left


def test_saves_after_edits_reuse_the_sources_and_stay_whole(tmp_path):
    path = tmp_path / "talk.voiceedit"
    project = make_project()
    save_project(path, project)
    for cut in (100, 200, 300):
        project = Project(project.sources, edits.delete_range(project.timeline, cut, cut + 50),
                          playhead=cut)
        save_project(path, project)
        assert load_project(path) == project
        assert json.loads(path.read_text()) == project_to_json(project)


def test_save_replaces_atomically_and_syncs(tmp_path):
    path = tmp_path / "talk.voiceedit"
    save_project(path, make_project())
    inode = path.stat().st_ino
    save_project(path, make_project())
    assert path.stat().st_ino != inode  # a new file renamed over the old, not rewritten


def test_missing_project_says_so(tmp_path):
    with pytest.raises(VoiceEditError, match=r"^There is no project called nope.voiceedit\. "):
        load_project(tmp_path / "nope.voiceedit")


@pytest.mark.parametrize("content", ["{not json", "[]", '{"format": "something else"}',
                                     '{"format": "voiceedit-project", "version": 1}',
                                     "\x00\x01garbage"])
def test_corrupt_project_is_refused_and_left_alone(tmp_path, content):
    path = tmp_path / "talk.voiceedit"
    path.write_text(content)
    with pytest.raises(VoiceEditError) as error:
        load_project(path)
    assert str(error.value) == ("The project file talk.voiceedit is damaged and can't be opened; "
                                "I left it as it is.")
    assert path.read_text() == content


def test_newer_project_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "talk.voiceedit"
    data = project_to_json(make_project())
    data["version"] = VERSION + 1
    path.write_text(json.dumps(data))
    before = path.read_bytes()
    with pytest.raises(VoiceEditError) as error:
        load_project(path)
    assert str(error.value) == (
        f"talk.voiceedit was saved by a newer voiceedit (project format {VERSION + 1}); this one "
        f"reads up to format {VERSION}. I left it as it is.")
    assert path.read_bytes() == before


def test_read_only_folder_says_so_and_changes_nothing(tmp_path):
    path = tmp_path / "talk.voiceedit"
    project = make_project()
    save_project(path, project)
    before = path.read_bytes()
    changed = Project(project.sources, edits.delete_range(project.timeline, 0, 100))
    with read_only(tmp_path), pytest.raises(VoiceEditError) as error:
        save_project(path, changed)
    assert str(error.value).startswith(
        f"I can't save talk.voiceedit in the folder {tmp_path.name}: ")
    assert str(error.value).endswith(". Nothing was changed.")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["talk.voiceedit"]


def test_a_project_saved_with_the_old_verbosity_names_opens_with_the_lists_names(tmp_path):
    path = tmp_path / "old.voiceedit"
    save_project(path, make_project())
    data = json.loads(path.read_text())
    for old, new in (("terse", "brief"), ("verbose", "detailed")):
        path.write_text(json.dumps({**data, "verbosity": old}))
        assert load_project(path).verbosity == new


def _damage(data: dict, how: str) -> str:
    """The project file's text after a hand edit (or a crafted file) of kind `how`."""
    if how == "deep nesting":
        return '{"format": "voiceedit-project", "version": 1, "x": ' + "[" * 100_000 \
            + "]" * 100_000 + "}"
    data = json.loads(json.dumps(data))
    if how == "infinite duration":
        data["sources"][0]["media"]["duration"] = float("inf")
    elif how == "step that no longer fits":
        data["history"]["steps"][0]["added"][0] = [0, 0, 1200]
    elif how == "clip past the source's end":
        data["timeline"][-1][2] = 9000
    elif how == "source number -1":
        data["timeline"][0][0] = -1
    elif how == "float time":
        data["timeline"][0][2] = 1300.5
    elif how == "boolean time":
        data["timeline"][0][1] = False
    elif how == "playhead past the end":
        data["playhead"] = 99_000
    elif how == "unknown question":
        data["pending"]["kind"] = "guess"
    elif how == "question arguments not a mapping":
        data["pending"]["command"]["args"] = ["a", "list"]
    elif how == "fingerprint of the wrong types":
        data["sources"][0]["media"]["fingerprint"] = ["big", 7]
    elif how == "last answer not text":
        data["last_answer"] = 5
    return json.dumps(data)  # Python writes inf as Infinity, as a crafted file could


@pytest.mark.parametrize("how", [
    "deep nesting", "infinite duration", "step that no longer fits",
    "clip past the source's end", "source number -1", "float time", "boolean time",
    "playhead past the end", "unknown question", "question arguments not a mapping",
    "fingerprint of the wrong types", "last answer not text",
])
def test_a_damaged_project_is_one_sentence_and_left_as_it_is(tmp_path, how):
    path = tmp_path / "talk.voiceedit"
    save_project(path, make_project())
    path.write_text(_damage(json.loads(path.read_text()), how))
    before = path.read_bytes()
    with pytest.raises(VoiceEditError) as error:
        load_project(path)
    assert str(error.value) == ("The project file talk.voiceedit is damaged and can't be "
                                "opened; I left it as it is.")
    assert path.read_bytes() == before


def test_a_saved_question_with_arguments_its_action_does_not_take_is_refused(tmp_path):
    from voiceedit.core import Editor

    path = tmp_path / "talk.voiceedit"
    project = make_project()
    bad = Pending("confirm", Command("delete_range", {"bogus": 1}, 0.5, destructive=True))
    save_project(path, replace(project, pending=bad))
    before = path.read_bytes()
    answer = Editor.open(path).handle("yes")
    assert not answer.applied
    assert answer.message == ("The question saved in the project is damaged, so I can't do "
                              "it; say cancel to drop it. Nothing changed.")
    assert path.read_bytes() == before
    assert Editor.open(path).handle("cancel").message == "Cancelled; nothing changed."


def test_a_file_named_twice_is_on_the_new_timeline_twice(tmp_path, sample_video,
                                                           sample_transcript):
    """`voiceedit new p.voiceedit a.mp4 a.mp4` puts a.mp4 there twice, as named; its media
    is kept once."""
    from voiceedit.media.probe import probe
    from voiceedit.project import Source, create_project

    source = Source(probe(sample_video), sample_transcript)
    project = create_project(tmp_path / "twice.voiceedit", [source, source])
    assert len(project.sources) == 1
    clips = load_project(tmp_path / "twice.voiceedit").timeline.clips
    assert [(c.source, c.source_in, c.source_out) for c in clips] == [
        (source.path, 0, source.media.duration)] * 2
