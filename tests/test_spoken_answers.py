"""Answers printed in digits and spoken in words; how finely times are given and how fast
the voice speaks, both remembered for the person (their config folder), not the project."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
import soundfile

from voiceedit.answer.outputs import ArrayOutput
from voiceedit.answer.speakers import (
    EspeakVoice,
    PiperVoice,
    Speaker,
    SpeechSettings,
    open_speaker,
)
from voiceedit.core import Editor
from voiceedit.media.probe import MediaInfo
from voiceedit.project import Project, Source, save_project
from voiceedit.spoken_time import Precision, print_count, print_time, speakable
from voiceedit.timeline.transcript import Transcript, Word
from voiceedit.user_config import read_settings


@pytest.fixture(autouse=True)
def own_settings(tmp_path, monkeypatch) -> Path:
    """A config folder of this test's own: the settings changed here reach no other test."""
    folder = tmp_path / "config"
    monkeypatch.setenv("VOICEEDIT_CONFIG", str(folder))
    return folder


ANSWER = "At 17.3 s of 1:15.0: 'w34 w35 w36 w37 w38 w39'."


def make_project(path: Path, frame_rate: Fraction | None = None) -> Path:
    """One source, 75 s long, a word every 500 ms from 0.5 s: "w0 w1 ..."."""
    words = tuple(Word(f"w{n}", 500 + 500 * n, 800 + 500 * n) for n in range(140))
    media = "/media/clip.mp4"
    info = MediaInfo(media, 75_000, True, True, frame_rate=frame_rate)
    save_project(path, Project.start((Source(info, Transcript(media, 75_000, words)),)))
    return path


@pytest.mark.parametrize(("ms", "second", "tenth", "frame"), [
    (0, "0 s", "0.0 s", "0 s 0 f"),
    (4_560, "5 s", "4.6 s", "4 s 14 f"),
    (17_320, "17 s", "17.3 s", "17 s 8 f"),
    (62_480, "1:02", "1:02.5", "1:02 12 f"),
    (3_723_480, "1:02:03", "1:02:03.5", "1:02:03 12 f"),
])
def test_printed_times_in_digits_at_each_precision(ms, second, tenth, frame):
    assert print_time(ms, Precision("second")) == second
    assert print_time(ms, Precision("tenth")) == tenth
    assert print_time(ms, Precision("frame", 25.0)) == frame


def test_printed_counts_in_digits():
    assert [print_count(n, "filler") for n in (0, 1, 5)] == ["no fillers", "1 filler",
                                                              "5 fillers"]
    assert print_count(2, "match", "matches") == "2 matches"


@pytest.mark.parametrize(("printed", "said"), [
    ("At 17.3 s of 33.0 s.", "At seventeen point three seconds of thirty-three seconds."),
    ("At 1:02.5 of 3:10.0.", "At one minute two point five seconds of three minutes ten "
                             "seconds."),
    ("Removed 5 fillers, 1.0 s.", "Removed five fillers, one second."),
    ("At 17 s 8 f, clip 2 of 3.", "At seventeen seconds and eight frames, clip two of three."),
    ("Now 1:00:05.0.", "Now one hour five seconds."),
    ("Rendered to take-2.mp4 at 0 s 3 f.", "Rendered to take-2.mp4 at three frames."),
    ("Say 1 or 2.", "Say one or two."),
])
def test_spoken_answers_say_the_printed_numbers_in_words(printed, said):
    assert speakable(printed) == said


def test_positions_past_ten_seconds_keep_their_tenths(tmp_path):
    editor = Editor.open(make_project(tmp_path / "p.voiceedit"))
    assert editor.handle("go to 17.3 seconds").message == ANSWER
    assert editor.handle("go to one minute two point five").message.startswith(
        "At 1:02.5 of 1:15.0:")


def test_time_precision_is_said_and_remembered_for_the_person(tmp_path):
    project = make_project(tmp_path / "p.voiceedit", frame_rate=Fraction(30))
    editor = Editor.open(project)
    editor.handle("go to 17.3 seconds")
    assert editor.handle("say times to the frame").message == (
        "Times to the frame, 30 frames a second; the playhead is at 17 s 9 f.")
    assert read_settings()["time_precision"] == "frame"
    again = Editor.open(project)  # another session of the same person
    assert again.handle("where am I").message.startswith("At 17 s 9 f of 1:15 0 f")
    assert again.handle("say times to the second").message == (
        "Times to the second; the playhead is at 17 s.")
    assert again.handle("where am I").message.startswith("At 17 s of 1:15:")
    assert again.handle("times to the tenth").message.endswith("playhead is at 17.3 s.")


def test_a_project_without_video_counts_frames_of_a_twenty_fifth(tmp_path):
    editor = Editor.open(make_project(tmp_path / "p.voiceedit"))
    editor.handle("go to 2.2 seconds")
    assert editor.handle("say times to the frame").message == (
        "Times to the frame, 25 frames a second; the playhead is at 2 s 5 f.")


