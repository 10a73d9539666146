"""Playback by ear: what plays is exactly the timeline's sound, stitched from the sources,
and "stop" leaves the playhead where the sound stopped."""

from __future__ import annotations

import subprocess
import threading
import time

import numpy as np
import pytest
import soundfile

from voiceedit.actions.state import EditorState, Services
from voiceedit.answer import playback
from voiceedit.answer.outputs import ArrayOutput
from voiceedit.answer.playback import (
    AHEAD_S,
    PLAYBACK_RATE,
    Piece,
    Player,
    around_cut,
    pieces,
    timeline_audio,
)
from voiceedit.dialogue import run_action
from voiceedit.errors import VoiceEditError
from voiceedit.media.probe import probe
from voiceedit.project import Project, Source
from voiceedit.timeline.model import Clip, Timeline
from voiceedit.timeline.transcript import Transcript
from voiceedit.understand.command import Command, SpokenTime

RATE = PLAYBACK_RATE
PER_MS = RATE // 1000


@pytest.fixture(scope="module")
def noise_wav(tmp_path_factory):
    """Six seconds of seeded noise at 48 kHz, stored losslessly: every sample is known."""
    path = tmp_path_factory.mktemp("playback") / "noise.wav"
    audio = np.random.default_rng(7).uniform(-0.5, 0.5, 6 * RATE).astype(np.float32)
    soundfile.write(str(path), audio, RATE, subtype="FLOAT")
    return path, audio


@pytest.fixture(scope="module")
def tone_video(tmp_path_factory):
    """A tiny video whose sound is 440 Hz for three seconds, then 880 Hz for three (AAC)."""
    path = tmp_path_factory.mktemp("playback") / "tones.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y",
         "-f", "lavfi", "-i", "color=c=gray:s=320x180:r=25:d=6",
         "-f", "lavfi", "-i", "sine=f=440:d=3:r=48000",
         "-f", "lavfi", "-i", "sine=f=880:d=3:r=48000",
         "-filter_complex", "[1:a][2:a]concat=n=2:v=0:a=1[a]",
         "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast",
         "-c:a", "aac", "-shortest", str(path)],
        check=True,
    )  # fmt: skip
    return path


def state_for(path, clips: list[tuple[int, int]], player: Player | None = None,
              **project) -> EditorState:
    """A state whose actions play through `player` (the editor's service)."""
    info = probe(path)
    source = Source(info, Transcript(info.path, info.duration, ()))
    timeline = Timeline(tuple(Clip(info.path, a, b) for a, b in clips))
    return EditorState(Project(sources=(source,), timeline=timeline, **project),
                       services=Services(player=player))


@pytest.fixture
def recorded():
    """Playback goes to memory for the test."""
    output = ArrayOutput(RATE)
    return Player(output), output


