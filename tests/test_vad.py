"""Voice activity and audio sources: utterances found where the speech is, ended promptly,
never split inside a command, and memory flat over a long stream."""

from __future__ import annotations

import resource
import time

import numpy as np
import pytest
from spoken import command_track, spoken, write_commands

from voiceedit.errors import VoiceEditError
from voiceedit.hear.audio import SAMPLE_RATE
from voiceedit.hear.sources import (
    BLOCK_SAMPLES,
    ArraySource,
    FileSource,
    load_audio,
    split_blocks,
)
from voiceedit.hear.vad import SileroFrames, UtteranceDetector, WebrtcFrames

COMMANDS = [
    "Delete from ten seconds to twelve seconds.",
    "Go to one minute thirty.",
    "Undo that.",
    "Play around the cut.",
]
MS = SAMPLE_RATE // 1000


def detect(audio: np.ndarray, detector: UtteranceDetector | None = None):
    detector = detector or UtteranceDetector()
    found = []
    for block in ArraySource(iter([audio])).blocks():
        found += detector.feed(block)
    return found + detector.flush()


def add_noise(audio: np.ndarray, snr_db: float, seed: int = 0) -> np.ndarray:
    speech_power = np.mean(audio[np.abs(audio) > 0.01] ** 2)
    noise = np.random.default_rng(seed).standard_normal(len(audio))
    noise *= np.sqrt(speech_power / 10 ** (snr_db / 10) / np.mean(noise**2))
    return (audio + noise).astype(np.float32)


@pytest.fixture(scope="module")
def track():
    return command_track(COMMANDS)


def test_one_utterance_per_command_where_the_speech_is(track):
    found = detect(track.audio)
    assert len(found) == len(COMMANDS)
    for utterance, (first, last) in zip(found, track.spans, strict=True):
        # Silero works on 32 ms windows and Piper's quiet consonants sit under the floor.
        assert abs(utterance.start - first) < 120 * MS
        assert abs(utterance.end - last) < 150 * MS
        # The end is decided one hangover (300 ms) after the speech stops, not later.
        assert 250 * MS <= utterance.decided - utterance.end <= 340 * MS
        # The audio handed to the recogniser (it runs up to `decided`) holds the whole
        # command with a lead-in before the first word.
        audio_start = utterance.decided - len(utterance.audio)
        assert audio_start <= first - 100 * MS
        assert utterance.decided >= last


def test_a_long_command_with_pauses_between_words_stays_whole():
    phrase = "Shorten pauses longer than one second to half a second."
    found = detect(command_track([phrase]).audio)
    assert len(found) == 1
    assert found[0].duration_ms > 2000


def test_utterances_still_found_in_noise_at_ten_db(track):
    found = detect(add_noise(track.audio, 10))
    assert len(found) == len(COMMANDS)
    for utterance, (_, last) in zip(found, track.spans, strict=True):
        assert abs(utterance.end - last) < 250 * MS


def test_webrtc_detector_behind_the_same_interface(track):
    found = detect(track.audio, UtteranceDetector(WebrtcFrames()))
    assert len(found) == len(COMMANDS)
    for utterance, (_, last) in zip(found, track.spans, strict=True):
        assert abs(utterance.end - last) < 250 * MS  # webrtcvad holds on to breath longer


