"""The picture, spoken (actions/picture.py) and what cuts join (actions/joins.py), on real
generated footage whose every shot is known (tests/picture_media.py) and on the bundled
interview (real speech, one shot with a burnt-in timecode that keeps changing)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from picture_media import SEGMENTS, TITLE

from voiceedit.actions.joins import join_notes, new_joins
from voiceedit.core import Editor
from voiceedit.media.probe import probe
from voiceedit.picture.analyse import ANALYSIS_VERSION, seen_spans
from voiceedit.picture.placed import place_shots
from voiceedit.picture.shots import Picture, Seen, Shot
from voiceedit.project import Project, Source, load_project, save_project
from voiceedit.timeline.model import Clip, Timeline
from voiceedit.timeline.transcript import Transcript, Word
from voiceedit.timeline.words import SourceWords

SHOTS = len(SEGMENTS)


def shot_start(picture: Picture, name: str) -> int:
    return picture.shots[[s.name for s in SEGMENTS].index(name)].start


@pytest.fixture
def known(tmp_path, known_footage, known_picture) -> Path:
    """A fresh project over the known footage (no sound, so no words)."""
    info = probe(known_footage)
    source = Source(info, Transcript(info.path, info.duration, ()), known_picture)
    path = tmp_path / "known.voiceedit"
    save_project(path, Project.start((source,)))
    return path


@pytest.fixture
def interview(tmp_path, sample_video, sample_transcript, sample_picture) -> Path:
    """A fresh project over the interview: real words and a real picture."""
    source = Source(probe(sample_video), sample_transcript, sample_picture)
    path = tmp_path / "interview.voiceedit"
    save_project(path, Project.start((source,)))
    return path


def said(editor: Editor, *commands: str) -> list[str]:
    answers = [editor.handle(command) for command in commands]
    assert all(a.applied for a in answers), [a.message for a in answers]
    return [a.message for a in answers]


# --- moving by shots -----------------------------------------------------------------------


def test_go_to_shot_moves_the_playhead_and_says_which_shot(known, known_picture):
    editor = Editor.open(known)
    title = shot_start(known_picture, "title")
    assert said(editor, "go to shot four") == [
        f"Shot 4 of {SHOTS} at {title / 1000:.1f} s: text '{TITLE}'."]
    assert load_project(known).playhead == title
    assert said(editor, "next shot") == [f"Shot 5 of {SHOTS} at 7.0 s: blurry."]
    assert load_project(known).playhead == shot_start(known_picture, "blurred")
    # Back to the previous shot's start; from inside a shot, first to its own start.
    assert said(editor, "previous shot", "go to 7.5", "previous shot")[2] == (
        f"Shot 5 of {SHOTS} at 7.0 s: blurry.")
    answer = editor.handle("go to shot 11")
    assert not answer.applied and answer.message == (
        f"There are {SHOTS} shots; say a shot from 1 to {SHOTS}.")


def test_find_where_the_screen_says_moves_the_playhead_there(known, known_picture,
                                                             voiceedit_cli):
    found = voiceedit_cli("do", str(known), "find where the screen says chapter two")
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == f"Shot 4 of {SHOTS} at 5.0 s: text '{TITLE}'."
    assert load_project(known).playhead == shot_start(known_picture, "title")
    timeline = json.loads(voiceedit_cli("timeline", str(known), "--json").stdout)
    assert timeline["playhead"] == 5.0
    # Words that only resemble the card's are not taken for it; nothing moves.
    before = known.read_bytes()
    missing = voiceedit_cli("do", str(known), "find where the screen says chapter one")
    assert missing.returncode != 0 and "Traceback" not in missing.stderr
    assert "No shot's on-screen text says 'chapter one'." in missing.stdout + missing.stderr
    assert known.read_bytes() == before


# --- describing ----------------------------------------------------------------------------


def test_describe_this_shot_brief_then_in_full(known):
    editor = Editor.open(known)
    first, again = said(editor, "go to shot four", "describe this shot", "describe this shot")[1:]
    assert first == f"Shot 4 of {SHOTS}, 2.0 s: text '{TITLE}'; mostly blue."
    assert again == (f"Shot 4 of {SHOTS}, 2.0 s, 5.0 s to 7.0 s: text '{TITLE}'; mostly blue; "
                     "no movement.")
    faces = said(editor, f"go to shot {SHOTS}", "describe this shot")[1]
    assert faces.startswith(f"Shot {SHOTS} of {SHOTS}, 2.0 s: 2 faces, left and right")


def test_how_many_shots_and_what_is_on_screen(known):
    editor = Editor.open(known)
    assert said(editor, "how many shots") == [f"{SHOTS} shots, 18.6 s; 6 with problems."]
    assert said(editor, "go to 5.5", "what is on screen")[1] == (
        f"At 5.5 s, shot 4 of {SHOTS}: text '{TITLE}'.")
    assert said(editor, "go to 4.5", "what's on the screen")[1] == (
        f"At 4.5 s, shot 3 of {SHOTS}: no text and no faces.")
    assert said(editor, "go to 18", "what is on screen")[1] == (
        f"At 18.0 s, shot {SHOTS} of {SHOTS}: 2 faces, left and right.")


def test_read_the_problems_and_go_to_the_next(known, known_picture):
    editor = Editor.open(known)
    frozen = next(s for s in known_picture.shots if "frozen" in s.flags).problems[0].start
    assert said(editor, "read the problems") == [
        "6 problems: black, shot 3 at 4.0 s; blurry, shot 5 at 7.0 s; shaky, shot 6 at "
        f"9.0 s; frozen, shot 7 at {frozen / 1000:.1f} s; dark, shot 8 at 13.4 s; bright, "
        "shot 9 at 15.0 s."]
    assert said(editor, "next problem", "next problem") == [
        "Black, shot 3 at 4.0 s, 1.0 s long. Problem 1 of 6.",
        "Blurry, shot 5 at 7.0 s, 2.0 s long. Problem 2 of 6."]
    assert load_project(known).playhead == shot_start(known_picture, "blurred")


# --- what a cut joins ----------------------------------------------------------------------


def test_a_cut_inside_one_shot_is_a_jump_cut_and_one_at_a_shot_boundary_is_not(known):
    editor = Editor.open(known)
    assert said(editor, "delete from 0.5 seconds to 1.5 seconds") == [
        "Deleted 1.0 s. Now 17.6 s. Jump cut."]
    said(editor, "undo that")
    # From the pan's first frame to the title's: two different shots meet, nothing to say.
    assert said(editor, "delete from 2 seconds to 5 seconds") == ["Deleted 3.0 s. Now 15.6 s."]
    said(editor, "undo that")
    assert said(editor, "delete from 3 seconds to 4.5 seconds") == [
        "Deleted 1.5 s. Now 17.1 s. Black frame at the cut."]


def test_verbosity_decides_what_a_cut_says(known):
    editor = Editor.open(known)
    assert said(editor, "be brief", "delete from 0.5 seconds to 1.5 seconds")[1] == (
        "Deleted 1.0 s.")
    said(editor, "undo that")
    detailed = said(editor, "be detailed", "delete from 0.5 seconds to 1.5 seconds")[1]
    assert detailed.endswith(" Jump cut. Shot 1 joins shot 2.")


def test_a_cut_in_the_middle_of_a_word_is_said(interview):
    words = load_project(interview).sources[0].transcript.words
    word = max(words[:12], key=lambda w: w.end - w.start)
    middle = (word.start + word.end) // 2
    gap = next(w for w in words if w.start > middle + 1000).start  # a word's first moment
    editor = Editor.open(interview)
    answer = said(editor, f"delete from {middle / 1000} to {gap / 1000}")[0]
    assert answer.endswith(" Jump cut. Cut in the middle of a word."), answer
    said(editor, "undo that")
    # Cut where one word begins and where a later one begins, each after a pause: one shot
    # still, so a jump cut, but no word is split.
    after_pause = [b for a, b in zip(words, words[1:], strict=False) if b.start > a.end]
    first, last = after_pause[1], after_pause[3]
    answer = said(editor, f"delete from {first.start / 1000} to {last.start / 1000}")[0]
    assert answer.endswith(" Jump cut."), answer


def test_join_notes_pure():
    picture = Picture("/a.mp4", 10_000, (Shot(0, 4000), Shot(4000, 10_000)))
    words = {"/a.mp4": SourceWords(Transcript("/a.mp4", 10_000, (
        Word("hello", 1000, 1600), Word("there", 1600, 2000))))}
    whole = Timeline((Clip("/a.mp4", 0, 10_000),))
    cut = Timeline((Clip("/a.mp4", 0, 1300), Clip("/a.mp4", 4000, 10_000)))
    assert [j.at for j in new_joins(whole, cut)] == [1300]
    assert join_notes(whole, cut, {"/a.mp4": picture}, words, 1, 3) == (
        "Cut in the middle of a word.")
    assert join_notes(whole, cut, {"/a.mp4": picture}, words, 0, 3) == ""
    assert join_notes(whole, cut, {"/a.mp4": picture}, words, 2, 3) == (
        "Cut in the middle of a word. Shot 1 joins shot 2.")
    split = Timeline((Clip("/a.mp4", 0, 3000), Clip("/a.mp4", 3000, 10_000)))
    assert new_joins(whole, split) == []  # a split is no cut
    # Two cuts, one of them inside a word and both inside shots: counted, one in the singular
    two = Timeline((Clip("/a.mp4", 0, 1300), Clip("/a.mp4", 2000, 2500),
                    Clip("/a.mp4", 3000, 10_000)))
    assert join_notes(whole, two, {"/a.mp4": picture}, words, 1, 3) == (
        "2 jump cuts. 1 cut in the middle of a word.")


# --- the text a kept piece says --------------------------------------------------------------


def test_a_kept_piece_says_only_the_text_read_inside_it(sample_video, sample_picture):
    """The interview is one shot whose burnt-in timecode changes: the whole shot read three
    different texts, the first ten seconds of it only the first."""
    [shot] = sample_picture.shots
    assert len({s.text for s in shot.seen}) == 3 and shot.text.count(" / ") == 2
    first, second = shot.seen[0].text, shot.seen[1].text
    kept = Timeline((Clip(str(sample_video), 0, 10_000), Clip(str(sample_video), 20_000, 30_000)))
    placed = place_shots(kept, {str(sample_video): sample_picture})
    assert [p.shot.text for p in placed] == [first, second]
    # Two pieces that continue each other are one shot with both texts, said once each.
    both = Timeline((Clip(str(sample_video), 0, 14_000), Clip(str(sample_video), 14_000, 20_000)))
    [joined] = place_shots(both, {str(sample_video): sample_picture})
    assert joined.shot.text == f"{first} / {second}"


def test_what_is_on_screen_reads_the_text_nearest_the_playhead(interview, sample_picture):
    editor = Editor.open(interview)
    second = sample_picture.shots[0].seen[1].text
    assert said(editor, "go to 20", "what is on screen")[1] == (
        f"At 20.0 s, shot 1 of 1: text '{second}'.")


def test_where_text_was_read_is_kept_and_old_analyses_still_load():
    assert seen_spans(((1000, "A"), (5000, ""), (9000, "A"), (13_000, "B")), 0, 16_000) == (
        Seen(0, 3000, "A"), Seen(7000, 11_000, "A"), Seen(11_000, 16_000, "B"))
    shot = Shot(0, 16_000, "A / B", seen=(Seen(0, 11_000, "A"), Seen(11_000, 16_000, "B")))
    assert Shot.from_compact(json.loads(json.dumps(shot.to_compact()))) == shot
    assert Shot.from_json(json.loads(json.dumps(shot.to_json()))) == shot
    old = Shot.from_compact([0, 16_000, "A / B", 0, [], [], "", []])  # a version 1 project
    assert old.seen == () and old.within(12_000, 16_000).text == "A / B"
    assert shot.within(12_000, 16_000).text == "B"
    assert ANALYSIS_VERSION == 2  # the cache key: version 1 entries, without it, are not read


# --- without a picture ---------------------------------------------------------------------


def _lavfi(path: Path, *graph: str) -> Path:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *graph, str(path)], check=True)
    return path


def test_without_a_picture_one_sentence_and_nothing_changes(tmp_path, voiceedit_cli):
    sound = _lavfi(tmp_path / "tone.wav", "-f", "lavfi", "-i", "sine=frequency=440:d=2")
    video = _lavfi(tmp_path / "old.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=2",
                   "-pix_fmt", "yuv420p")
    for media, sentence in (
            (sound, "This project has no video, so it has no shots."),
            (video, "This project's video was added before pictures were analysed; run "
                    "voiceedit shots on the project once to analyse it.")):
        info = probe(media)
        path = tmp_path / f"{media.stem}.voiceedit"
        save_project(path, Project.start((Source(info, Transcript(info.path, info.duration,
                                                                  ())),)))
        before = path.read_bytes()
        for command in ("describe this shot", "go to shot two"):
            done = voiceedit_cli("do", str(path), command)
            assert done.returncode != 0 and "Traceback" not in done.stderr
            assert (done.stdout + done.stderr).strip() == sentence
        assert path.read_bytes() == before
    # `voiceedit shots` analyses the old source (cached), and the commands then find it.
    assert voiceedit_cli("shots", str(tmp_path / "old.voiceedit")).returncode == 0
    done = voiceedit_cli("do", str(tmp_path / "old.voiceedit"), "how many shots")
    assert done.returncode == 0 and done.stdout.startswith("1 shot, 2.0 s"), done.stdout


def test_an_old_project_keeps_working_without_where_text_was_read(known, known_picture):
    old = replace(known_picture, shots=tuple(replace(s, seen=()) for s in known_picture.shots))
    project = load_project(known)
    save_project(known, replace(project, sources=(replace(project.sources[0], picture=old),)))
    assert said(Editor.open(known), "find where the screen says chapter two") == [
        f"Shot 4 of {SHOTS} at 5.0 s: text '{TITLE}'."]


# --- heard, not typed --------------------------------------------------------------------------


def test_the_recogniser_may_quote_what_is_on_screen_on_the_timeline(known):
    editor = Editor.open(known)
    assert ("chapter", "two") in editor.phrases()
    said(editor, "delete from 5 seconds to 7 seconds")  # the title card goes
    assert ("chapter", "two") not in editor.phrases()


@pytest.mark.slow
def test_find_where_the_screen_says_spoken(known, known_picture, tmp_path, voiceedit_cli):
    import soundfile
    from spoken import spoken

    wav = tmp_path / "find.wav"
    soundfile.write(wav, spoken("Find where the screen says chapter two."), 16000)
    done = voiceedit_cli("do", str(known), "--audio", str(wav))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Shot 4 of {SHOTS} at 5.0 s: text '{TITLE}'."
    assert load_project(known).playhead == shot_start(known_picture, "title")


def test_the_answers_are_said_in_words(known):
    """Printed in digits, said in words; a time before a colon is a time too."""
    from voiceedit.spoken_time import speakable

    editor = Editor.open(known)
    went, problems = (speakable(m) for m in said(editor, "go to shot four", "read the problems"))
    assert went == f"Shot four of ten at five seconds: text '{TITLE}'."
    assert problems.startswith("six problems: black, shot three at four seconds; blurry, shot "
                               "five at seven seconds; shaky, shot six at nine seconds; ")
    assert speakable("Deleted 3.0 s: 'um so'.") == "Deleted three seconds: 'um so'."


def test_a_clip_of_sound_only_has_no_picture(tmp_path, known_footage, known_picture):
    tone = _lavfi(tmp_path / "tone.wav", "-f", "lavfi", "-i", "sine=frequency=440:d=2")
    video, sound = probe(known_footage), probe(tone)
    sources = (Source(video, Transcript(video.path, video.duration, ()), known_picture),
               Source(sound, Transcript(sound.path, sound.duration, ())))
    timeline = Timeline((Clip(video.path, 0, 4000), Clip(sound.path, 0, 2000),
                         Clip(video.path, 5000, 7000)))
    path = tmp_path / "mixed.voiceedit"
    save_project(path, Project(sources, timeline))
    editor = Editor.open(path)
    answer = editor.handle("go to 4.5") and editor.handle("describe this shot")
    assert not answer.applied and answer.message == "At 4.5 s there is no picture, only sound."
    assert said(editor, "next shot", "how many shots") == [
        f"Shot 3 of 3 at 6.0 s: text '{TITLE}'.", "3 shots, 8.0 s; none with problems."]


def test_shots_lists_only_the_text_a_kept_piece_shows(interview, sample_picture, voiceedit_cli):
    first = sample_picture.shots[0].seen[0].text
    done = voiceedit_cli("do", str(interview), "keep from 1 second to 9 seconds")
    assert done.returncode == 0, done.stderr
    listed = json.loads(voiceedit_cli("shots", str(interview), "--json").stdout)["shots"]
    assert [(s["start"], s["end"], s["text"]) for s in listed] == [(0.0, 8.0, first)]
