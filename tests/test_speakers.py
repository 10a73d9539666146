"""Speech out: answers land in one WAV, in order, and say the words; a missing engine or
device falls back to text with one plain line; earcons are short and distinct."""

from __future__ import annotations

import re

import numpy as np
import pytest
import soundfile

from voiceedit.answer.earcons import Earcon, earcon
from voiceedit.answer.outputs import WavFileOutput
from voiceedit.answer.speakers import (
    EspeakVoice,
    PiperVoice,
    Speaker,
    SpeechSettings,
    make_voice,
    open_speaker,
)
from voiceedit.errors import VoiceEditError

FIRST = "Deleted three seconds. Now forty one seconds."
SECOND = "Playing from twelve seconds."


def words(text: str) -> list[str]:
    """Lower-case words with numbers spelled out ("41" -> "forty one"), as said."""
    from num2words import num2words

    tokens = re.findall(r"[a-z0-9]+", text.lower())
    return (
        " ".join(num2words(int(t)) if t.isdigit() else t for t in tokens).replace("-", " ").split()
    )


def word_error_rate(expected: str, heard: str) -> float:
    import jiwer

    return jiwer.wer(" ".join(words(expected)), " ".join(words(heard)))


def similarity(a: np.ndarray, b: np.ndarray, rate: int = 22_050) -> float:
    """Correlation of the two loudness envelopes (20 ms steps): 1.0 for the same speech."""
    step = rate // 50
    count = min(len(a), len(b)) // step * step

    def envelope(x: np.ndarray) -> np.ndarray:
        return np.sqrt(np.mean(x[:count].reshape(-1, step) ** 2, axis=1))

    return float(np.corrcoef(envelope(a), envelope(b))[0, 1])


def silent_runs(audio: np.ndarray, rate: int, min_ms: int) -> list[tuple[int, int]]:
    """(start, end) samples of stretches quieter than -60 dBFS lasting at least `min_ms`."""
    quiet = np.abs(audio) < 1e-3
    runs, start = [], None
    for index, is_quiet in enumerate(np.append(quiet, False)):
        if is_quiet and start is None:
            start = index
        elif not is_quiet and start is not None:
            if index - start >= rate * min_ms // 1000:
                runs.append((start, index))
            start = None
    return runs


@pytest.mark.slow
def test_piper_answers_land_in_one_wav_in_order_and_say_the_words(tmp_path):
    from voiceedit.hear.transcribe import transcribe

    path = tmp_path / "answers.wav"
    # Piper without its random variation, so Whisper hears the same sound every run.
    speaker = Speaker(PiperVoice(varied=False), WavFileOutput(path, 22_050))
    speaker.say(FIRST)
    speaker.say(SECOND)
    speaker.close()
    heard = " ".join(w.text for w in transcribe(path).words)
    # Both answers, in order (tiny.en hears the opening "Deleted" as "The late at").
    assert word_error_rate(f"{FIRST} {SECOND}", heard) <= 0.3, heard
    assert " ".join(words(heard)).endswith(
        "three seconds now forty one seconds " + " ".join(words(SECOND))
    )
    audio, rate = soundfile.read(path, dtype="float32")
    # The 300 ms gap between answers is there (Piper's own pauses are shorter).
    assert silent_runs(audio, rate, 300)


def test_espeak_answers_are_appended_in_order(tmp_path):
    voice = EspeakVoice()
    alone = [voice.synthesize(FIRST), voice.synthesize(SECOND)]
    path = tmp_path / "answers.wav"
    speaker = open_speaker(SpeechSettings(voice="espeak", speak_to=path))
    for text in (FIRST, SECOND, FIRST):
        speaker.say(text)
    speaker.close()
    audio, rate = soundfile.read(path, dtype="float32")
    gap = rate * 300 // 1000
    assert rate == 22_050
    # espeak's length varies by a sample or two from one run to the next.
    assert abs(len(audio) - (2 * len(alone[0]) + len(alone[1]) + 2 * gap)) < 20
    # Each answer is where it belongs, and the third did not replace the first.
    first = audio[: len(alone[0])]
    second = audio[len(alone[0]) + gap : len(alone[0]) + gap + len(alone[1])]
    third = audio[-len(alone[0]) :]
    assert similarity(first, alone[0]) > 0.9
    assert similarity(second, alone[1]) > 0.9
    assert similarity(third, alone[0]) > 0.9
    assert similarity(second, alone[0]) < 0.5
    assert np.sqrt(np.mean(second**2)) > 0.02
    # A longer sentence takes longer to say.
    assert len(alone[0]) > 1.3 * len(alone[1])


@pytest.mark.slow
def test_espeak_answer_is_understood_by_whisper(tmp_path):
    from voiceedit.hear.transcribe import transcribe

    path = tmp_path / "answer.wav"
    speaker = open_speaker(SpeechSettings(voice="espeak", speak_to=path))
    speaker.say(SECOND)
    speaker.close()
    heard = " ".join(w.text for w in transcribe(path).words)
    assert word_error_rate(SECOND, heard) <= 0.25, heard


