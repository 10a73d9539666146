"""Speaker finding on generated speech: two voices taking turns (Piper and espeak-ng),
transcribed with the real model, each word scored against the true turns; one voice gives
one speaker; the encoder's mel input matches Resemblyzer's own; the CLI and the project
carry each word's speaker, and the captions name them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from two_voices import Turns, two_voices, write_turns

from voiceedit.hear import diarize
from voiceedit.hear.audio import SAMPLE_RATE
from voiceedit.timeline.transcript import Transcript, Word

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def turns_media(tmp_path_factory) -> tuple[Path, Turns]:
    """Ten turns, about 51 s: Piper says the odd ones, espeak-ng the even ones."""
    turns = two_voices()
    return write_turns(tmp_path_factory.mktemp("speakers") / "two.wav", turns), turns


@pytest.fixture(scope="session")
def turns_transcript(turns_media) -> Transcript:
    from voiceedit.hear.transcribe import transcribe

    return diarize.with_speakers(transcribe(turns_media[0]))


def right_share(words: tuple[Word, ...], turns: Turns) -> float:
    """The share of words whose speaker is the true one (speaker n is turn voice n - 1);
    a word whose middle Whisper put in the silence between turns counts as wrong."""
    right = sum(1 for w in words if w.speaker is not None
                and turns.speaker_at((w.start + w.end) // 2) == w.speaker - 1)
    return right / len(words)


def test_two_voices_taking_turns_are_told_apart_word_by_word(turns_media, turns_transcript):
    words = turns_transcript.words
    assert len(words) > 120
    assert {w.speaker for w in words} == {1, 2}
    assert right_share(words, turns_media[1]) >= 0.95
    # The turns, read as runs of one speaker's words, are the ten that were said.
    runs = [w.speaker for i, w in enumerate(words) if i == 0 or words[i - 1].speaker != w.speaker]
    assert 10 <= len(runs) <= 12  # a sentence's last word may be timed into the next turn


def test_one_voice_is_one_speaker(tmp_path):
    from voiceedit.hear.transcribe import transcribe

    path = write_turns(tmp_path / "one.wav", two_voices(one_voice=True))
    words = diarize.with_speakers(transcribe(path)).words
    assert len(words) > 100
    assert {w.speaker for w in words} == {1}


def test_speakers_are_cached_by_content(turns_media, turns_transcript):
    from voiceedit.hear.transcribe import transcribe

    plain = transcribe(turns_media[0])
    assert all(w.speaker is None for w in plain.words)  # the transcript cache has no speakers
    again = diarize.with_speakers(plain, audio=np.zeros(0, dtype=np.float32))  # not looked at
    assert [w.speaker for w in again.words] == [w.speaker for w in turns_transcript.words]
    speaker_of = {(w.start, w.text): w.speaker for w in again.words}
    in_segments = [w for s in again.segments for w in s.words]
    assert len(again.segments) == len(plain.segments) and in_segments
    assert all(w.speaker == speaker_of[w.start, w.text] for w in in_segments)


def test_the_mel_input_is_resemblyzers_own(turns_media):
    import librosa
    from resemblyzer.audio import wav_to_mel_spectrogram

    assert np.allclose(diarize.mel_filters(),
                       librosa.filters.mel(sr=SAMPLE_RATE, n_fft=400, n_mels=40), atol=1e-7)
    audio = turns_media[1].audio[: SAMPLE_RATE * 5]
    ours, theirs = diarize.mel_frames(audio), wav_to_mel_spectrogram(audio)
    assert ours.shape == theirs.shape
    assert np.allclose(ours, theirs, rtol=1e-3, atol=1e-5)


def test_transcribe_json_carries_each_words_speaker(turns_media, turns_transcript, voiceedit_cli):
    result = voiceedit_cli("transcribe", str(turns_media[0]), "--json")
    assert result.returncode == 0, result.stderr
    words = json.loads(result.stdout)["words"]
    assert [w["speaker"] for w in words] == [w.speaker for w in turns_transcript.words]
    plain = voiceedit_cli("transcribe", str(turns_media[0]), "--json", "--no-speakers")
    assert {w["speaker"] for w in json.loads(plain.stdout)["words"]} == {None}


def test_a_project_names_its_speakers_and_captions_say_them(tmp_path, turns_media,
                                                           voiceedit_cli):
    from voiceedit.project import load_project

    project = tmp_path / "talk.voiceedit"
    made = voiceedit_cli("new", str(project), str(turns_media[0]))
    assert made.returncode == 0, made.stderr
    saved = load_project(project)
    assert {w.speaker for w in saved.sources[0].transcript.words} == {1, 2}

    def do(command: str) -> str:
        result = voiceedit_cli("do", str(project), command)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert do("call speaker one Anna") == "Speaker 1 is now Anna."
    assert do("call speaker two Bob") == "Speaker 2 is now Bob."
    assert do("who is speaking").startswith("Nobody right here; next, Anna at ")
    assert do("go to the next speaker").startswith("At 0.5 s of 51.3 s, Anna: 'Welcome back")
    assert do("go to the next speaker").endswith("Bob: 'Thanks for having me. I brought'.")
    assert do("who is speaking").startswith("Bob, since ")
    assert do("export as vtt").startswith("Exported ")
    vtt = (tmp_path / "talk.vtt").read_text()
    assert "<v Anna>Welcome back to the" in vtt and "<v Bob>Thanks for having me." in vtt
    assert do("export as srt").startswith("Exported ")
    srt = (tmp_path / "talk.srt").read_text()
    assert "Anna: Welcome back to the" in srt and srt.count("Anna: ") == 5
    assert "Bob: " in srt

    deleted = do("delete everything Bob says between oak boards and see you next week")
    assert deleted.startswith("Deleted 5 passages by Bob, ")
    after = load_project(project)
    assert after.layers.speakers and after.timeline.duration < saved.timeline.duration
    assert do("undo that").startswith("Undid: deleted 5 passages by Bob")
    assert load_project(project).timeline == saved.timeline
    assert [n.name for n in load_project(project).layers.speakers] == ["Anna", "Bob"]