def finished(player: Player, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while player.is_playing and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not player.is_playing


def dominant_hz(audio: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(audio))
    return float(np.argmax(spectrum) * RATE / len(audio))


def louder_at(audio: np.ndarray, high: float, low: float, window_ms: int = 10) -> bool:
    """Over the next `window_ms`, is there more of frequency `high` than of `low`?"""
    window = audio[: window_ms * PER_MS]
    t = np.arange(len(window)) / RATE
    power = [abs(np.sum(window * np.exp(-2j * np.pi * hz * t))) for hz in (high, low)]
    return power[0] > power[1]


def test_pieces_follow_the_clips_and_split_long_ones():
    timeline = Timeline((Clip("a", 0, 4000), Clip("b", 10_000, 11_000), Clip("a", 6000, 9000)))
    assert pieces(timeline, 3000, 6000) == [
        Piece("a", 3000, 4000, 3000),
        Piece("b", 10_000, 11_000, 4000),
        Piece("a", 6000, 7000, 5000),
    ]
    assert pieces(timeline, 0, 4000, chunk_ms=1500) == [
        Piece("a", 0, 1500, 0),
        Piece("a", 1500, 3000, 1500),
        Piece("a", 3000, 4000, 3000),
    ]
    assert pieces(timeline, 7500, 99_000)[-1].end == timeline.duration
    assert pieces(timeline, 8000, 8000) == []


def test_the_nearest_join_and_two_seconds_either_side():
    timeline = Timeline((Clip("a", 0, 3000), Clip("a", 5000, 6000), Clip("a", 8000, 20_000)))
    assert around_cut(timeline, 0) == (3000, 1000, 5000)
    assert around_cut(timeline, 3700) == (4000, 2000, 6000)
    assert around_cut(timeline, 15_000) == (4000, 2000, 6000)
    short = Timeline((Clip("a", 0, 1000), Clip("a", 5000, 6000)))
    assert around_cut(short, 0) == (1000, 0, 2000)  # clamped to the timeline
    with pytest.raises(VoiceEditError, match="no cuts yet"):
        around_cut(Timeline((Clip("a", 0, 1000),)), 0)


def test_timeline_sound_is_the_sources_samples_stitched_exactly(noise_wav):
    path, source = noise_wav
    timeline = Timeline((Clip(str(path), 500, 2000), Clip(str(path), 3500, 6000)))
    audio = timeline_audio(timeline, 0, timeline.duration)
    expected = np.concatenate([source[500 * PER_MS : 2000 * PER_MS], source[3500 * PER_MS :]])
    np.testing.assert_array_equal(audio, expected)


def test_play_around_the_cut_plays_exactly_either_side_of_the_join(noise_wav, recorded):
    path, source = noise_wav
    player, output = recorded
    state = state_for(path, [(0, 2500), (4000, 6000)], playhead=3000, player=player)
    outcome = run_action(state, Command("play_around_cut"))
    finished(player)
    assert outcome.message == "Playing around the cut at 2.5 s."
    assert not outcome.changed
    before = source[500 * PER_MS : 2500 * PER_MS]  # two seconds before the join
    after = source[4000 * PER_MS : 6000 * PER_MS]  # two seconds after it
    np.testing.assert_array_equal(output.audio, np.concatenate([before, after]))


def test_play_the_selection_plays_it_and_nothing_else(noise_wav, recorded):
    path, source = noise_wav
    player, output = recorded
    state = state_for(path, [(0, 6000)], selection=(1200, 1700), player=player)
    outcome = run_action(state, Command("play_selection"))
    finished(player)
    assert outcome.message == "Playing the selection, 0.5 s."
    np.testing.assert_array_equal(output.audio, source[1200 * PER_MS : 1700 * PER_MS])
    with pytest.raises(VoiceEditError, match="Nothing is selected"):
        run_action(state_for(path, [(0, 6000)], player=player), Command("play_selection"))


def test_play_from_a_time_moves_the_playhead_and_plays_to_the_end(noise_wav, recorded):
    path, source = noise_wav
    player, output = recorded
    state = state_for(path, [(0, 6000)], player=player)
    outcome = run_action(state, Command("play_from", {"time": SpokenTime(4500)}))
    finished(player)
    assert outcome.message == "Playing from 4.5 s."
    assert outcome.state.playhead == 4500
    np.testing.assert_array_equal(output.audio, source[4500 * PER_MS :])
    with pytest.raises(VoiceEditError, match="past the end"):
        run_action(state, Command("play_from", {"time": SpokenTime(9000)}))


def test_play_at_the_end_starts_again_from_the_start(noise_wav, recorded):
    path, _ = noise_wav
    player, output = recorded
    state = state_for(path, [(0, 1000)], playhead=1000, player=player)
    outcome = run_action(state, Command("play"))
    finished(player)
    assert outcome.message == "Playing from the start."
    assert outcome.state.playhead == 0
    assert len(output.audio) == 1000 * PER_MS


def test_video_sources_play_their_sound_on_both_sides_of_the_cut(tone_video, recorded):
    player, output = recorded
    state = state_for(tone_video, [(0, 2000), (4000, 6000)], playhead=2000, player=player)
    run_action(state, Command("play_around_cut"))
    finished(player)
    audio = output.audio
    assert len(audio) == 4000 * PER_MS
    assert abs(dominant_hz(audio[100 * PER_MS : 1900 * PER_MS]) - 440) < 2
    assert abs(dominant_hz(audio[2100 * PER_MS : 3900 * PER_MS]) - 880) < 2
    # The change of pitch is at the join: AAC seeks land within a few milliseconds.
    switch = next(ms for ms in range(500, 4000, 5) if louder_at(audio[ms * PER_MS :], 880, 440))
    assert abs(switch - 2000) <= 20


class RealtimeOutput:
    """A pretend loudspeaker: sound comes out at the real rate (this machine has none)."""

    description = "a pretend loudspeaker"

    def __init__(self, sample_rate: int = RATE) -> None:
        self.sample_rate = sample_rate
        self._queued = 0
        self._began = None
        self._done = 0
        self._lock = threading.Lock()
        self.received = 0  # samples handed over so far

    def _out(self) -> int:
        if self._began is None:
            return self._done
        elapsed = round((time.monotonic() - self._began) * self.sample_rate)
        return min(self._queued, self._done + elapsed)

    def play(self, audio, sample_rate, continued=False) -> None:
        with self._lock:
            if self._began is None:
                self._began = time.monotonic()
            self._queued += len(audio)
            self.received += len(audio)

    def stop(self) -> None:
        with self._lock:
            self._done = self._queued = self._out()
            self._began = None

    @property
    def is_active(self) -> bool:
        return self._out() < self._queued

    @property
    def played_samples(self) -> int:
        return self._out()

    def close(self) -> None:
        pass


def test_stop_leaves_the_playhead_where_the_sound_stopped(noise_wav):
    path, _ = noise_wav
    player = Player(RealtimeOutput())
    try:
        state = state_for(path, [(0, 6000)], player=player)
        state = run_action(state, Command("play_from", {"time": SpokenTime(1000)})).state
        time.sleep(0.6)
        outcome = run_action(state, Command("stop_playback"))
        # Heard for at most the 0.6 s slept (less the first chunk's decoding).
        assert 1200 <= outcome.state.playhead <= 1620
        assert outcome.message == f"Stopped at {outcome.state.playhead / 1000:.1f} s."
        assert not player.is_playing
        again = run_action(outcome.state, Command("stop_playback"))
        assert again.message == "Nothing is playing."
        assert again.state.playhead == outcome.state.playhead
    finally:
        player.close()


def test_long_playback_is_decoded_a_little_ahead_not_all_at_once(tmp_path):
    path = tmp_path / "long.wav"
    soundfile.write(str(path), np.zeros(40 * RATE, dtype=np.float32), RATE)
    output = RealtimeOutput()
    player = Player(output)
    player.play(Timeline((Clip(str(path), 0, 40_000),)), 0)
    time.sleep(1.0)
    handed = output.received / RATE
    player.stop()
    assert 0 < handed <= 1.0 + AHEAD_S + playback.CHUNK_MS / 1000


def test_deferred_playback_waits_for_the_voice(noise_wav):
    path, _ = noise_wav
    output = ArrayOutput(RATE)
    speaking = threading.Event()
    speaking.set()
    player = Player(output, defer=True, quiet=lambda: not speaking.is_set())
    player.play(Timeline((Clip(str(path), 0, 1000),)), 0)
    time.sleep(0.3)
    assert output.pieces == []  # not released yet
    player.start_pending()
    time.sleep(0.3)
    assert output.pieces == []  # released, but the voice is still talking
    speaking.clear()
    finished(player)
    assert len(output.audio) == 1000 * PER_MS


def test_no_speakers_and_missing_sources_are_plain_sentences(noise_wav, tmp_path):
    import sounddevice

    path, _ = noise_wav
    gone = tmp_path / "gone.wav"
    soundfile.write(str(gone), np.zeros(RATE, dtype=np.float32), RATE)
    timeline = Timeline((Clip(str(gone), 0, 1000),))
    gone.unlink()
    with pytest.raises(VoiceEditError, match="The source gone.wav is gone, so I cannot play it."):
        Player(ArrayOutput(RATE)).play(timeline, 0)
    if any(d["max_output_channels"] > 0 for d in sounddevice.query_devices()):
        pytest.skip("this machine has a sound device")
    with pytest.raises(VoiceEditError) as error:
        Player().play(Timeline((Clip(str(path), 0, 1000),)), 0)
    assert str(error.value) == "No speaker or headphones were found, so I cannot play the sound."
