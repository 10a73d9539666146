"""`voiceedit do --speak-to`: the typed session's answers are spoken, checked by ear (Whisper)."""

from __future__ import annotations

import re

import pytest
import soundfile

from voiceedit.hear.transcribe import transcribe

pytestmark = pytest.mark.slow


def test_answers_are_spoken_into_one_wav(voiceedit_cli, sample_video, tmp_path):
    project = tmp_path / "talk.voiceedit"
    assert voiceedit_cli("new", str(project), str(sample_video)).returncode == 0
    answers = tmp_path / "answers.wav"
    result = voiceedit_cli("do", str(project), "--speak-to", str(answers),
                           stdin="go to ten seconds\nremove the filler words\n")
    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()
    assert printed[0].startswith("At 10.0 s of 45.1 s")
    assert printed[1].startswith("Removed 3 fillers")
    audio, rate = soundfile.read(answers)
    assert len(audio) / rate > 3  # two sentences, spoken in full
    heard = " ".join(w.text for w in transcribe(answers).words).lower()
    assert re.search(r"\bten seconds\b|\b10 seconds\b", heard), heard
    assert "remove" in heard and "filler" in heard


def test_a_speak_to_file_in_a_missing_folder_is_one_sentence(voiceedit_cli, sample_video,
                                                             tmp_path):
    project = tmp_path / "talk.voiceedit"
    assert voiceedit_cli("new", str(project), str(sample_video)).returncode == 0
    result = voiceedit_cli("do", str(project), "where am I", "--speak-to",
                           str(tmp_path / "nowhere" / "answers.wav"))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_doubted_spoken_cut_is_read_back_not_done(voiceedit_cli, sample_video, tmp_path):
    """The recogniser lowers a destructive command's confidence when its hypotheses disagree;
    the session must then ask, and change nothing until "yes"."""
    from voiceedit.core import Editor
    from voiceedit.project import load_project
    from voiceedit.understand.command import Command, SpokenTime

    project = tmp_path / "doubt.voiceedit"
    assert voiceedit_cli("new", str(project), str(sample_video)).returncode == 0
    before = load_project(project).timeline
    doubted = Command("delete_range", {"start": SpokenTime(10_000), "end": SpokenTime(12_000)},
                      confidence=0.6, heard="cut from ten to twelve seconds", destructive=True)
    session = Editor(project)
    answer = session.handle(doubted)
    assert answer.question and "Say yes or no" in answer.message
    assert load_project(project).timeline == before
    done = session.handle_text("yes")
    assert done.changed
    assert load_project(project).timeline.duration == before.duration - 2_000
