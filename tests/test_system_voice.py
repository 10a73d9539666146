"""`--voice system`: the operating system's voice through pyttsx3 (espeak-ng here), driven by
one engine thread, every utterance its own checked file. Real engine throughout."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile
from test_speakers import SECOND, word_error_rate

from voiceedit.answer.outputs import WavFileOutput
from voiceedit.answer.speakers import Speaker, SpeechSettings, open_speaker
from voiceedit.answer.system_voice import NOT_AVAILABLE, SystemVoice, engine_thread

LONG = "This answer is a good deal longer than the next one, so it takes a while to say."
SHORT = "Done."


def seconds(audio: np.ndarray, rate: int) -> float:
    return len(audio) / rate


def is_speech(audio: np.ndarray, rate: int) -> bool:
    """Loud enough, and sounding for a good part of the time (20 ms frames over -40 dBFS)."""
    step = rate // 50
    frames = audio[: len(audio) // step * step].reshape(-1, step)
    loudness = np.sqrt(np.mean(frames**2, axis=1))
    return float(np.sqrt(np.mean(audio**2))) > 0.02 and float(np.mean(loudness > 0.01)) > 0.3


def test_the_system_voice_speaks_a_sentence_into_a_wav(tmp_path):
    path = tmp_path / "answer.wav"
    speaker = open_speaker(SpeechSettings(voice="system", speak_to=path))
    assert speaker.notice is None
    assert speaker.description == "the system voice to the file answer.wav"
    speaker.say(SECOND)
    speaker.close()
    audio, rate = soundfile.read(path, dtype="float32")
    # Four words at a speaking rate: about a second and a half, not a click, not a minute.
    assert 0.8 < seconds(audio, rate) < 4.0
    assert is_speech(audio, rate)


def test_each_utterance_is_its_own_sound_never_an_older_one(tmp_path):
    voice = SystemVoice()
    long_alone, short_alone = voice.synthesize(LONG), voice.synthesize(SHORT)
    assert len(long_alone) > 3 * len(short_alone)
    # Alternating long and short: a stale or overwritten file would give a wrong length.
    for _ in range(3):
        for text, alone in ((LONG, long_alone), (SHORT, short_alone)):
            audio = voice.synthesize(text)
            assert abs(len(audio) - len(alone)) < 0.05 * len(alone), text
            assert is_speech(audio, voice.sample_rate)
    # Through a speaker into one WAV: the long answer, the 300 ms gap, then the short one.
    path = tmp_path / "answers.wav"
    speaker = Speaker(voice, WavFileOutput(path, voice.sample_rate))
    speaker.say(LONG)
    speaker.say(SHORT)
    speaker.close()
    audio, rate = soundfile.read(path, dtype="float32")
    gap = rate * 300 // 1000
    expected = len(long_alone) + gap + len(short_alone)
    assert abs(len(audio) - expected) < 0.05 * expected
    second = audio[len(long_alone) + gap :]
    assert abs(len(second) - len(short_alone)) < 0.1 * len(short_alone)
    assert is_speech(second, rate)


def test_a_long_answer_is_made_a_sentence_at_a_time():
    voice = SystemVoice()
    pieces = list(voice.sentences(f"{SHORT} {LONG} {SHORT}"))
    assert len(pieces) == 3
    assert len(pieces[0]) < len(pieces[1]) > len(pieces[2])


def test_calls_from_two_threads_are_made_one_at_a_time_on_the_engine_thread(monkeypatch):
    voice = SystemVoice()
    engine_owner = engine_thread()
    engine = engine_owner.engine
    expected = {LONG: len(voice.synthesize(LONG)), SHORT: len(voice.synthesize(SHORT))}
    calls: list[str] = []
    inside = 0
    most_inside = 0
    guard = threading.Lock()

    def watched(method):
        """The engine's own method, noting which thread calls it and how many at once."""

        def call(*args, **kwargs):
            nonlocal inside, most_inside
            with guard:
                inside += 1
                most_inside = max(most_inside, inside)
                calls.append(threading.current_thread().name)
            try:
                return method(*args, **kwargs)
            finally:
                with guard:
                    inside -= 1

        return call

    monkeypatch.setattr(engine, "save_to_file", watched(engine.save_to_file))
    monkeypatch.setattr(engine, "runAndWait", watched(engine.runAndWait))
    wrong: list[str] = []

    def speak(texts: list[str]) -> None:
        for text in texts:
            length = len(voice.synthesize(text))
            if abs(length - expected[text]) >= 0.05 * expected[text]:
                wrong.append(f"{text!r}: {length} samples, not {expected[text]}")

    threads = [
        threading.Thread(target=speak, args=([LONG, SHORT] * 5,)),
        threading.Thread(target=speak, args=([SHORT, LONG] * 5,)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not wrong
    assert len(calls) == 2 * 20  # save_to_file and runAndWait for each utterance
    assert set(calls) == {engine_owner.thread.name}
    assert most_inside == 1


def test_the_system_rate_is_left_alone_unless_asked_for():
    system_rate = engine_thread().system_rate
    assert system_rate  # what the system is set to (espeak-ng's driver: 200 words a minute)
    usual_voice, fast_voice = SystemVoice(), SystemVoice(rate=system_rate * 2)
    usual = len(usual_voice.synthesize(LONG))
    # Every change of rate takes effect at once (espeak can drop one set while it is busy),
    # and a voice that asks for no rate gets the system's again, not the last one set.
    for _ in range(10):
        assert len(fast_voice.synthesize(LONG)) < 0.7 * usual
        assert abs(len(usual_voice.synthesize(LONG)) - usual) < 0.05 * usual


@pytest.fixture
def project(voiceedit_cli, sample_video, sample_transcript, tmp_path) -> Path:
    path = tmp_path / "talk.voiceedit"
    result = voiceedit_cli("new", str(path), str(sample_video))
    assert result.returncode == 0, result.stderr
    return path


def test_do_speaks_its_answer_with_the_system_voice(voiceedit_cli, project, tmp_path):
    answers = tmp_path / "answers.wav"
    result = voiceedit_cli("do", str(project), "where am I", "--voice", "system",
                           "--speak-to", str(answers))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == 1  # the answer, and nothing of pyttsx3's
    assert result.stdout.startswith("At ")
    audio, rate = soundfile.read(answers, dtype="float32")
    assert seconds(audio, rate) > 0.8
    assert is_speech(audio, rate)


def test_without_pyttsx3_the_answers_are_printed_with_one_line_saying_why(project, tmp_path):
    answers = tmp_path / "answers.wav"
    # The same CLI in a Python where pyttsx3 cannot be imported.
    program = (
        "import sys; sys.modules['pyttsx3'] = None; sys.argv[0] = 'voiceedit';"
        " from voiceedit.cli import run; run()"
    )
    result = subprocess.run(
        [sys.executable, "-c", program, "do", str(project), "where am I", "--voice", "system",
         "--speak-to", str(answers)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == f"{NOT_AVAILABLE} Answers are printed only."
    assert result.stdout.startswith("At ")
    assert not answers.exists()


@pytest.mark.slow
def test_whisper_hears_the_words_the_system_voice_said(tmp_path):
    from voiceedit.hear.transcribe import transcribe

    path = tmp_path / "answer.wav"
    speaker = open_speaker(SpeechSettings(voice="system", speak_to=path))
    speaker.say(SECOND)
    speaker.close()
    heard = " ".join(w.text for w in transcribe(path).words)
    assert word_error_rate(SECOND, heard) <= 0.25, heard