def test_streaming_silero_equals_faster_whispers_batch_call(track):
    from faster_whisper.vad import get_vad_model

    audio = track.audio[: len(track.audio) // 512 * 512]
    batch = get_vad_model()(audio).ravel()
    frames = SileroFrames()
    streamed = [frames.probability(audio[i : i + 512]) for i in range(0, len(audio), 512)]
    np.testing.assert_allclose(streamed, batch, atol=1e-5)


def test_blocks_of_any_size_give_the_same_utterances(track):
    whole = detect(track.audio)
    detector = UtteranceDetector()
    odd = []
    for block in split_blocks(track.audio, size=700):
        odd += detector.feed(block)
    odd += detector.flush()
    assert [(u.start, u.end) for u in odd] == [(u.start, u.end) for u in whole]


def test_clicks_are_not_utterances():
    audio = np.zeros(SAMPLE_RATE * 3, dtype=np.float32)
    audio[SAMPLE_RATE : SAMPLE_RATE + 80] = 0.9  # a 5 ms click
    assert detect(audio) == []


def test_speech_running_on_is_cut_at_the_maximum_length():
    babble = np.concatenate([spoken(c) for c in COMMANDS * 3])
    found = detect(babble, UtteranceDetector(max_utterance_ms=3000, hangover_ms=2000))
    assert len(found) >= 3
    assert any(u.cut for u in found)
    assert all(len(u.audio) <= 3000 * MS + 512 for u in found)


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _hour_of_room(minutes: int, seed: int = 1):
    """Minutes of silence, hiss and bursts of speech, 10 s at a time, made as they are fed."""
    rng = np.random.default_rng(seed)
    burst = spoken("Go to one minute thirty.")
    for index in range(minutes * 6):
        chunk = (rng.standard_normal(10 * SAMPLE_RATE) * 0.003).astype(np.float32)
        if index % 3 == 0:  # speech now and then, so utterances are made and let go
            chunk[SAMPLE_RATE : SAMPLE_RATE + len(burst)] += burst
        yield chunk


@pytest.mark.slow
def test_memory_stays_flat_over_twelve_minutes_of_listening():
    detector = UtteranceDetector()
    found = 0
    rss_after_first_minute = None
    for block in ArraySource(_hour_of_room(12)).blocks():
        found += len(detector.feed(block))
        assert len(detector._frames) <= detector._max_frames  # bounded by construction
        if rss_after_first_minute is None and block.start >= 60 * SAMPLE_RATE:
            rss_after_first_minute = _rss_kib()
    assert found == 12 * 2  # every burst heard, once
    assert _rss_kib() - rss_after_first_minute < 8 * 1024


def test_file_source_feeds_each_file_with_silence_between(tmp_path):
    paths = write_commands(tmp_path, ["Undo that.", "Go to ten seconds."])
    source = FileSource(paths, realtime=False, gap_ms=500)
    blocks = list(source.blocks())
    audio = np.concatenate([b.audio for b in blocks])
    first, second = (spoken(t) for t in ["Undo that.", "Go to ten seconds."])
    assert len(audio) == 3 * 500 * MS + len(first) + len(second)
    assert [b.start for b in blocks] == list(np.cumsum([0] + [len(b.audio) for b in blocks[:-1]]))
    assert all(len(b.audio) <= BLOCK_SAMPLES for b in blocks)
    np.testing.assert_allclose(audio[500 * MS : 500 * MS + len(first)], first, atol=1e-3)


def test_file_source_in_real_time_takes_as_long_as_the_audio(tmp_path):
    paths = write_commands(tmp_path, ["Undo that."])
    source = FileSource(paths, realtime=True, gap_ms=200)
    began = time.monotonic()
    total = sum(len(b.audio) for b in source.blocks())
    assert time.monotonic() - began >= total / SAMPLE_RATE - 0.05


def test_file_source_reads_video_files_and_resamples(sample_video):
    audio = load_audio(sample_video)
    assert abs(len(audio) / SAMPLE_RATE - 45.0) < 0.5
    assert np.abs(audio).max() > 0.1


def test_unreadable_input_is_a_plain_sentence(tmp_path):
    with pytest.raises(VoiceEditError, match="no audio file"):
        FileSource([tmp_path / "missing.wav"])
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF nonsense")
    with pytest.raises(VoiceEditError, match="Could not read audio from bad.wav"):
        FileSource([bad])


def test_an_utterance_ended_early_is_the_same_speech_decided_sooner():
    track = command_track(["Go to ten seconds."])
    (whole,) = detect(track.audio)
    detector = UtteranceDetector(pausing_ms=64)
    found, pauses = [], []
    for block in ArraySource(iter([track.audio])).blocks():
        found += detector.feed(block)
        if detector.in_speech and detector.pause_ms:
            pauses.append((detector.pause_ms, detector.pausing is not None))
        if detector.pause_ms >= 128:
            found.append(detector.end_now())
    found += detector.flush()
    assert len(found) == 1  # nothing left over after the early end
    early = found[0]
    assert (early.start, early.end) == (whole.start, whole.end)
    assert 128 * MS <= early.decided - early.end < 192 * MS  # not the 300 ms hangover
    assert np.array_equal(early.audio, whole.audio[: len(early.audio)])
    # Speculation may start after two quiet frames (64 ms), not after one.
    assert {ms for ms, _ in pauses} >= {32, 64}
    assert all(started == (ms >= 64) for ms, started in pauses)
    assert detector.end_now() is None  # outside speech there is nothing to end