def test_speaking_prints_nothing(tmp_path, capfd):
    speaker = open_speaker(SpeechSettings(voice="espeak", speak_to=tmp_path / "a.wav"))
    speaker.say(SECOND)
    speaker.close()
    captured = capfd.readouterr()
    assert captured.out == ""
    assert captured.err == ""


def test_no_speech_is_text_only(tmp_path):
    speaker = open_speaker(SpeechSettings(enabled=False, speak_to=tmp_path / "a.wav"))
    speaker.say(FIRST)
    assert speaker.description == "text only"
    assert not speaker.is_speaking
    assert speaker.notice is None
    assert not (tmp_path / "a.wav").exists()


def test_no_sound_device_falls_back_to_text_with_one_line():
    import sounddevice

    if any(d["max_output_channels"] > 0 for d in sounddevice.query_devices()):
        pytest.skip("this machine has a sound device")
    speaker = open_speaker(SpeechSettings(voice="espeak"))
    assert speaker.voice is None
    assert speaker.notice == (
        "No speaker or headphones were found. Answers are printed only; --speak-to FILE saves them."
    )
    speaker.say(FIRST)  # no error, no sound


def test_missing_speech_engine_falls_back_to_text(monkeypatch, tmp_path):
    # A machine without espeak-ng: the program is not on the PATH.
    monkeypatch.setenv("PATH", str(tmp_path))
    speaker = open_speaker(SpeechSettings(voice="espeak", speak_to=tmp_path / "a.wav"))
    assert speaker.voice is None
    assert speaker.notice == (
        "The espeak-ng voice is not available (apt install espeak-ng). Answers are printed only."
    )
    assert not (tmp_path / "a.wav").exists()


def test_unknown_voice_and_unwritable_file_are_plain_sentences(tmp_path):
    with pytest.raises(
        VoiceEditError, match="no voice called robot; choose espeak, piper or system"
    ):
        make_voice("robot")
    with pytest.raises(VoiceEditError, match="Cannot write speech to"):
        open_speaker(SpeechSettings(speak_to=tmp_path / "no" / "such" / "folder.wav"))


def _note_frequencies(audio: np.ndarray, rate: int) -> list[int]:
    """Dominant frequency of each 40 ms stretch, to the nearest 25 Hz."""
    step = rate * 40 // 1000
    found = []
    for start in range(0, len(audio) - step + 1, step):
        spectrum = np.abs(np.fft.rfft(audio[start : start + step], n=rate))
        found.append(round(int(np.argmax(spectrum)) / 25) * 25)
    return found


def test_earcons_are_short_clean_and_told_apart_by_their_contour():
    rate = 22_050
    contours = {}
    for kind in Earcon:
        audio = earcon(kind, rate)
        assert len(audio) <= rate // 4, kind
        assert np.abs(audio).max() <= 0.31
        assert abs(audio[0]) < 0.01 and abs(audio[-1]) < 0.02  # faded: no click
        notes = _note_frequencies(audio, rate)
        contours[kind] = (notes[0], notes[-1], len(audio) * 1000 // rate)
    assert len(set(contours.values())) == len(Earcon)
    first, last, _ = contours[Earcon.DONE]
    assert last > first  # done rises
    first, last, _ = contours[Earcon.NOT_UNDERSTOOD]
    assert last < first  # not understood falls
    first, last, _ = contours[Earcon.WAITING]
    assert last > first  # a question rises at the end


def test_earcons_go_to_the_same_file_as_speech(tmp_path):
    path = tmp_path / "a.wav"
    speaker = open_speaker(SpeechSettings(voice="espeak", speak_to=path))
    speaker.play_sound(earcon(Earcon.DONE, 22_050), 22_050)
    speaker.say(SECOND)
    speaker.close()
    audio, rate = soundfile.read(path, dtype="float32")
    tone = earcon(Earcon.DONE, rate)
    np.testing.assert_allclose(audio[: len(tone)], tone, atol=1e-3)


def test_piper_starts_with_the_first_sentence_and_stop_drops_the_rest():
    from voiceedit.answer.outputs import ArrayOutput

    output = ArrayOutput(22_050)
    speaker = Speaker(PiperVoice(varied=False), output)
    sentences = ["Four clips.", "Clip one, zero seconds.", "Clip two, five seconds.", "The end."]
    speaker.say(" ".join(sentences))
    assert len(output.pieces) == 1  # handed over before the rest was made
    first_alone = PiperVoice(varied=False).synthesize(sentences[0])
    assert len(output.pieces[0]) == len(first_alone)
    speaker.stop()
    speaker.close()
    assert len(output.pieces) <= 2  # at most the sentence being made when stopped