def seconds_of(path: Path) -> float:
    info = soundfile.info(str(path))
    return info.frames / info.samplerate


def test_speak_faster_and_slower_step_and_stop_at_the_limits(tmp_path):
    editor = Editor.open(make_project(tmp_path / "p.voiceedit"))
    assert editor.handle("speak faster").message == "Speech rate 225 words a minute."
    assert editor.handle("speak faster").message == "Speech rate 280 words a minute."
    assert editor.handle("speak slower").message == "Speech rate 225 words a minute."
    assert read_settings()["speech_rate"] == 225
    assert editor.handle("set the speech rate to 600 words a minute").message == (
        "Speech rate 600 words a minute, the fastest.")
    assert editor.handle("speak faster").message == "Speech rate 600 words a minute, the fastest."
    refused = editor.handle("set the speech rate to 2000 words a minute")
    assert refused.message == "Say a rate from 80 to 600 words a minute."
    assert editor.handle("set the speech rate to -5").message == (
        "That number can't be below zero. Nothing changed.")  # not a sentence about times
    assert read_settings()["speech_rate"] == 600


def test_a_setting_that_cannot_be_saved_is_one_sentence_and_changes_nothing(tmp_path,
                                                                             monkeypatch):
    project = make_project(tmp_path / "p.voiceedit")
    before = project.read_bytes()
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    monkeypatch.setenv("VOICEEDIT_CONFIG", str(blocked))
    for said in ("speak faster", "say times to the frame"):
        answer = Editor.open(project).handle(said)
        assert not answer.applied and answer.message.startswith(
            f"I couldn't save your settings in {blocked}: "), said
        assert answer.message.endswith(". Nothing changed.")
    assert project.read_bytes() == before and blocked.read_text() == ""


@pytest.mark.parametrize("voice", ["espeak", pytest.param("piper", marks=pytest.mark.slow),
                                   "system"])
def test_every_voice_speaks_at_the_remembered_rate(voice, tmp_path):
    def spoken_length(name: str) -> float:
        path = tmp_path / f"{voice}-{name}.wav"
        speaker = open_speaker(SpeechSettings(voice=voice, speak_to=path))
        assert speaker.voice is not None, speaker.notice
        speaker.say(ANSWER)
        speaker.close()
        return seconds_of(path)

    editor = Editor.open(make_project(tmp_path / "p.voiceedit"))
    editor.handle("set the speech rate to 180 words a minute")
    usual = spoken_length("usual")
    editor.handle("set the speech rate to 360 words a minute")
    fast = spoken_length("fast")
    editor.handle("set the speech rate to 90 words a minute")
    slow = spoken_length("slow")
    assert fast < 0.7 * usual and slow > 1.4 * usual, (slow, usual, fast)


def test_a_speaker_takes_up_a_new_rate_before_its_next_answer(tmp_path):
    """ "speak faster" is heard at the rate it names: the speaker of the same session follows
    the setting from one answer to the next."""
    output = ArrayOutput()
    speaker = Speaker(EspeakVoice(), output, follows_rate=True)
    editor = Editor.open(make_project(tmp_path / "p.voiceedit"), speaker=speaker)
    editor.handle("go to 17.3 seconds")
    editor.handle("set the speech rate to 400 words a minute")
    editor.handle("go to 17.3 seconds")
    speaker.close()
    first, _, second = output.pieces
    assert len(second) < 0.6 * len(first)


@pytest.mark.slow
def test_the_piper_rate_is_its_length_scale():
    """Length scale stretches the sounds, not the pauses around them: twice the rate is
    about 0.6 of the length, not half (measured 0.61)."""
    voice = PiperVoice(varied=False)
    text = "Speech rate two hundred words a minute."
    usual = len(voice.synthesize(text))
    voice.set_rate(370)  # twice its natural rate
    fast = len(voice.synthesize(text))
    voice.set_rate(None)
    assert len(voice.synthesize(text)) == usual  # back to its own rate, exactly
    assert 0.5 * usual < fast < 0.7 * usual


def test_the_rate_set_by_one_do_is_used_by_the_next(tmp_path):
    """Each `voiceedit do` is its own process: the rate lives in the person's settings."""
    project = make_project(tmp_path / "p.voiceedit")

    def do(*args: str) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "voiceedit", "do", str(project), *args],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result

    do("go to 17.3 seconds", "--speak-to", str(tmp_path / "before.wav"))
    said = do("set the speech rate to 400 words a minute")
    assert said.stdout == "Speech rate 400 words a minute.\n"
    after = do("go to 17.3 seconds", "--speak-to", str(tmp_path / "after.wav"))
    assert after.stdout.startswith("At 17.3 s of 1:15.0:")
    assert seconds_of(tmp_path / "after.wav") < 0.6 * seconds_of(tmp_path / "before.wav")
