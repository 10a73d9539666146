"""Burned-in captions (interchange/burned_captions.py, media/overlay.py,
actions/burned_captions.py): large boxed captions from the edited, corrected words, drawn in
the picture's lower third by ffmpeg's `subtitles` filter; a setting kept in the project and
undone like any change, or asked for one render with `--captions`."""

from __future__ import annotations

import json

import numpy as np
import pysubs2
import pytest
from finish_media import frames, make_media, new_project

from voiceedit.actions.burned_captions import picture_layers
from voiceedit.actions.output import render_project
from voiceedit.core import Editor
from voiceedit.interchange.burned_captions import (
    MAX_LINE,
    burned_cues,
    captions_ass,
    edit_captions,
)
from voiceedit.interchange.captions import kept_words, speaker_labels
from voiceedit.media.probe import probe
from voiceedit.project import Source, create_project, load_project
from voiceedit.timeline.speaker_names import SpeakerName
from voiceedit.timeline.transcript import Transcript
from voiceedit.timeline.words import TimelineWord


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return make_media(tmp_path_factory.mktemp("captions"))


def test_cues_are_short_lines_of_the_edited_corrected_words(media):
    path = new_project(media, "words")
    editor = Editor.open(path)
    editor.handle("correct clamp to clip")
    editor.handle("delete Today I want")
    project = load_project(path)
    transcripts = {s.path: project.transcript_of(s) for s in project.sources}
    cues = edit_captions(project.timeline, transcripts)
    text = " ".join(cue.text for cue in cues)
    assert text.startswith("to show you the lighting rig") and "two clip lights" in text
    assert "Today" not in text and "clamp" not in text
    assert all(len(cue.lines) <= 2 and all(len(line) <= MAX_LINE for line in cue.lines)
               for cue in cues)
    # timeline times, as the SRT export has them
    assert cues[0].start == kept_words(project.timeline, transcripts.values())[0].start
    assert cues[0].start < 200


def test_the_style_is_big_bold_white_on_a_black_box_at_the_bottom_centre():
    cues = burned_cues([TimelineWord("Hello", 0, 500, 0), TimelineWord("there.", 500, 900, 0)])
    subs = pysubs2.SSAFile.from_string(captions_ass(cues, 1280, 720))
    style = subs.styles["Default"]
    assert (subs.info["PlayResX"], subs.info["PlayResY"]) == ("1280", "720")
    assert style.fontname == "DejaVu Sans" and style.bold and style.fontsize >= 50
    assert style.borderstyle == 3 and style.alignment == pysubs2.Alignment.BOTTOM_CENTER
    assert (style.primarycolor.r, style.primarycolor.g, style.primarycolor.b) == (255, 255, 255)
    assert (style.outlinecolor.r, style.outlinecolor.a) == (0, 0)  # the box: opaque black
    assert [(e.start, e.end, e.plaintext) for e in subs] == [(0, 900, "Hello there.")]


def test_speaker_names_start_a_caption_at_each_change_of_speaker():
    file = "/media/talk.mp4"
    anna, ben = (file, 1), (file, 2)
    words = [TimelineWord("Hi.", 0, 300, 0, anna), TimelineWord("So", 400, 600, 0, ben),
             TimelineWord("yes", 600, 800, 0, None), TimelineWord("right", 850, 900, 0, anna)]
    names = (SpeakerName(file, 1, "Anna"), SpeakerName(file, 2, "Ben"))
    labels = speaker_labels(words, names)  # a word of unknown voice stays with the last
    assert [cue.text for cue in burned_cues(words, labels)] == [
        "Anna: Hi.", "Ben: So yes", "Anna: right"]
    assert [cue.text for cue in burned_cues(words)] == ["Hi.", "So yes right"]


