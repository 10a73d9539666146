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
    assert printed[0].startswith("At ten seconds")
    assert printed[1].startswith("Removed three fillers")
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