def test_a_long_labelled_cue_keeps_to_two_lines():
    file = "/media/talk.mp4"
    sentence = "we went down to the harbour early and watched the boats come in"
    texts = sentence.split(" ")
    words = [TimelineWord(t, i * 200, i * 200 + 150, 0, (file, 1)) for i, t in enumerate(texts)]
    labels = speaker_labels(words, (SpeakerName(file, 1, "Anna"), SpeakerName(file, 2, "Ben")))
    cues = burned_cues(words, labels)
    assert all(len(cue.lines) <= 2 and all(len(line) <= MAX_LINE for line in cue.lines)
               for cue in cues)
    assert all(cue.lines[0].startswith("Anna: ") for cue in cues)
    assert " ".join(cue.text.removeprefix("Anna: ") for cue in cues) == sentence


def caption_pixels(plain: np.ndarray, captioned: np.ndarray) -> np.ndarray:
    """Where the two frames differ visibly: a mask of pixels."""
    return np.abs(plain.astype(int) - captioned.astype(int)).max(axis=2) > 60


def test_captions_are_drawn_in_the_lower_third_only(media, voiceedit_cli):
    path = new_project(media, "drawn")
    plain, captioned = media / "plain.mp4", media / "captioned.mp4"
    for target, extra in ((plain, ()), (captioned, ("--captions",))):
        done = voiceedit_cli("render", str(path), "-o", str(target), *extra)
        assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Rendered 9.0 s to captioned.mp4, with the captions burned in."
    without, with_captions = frames(plain), frames(captioned)
    assert len(without) == len(with_captions) == 270
    height = without[0].shape[0]
    for n in (30, 150, 250):  # during the first, second and last captions
        differ = caption_pixels(without[n], with_captions[n])
        rows = np.nonzero(differ.any(axis=1))[0]
        assert differ.sum() > 500 and rows.min() >= height * 2 // 3
    assert probe(captioned).duration == probe(plain).duration


def test_burn_in_the_captions_is_a_setting_kept_and_undone(media):
    path = new_project(media, "setting")
    editor = Editor.open(path)
    assert editor.handle("burn in the captions").message == (
        "Captions will be burned in when you render.")
    assert json.loads(path.read_text())["layers"] == {
        "burned_captions": [{"speaker_names": False}]}
    project = load_project(path)
    assert picture_layers(project).captions is not None
    result = render_project(project, media / "setting.mp4", project_path=path)
    assert result.message == "Rendered 9.0 s to setting.mp4, with the captions burned in."
    assert editor.handle("undo that").message.startswith("Undid: burned in the captions.")
    assert json.loads(path.read_text()).get("layers", {}) == {}
    assert picture_layers(load_project(path)).captions is None
    editor.handle("burn in the captions with speaker names")
    assert json.loads(path.read_text())["layers"] == {
        "burned_captions": [{"speaker_names": True}]}
    result = render_project(load_project(path), media / "names.mp4", project_path=path)
    assert result.message == (  # until words carry speakers (issue 19, another part)
        "Rendered 9.0 s to names.mp4, with the captions burned in; no words know their "
        "speaker yet, so the captions carry no names.")


def test_render_with_captions_renders_once_with_them_and_keeps_the_setting(media):
    path = new_project(media, "once")
    answer = Editor.open(path).handle("render with captions")
    assert answer.message == "Rendered 9.0 s to once-edit.mp4, with the captions burned in."
    assert json.loads(path.read_text()).get("layers", {}) == {}
    assert (media / "once-edit.mp4").is_file()


def test_a_sound_only_render_lays_nothing_and_says_nothing_of_it(media):
    path = new_project(media, "sound")
    editor = Editor.open(path)
    editor.handle("burn in the captions")
    editor.handle("cover clip one with broll.mp4")
    result = render_project(load_project(path), media / "sound.m4a", project_path=path)
    assert result.message == "Rendered 9.0 s to sound.m4a."
    assert not probe(media / "sound.m4a").has_video


def test_an_edit_without_words_says_so_and_writes_nothing(media, voiceedit_cli, tmp_path):
    info = probe(media / "interview.mp4")
    path = tmp_path / "silent.voiceedit"
    create_project(path, [Source(info, Transcript(info.path, info.duration, ()))])
    done = voiceedit_cli("render", str(path), "-o", str(tmp_path / "out.mp4"), "--captions")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert (done.stdout + done.stderr).strip() == (
        "There are no transcribed words in this edit to burn in as captions.")
    assert not (tmp_path / "out.mp4").exists()
