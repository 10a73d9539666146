"""The live session end to end: spoken commands (the Piper voice, silence between) go through
voice activity, the real tiny.en recogniser and the session; we assert the project after it,
the printed log, the spoken answers, and the modes (sleep, push-to-talk, barge-in). One test
drives the real microphone and speaker path through PulseAudio null sinks."""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Executor, Future
from pathlib import Path

import numpy as np
import pytest
import soundfile
from spoken import command_track, speech_span, spoken, write_commands

from voiceedit.answer.outputs import resample
from voiceedit.answer.playback import PLAYBACK_RATE, timeline_audio
from voiceedit.answer.speakers import EspeakVoice, Speaker, SpeechSettings, open_speaker, text_only
from voiceedit.core import Editor
from voiceedit.hear.audio import SAMPLE_RATE
from voiceedit.hear.keys import KeyReader
from voiceedit.hear.sources import ArraySource, Block, FileSource
from voiceedit.hear.vad import UtteranceDetector
from voiceedit.live.endpoint import EARLY_END_LOGPROB, PushToTalk
from voiceedit.live.loop import LiveLoop
from voiceedit.live.settings import LiveSettings
from voiceedit.project import create_project, load_project, make_source
from voiceedit.spoken_time import speakable
from voiceedit.understand.matcher import CONFIRM_BELOW

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # every test here runs Whisper


@pytest.fixture(scope="module")
def sample_project(tmp_path_factory, sample_video) -> Path:
    path = tmp_path_factory.mktemp("live") / "sample.json"
    create_project(path, [make_source(sample_video)])
    return path


@pytest.fixture
def project(sample_project, tmp_path) -> Path:
    """A fresh copy of the sample project for each test."""
    path = tmp_path / "project.json"
    shutil.copy(sample_project, path)
    return path


@pytest.fixture(scope="module")
def recognizer():
    from voiceedit.hear.command_recognizer import CommandRecognizer, RecognizerOptions
    from voiceedit.understand.matcher import vocabulary_prompt

    return CommandRecognizer(options=RecognizerOptions(prompt=vocabulary_prompt()))


def typed(sample: Path, folder: Path, *texts: str):
    """The same commands typed into a fresh copy of the sample: what the voice path must
    equal."""
    copy = folder / "typed.json"
    shutil.copy(sample, copy)
    session = Editor(copy)
    for text in texts:
        assert session.handle_text(text).applied, text
    return load_project(copy)


def words(text: str) -> str:
    """What was heard, lower case without punctuation, numbers in words: Whisper writes
    "12" or "twelve" depending on its prompt, and both are the same command."""
    from voiceedit.timeline.words import normalize

    return normalize(text)


def test_spoken_commands_edit_the_project_as_typed_ones_would(
    sample_project, project, recognizer, tmp_path
):
    said = [
        "Remove the filler words.",
        "Go to ten seconds.",
        "Delete ask not what your camera can do for you.",
        "Undo that.",
        "Find a phone and good sound.",
        "Go to sleep.",
        "Delete from five seconds to ten seconds.",  # asleep: must be ignored
        "Start listening again.",  # tiny.en hears a bare "wake up" as nothing, for now
        "Where am I?",
        "Stop listening.",
        "Remove the repeated takes.",  # after "stop listening": never heard
    ]
    original = load_project(project)
    log: list[str] = []
    speaker = open_speaker(SpeechSettings("espeak", tmp_path / "answers.wav"))
    loop = LiveLoop(
        Editor(project),
        FileSource(write_commands(tmp_path, said), realtime=False),
        recognizer,
        speaker,
        log.append,
    )
    loop.run()
    speaker.close()

    heard = [line[len("heard: ") :] for line in log if line.startswith("heard: ")]
    answers = [line[len("answer: ") :] for line in log if line.startswith("answer: ")]
    assert len(heard) == 10  # everything up to "stop listening", nothing after
    assert [words(h) for h in heard][:2] == [words(s) for s in said[:2]]
    assert answers[0].startswith("Removed 3 fillers")
    assert answers[1].startswith("At 10.0 s of")
    assert answers[2].startswith("Deleted 2.2 s: 'Ask not what your camera")
    assert answers[3].startswith("Undid")
    assert answers[5] == "Going to sleep. Say wake up when you need me."
    assert answers[6] == "I'm listening."
    assert answers[-1] == "Stopped listening. Everything is saved."
    # Each utterance prints "heard", then its answer; asleep, only a note.
    asleep = log.index(f"heard: {heard[6]}")
    assert log[asleep + 1] == "asleep: say wake up to go on."
    assert all(a.startswith("heard: ") for a in log[0:asleep:2])
    assert loop.stopped and not loop.asleep
    # Recognition started during the hangover was used, and gave the texts above.
    assert loop.early_used >= 8

    # The project on disk: fillers gone, the quote deleted then restored, nothing done asleep.
    after = load_project(project)
    expected = typed(sample_project, tmp_path, "remove the filler words")
    assert after.timeline == expected.timeline
    assert after.timeline != original.timeline
    assert original.timeline.duration - after.timeline.duration == pytest.approx(2600, abs=300)
    # "find a phone and good sound" left the playhead on those words.
    found = typed(
        sample_project, tmp_path, "remove the filler words", "find a phone and good sound"
    )
    assert after.playhead == found.playhead > 10_000

    # Every answer was spoken into the one WAV, whole and in order.
    audio, rate = soundfile.read(tmp_path / "answers.wav", dtype="float32")
    voice = EspeakVoice()
    spoken_answers = [speakable(a) for a in answers]  # printed in digits, said in words
    expected_length = sum(len(voice.synthesize(a)) for a in spoken_answers) + (
        len(answers) - 1
    ) * (rate * 300 // 1000)
    # espeak's timing wobbles by a few milliseconds a sentence; a missing answer is seconds.
    assert abs(len(audio) - expected_length) < 0.005 * expected_length


def test_the_cli_prints_one_plain_line_each_and_plays_the_cut_into_a_file(
    sample_project, project, tmp_path, voiceedit_cli
):
    # A split, not a cut: a spoken cut may rightly be read back for a yes first (the
    # recogniser's doubt rule), and this test is about the printed lines and the playback.
    said = ["Split at ten seconds.", "Play around the cut."]
    first, *rest = write_commands(tmp_path, said)
    result = voiceedit_cli(
        "listen", str(project), "--input", str(first), *map(str, rest), "--fast",
        "--speak-to", str(tmp_path / "answers.wav"), "--play-to", str(tmp_path / "play.wav"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "listening: command01.wav, command02.wav; speech: the espeak voice to the file answers.wav."
    )
    assert lines[1] == "answer: Editing project. I'm listening. Say go to sleep to pause."
    assert lines[2] == "heard: Split at ten seconds."
    assert lines[3].startswith("answer: Split")
    assert lines[4] == "heard: Play around the cut."
    assert lines[5] == "answer: Playing around the cut at 10.0 s."
    assert len(lines) == 6
    assert result.stderr == ""

    timeline = load_project(project).timeline
    assert timeline == typed(sample_project, tmp_path, said[0]).timeline
    assert (timeline.clips[0].source_out, timeline.clips[1].source_in) == (10_000, 10_000)
    played, rate = soundfile.read(tmp_path / "play.wav", dtype="float32")
    assert rate == PLAYBACK_RATE
    expected = timeline_audio(timeline, 8000, 12_000)
    assert len(played) == len(expected) == 4 * PLAYBACK_RATE
    np.testing.assert_allclose(played, np.clip(expected, -1, 1), atol=1e-4)  # 16-bit WAV


class Clock:
    """Simulated time: the seconds of input fed so far. Recognition then takes no time, so
    what overlaps what is the same on every run, however busy the machine is."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class EchoRoom:
    """A pretend loudspeaker in a room (this machine has none): what the tool plays comes
    out in (simulated) real time and comes back into the microphone at `gain`."""

    description = "a pretend loudspeaker"
    sample_rate = SAMPLE_RATE

    def __init__(self, gain: float, clock: Clock) -> None:
        self.gain = gain
        self.clock = clock
        self.pieces: list[tuple[float, np.ndarray]] = []  # (time it starts, 16 kHz audio)
        self.stops = 0

    def _end(self) -> float:
        return max((t + len(a) / SAMPLE_RATE for t, a in self.pieces), default=0.0)

    def play(self, audio: np.ndarray, sample_rate: int, continued: bool = False) -> None:
        start = max(self.clock.now, self._end())
        self.pieces.append((start, resample(audio, sample_rate, SAMPLE_RATE)))

    def stop(self) -> None:
        now = self.clock.now
        self.stops += 1
        self.pieces = [
            (t, a[: max(0, round((now - t) * SAMPLE_RATE))]) for t, a in self.pieces if t < now
        ]

    @property
    def is_active(self) -> bool:
        return self.clock.now < self._end()

    @property
    def played_samples(self) -> int:
        now = self.clock.now
        return sum(min(len(a), max(0, round((now - t) * SAMPLE_RATE))) for t, a in self.pieces)

    def sound_between(self, start: float, count: int) -> np.ndarray:
        mixed = np.zeros(count, dtype=np.float32)
        for t, audio in self.pieces:
            offset = round((start - t) * SAMPLE_RATE)
            lo, hi = max(0, offset), min(len(audio), offset + count)
            if lo < hi:
                mixed[lo - offset : hi - offset] += audio[lo:hi]
        return mixed

    def close(self) -> None:
        pass


class EchoingSource:
    """Files fed as spoken, on the simulated clock, with the room's echo of the tool mixed in."""

    def __init__(self, inner: FileSource, room: EchoRoom) -> None:
        self.inner, self.room, self.description = inner, room, inner.description

    def blocks(self):
        for block in self.inner.blocks():
            self.room.clock.now = block.end / SAMPLE_RATE
            echo = self.room.sound_between(block.start / SAMPLE_RATE, len(block.audio))
            yield Block(block.audio + self.room.gain * echo, block.start, self.room.clock.now)

    def close(self) -> None:
        self.inner.close()


def test_talking_over_the_tool_stops_it_and_its_own_voice_is_never_a_command(
    project, recognizer, tmp_path
):
    clock = Clock()
    room = EchoRoom(gain=0.1, clock=clock)  # the echo 20 dB under what the tool plays
    speaker = Speaker(EspeakVoice(), room)
    # Quiet while the greeting plays (it says "go to sleep" into the room: taken as a
    # command, the loop would sleep through the rest); then a command whose answer is long;
    # then, while that answer is still being read, another command (after the answer's
    # first sentence, "1 clip, 45.1 s.", said "one clip, forty-five point one seconds").
    first = command_track(["Read the timeline."], gap_ms=3500, lead_ms=4500)
    soundfile.write(tmp_path / "first.wav", first.audio, SAMPLE_RATE)
    second = write_commands(tmp_path, ["Go to ten seconds."])[0]
    log: list[str] = []
    files = FileSource([tmp_path / "first.wav", second], realtime=False, gap_ms=300)
    loop = LiveLoop(
        Editor(project), EchoingSource(files, room), recognizer, speaker, log.append, clock=clock
    )
    greeting = "Editing project. I'm listening. Say go to sleep to pause."
    loop.say(greeting)
    loop.run()

    heard = [line for line in log if line.startswith("heard: ")]
    assert heard == ["heard: Read the timeline.", "heard: Go to ten seconds."]
    assert not loop.asleep
    assert loop.ignored >= 2  # the greeting's and the readback's echoes, dropped
    # "Go to ten seconds" came while the timeline was being read: the reading stopped.
    assert room.stops == 1
    assert loop.turns[-1].barged_in and not loop.turns[0].barged_in
    readback = next(line for line in log if line.startswith("answer: 1 clip"))
    full = len(EspeakVoice().synthesize(speakable(readback[len("answer: ") :]))) / 22_050
    greeting_heard, readback_heard, _ = (len(audio) / SAMPLE_RATE for _, audio in room.pieces)
    assert greeting_heard == pytest.approx(
        len(EspeakVoice().synthesize(greeting)) / 22_050, abs=0.01
    )
    assert readback_heard < full - 2.0  # the readback was cut short
    assert load_project(project).playhead == 10_000


def test_push_to_talk_takes_only_the_utterance_after_a_press(project, recognizer, tmp_path):
    keys = PushToTalk()
    log: list[str] = []
    paths = write_commands(tmp_path, ["Go to ten seconds.", "Go to twenty seconds."])
    loop = LiveLoop(
        Editor(project),
        FileSource(paths, realtime=False),
        recognizer,
        text_only(),
        log.append,
        push_to_talk=keys,
    )
    keys.press()  # before the first command only
    loop.run()
    assert log == [
        "heard: Go to ten seconds.",
        "answer: At 10.0 s of 45.1 s: 'You don't need an expensive camera'.",
    ]
    assert load_project(project).playhead == 10_000


def test_the_push_to_talk_key_is_read_from_standard_input():
    read, write = os.pipe()
    presses = []
    reader = KeyReader("k", lambda: presses.append(1), os.fdopen(read, "rb", buffering=0))
    reader.start()
    os.write(write, b"xkk k\n")
    os.close(write)
    reader._thread.join(timeout=2)
    assert len(presses) == 3


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def test_memory_stays_flat_over_twelve_minutes_of_a_live_session(project, recognizer):
    rng = np.random.default_rng(3)
    burst = spoken("Where am I?")
    rss: list[int] = []

    def room():
        for index in range(12 * 6):  # 12 minutes, 10 s at a time, a question every 30 s
            chunk = (rng.standard_normal(10 * SAMPLE_RATE) * 0.003).astype(np.float32)
            if index % 3 == 0:
                chunk[SAMPLE_RATE : SAMPLE_RATE + len(burst)] += burst
            if index == 6:
                rss.append(_rss_kib())  # after the first minute
            yield chunk

    log: list[str] = []
    loop = LiveLoop(Editor(project), ArraySource(room()), recognizer, text_only(), log.append)
    loop.run()
    assert sum(line.startswith("answer: ") for line in log) == 24
    assert _rss_kib() - rss[0] < 16 * 1024


def test_without_a_microphone_it_says_so_and_takes_typed_commands(project, tmp_path):
    env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path), "PULSE_SERVER": "unix:/nonexistent"}
    result = subprocess.run(
        [sys.executable, "-m", "voiceedit", "listen", str(project), "--no-speech"],
        input="go to ten seconds\n\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "No microphone was found. Connect one, or use --input FILE to feed recorded commands.",
        "Type commands instead, one a line; an empty line or Ctrl-D ends.",
        "heard: go to ten seconds",
        "answer: At 10.0 s of 45.1 s: 'You don't need an expensive camera'.",
    ]
    assert load_project(project).playhead == 10_000


# --- the real microphone and speakers, through PulseAudio ------------------------------------


@pytest.fixture(scope="module")
def pulse():
    """A private PulseAudio daemon: `vmic` is the room the user speaks into (its monitor is
    the default microphone), `vspk` the speakers (default sink), and a loopback carries the
    speakers back into the microphone, as a room does."""
    if shutil.which("pulseaudio") is None or shutil.which("paplay") is None:
        pytest.skip("pulseaudio is not installed (make setup installs it)")
    runtime = tempfile.mkdtemp(prefix="voiceedit-pulse-")
    env = {**os.environ, "XDG_RUNTIME_DIR": runtime}
    env.pop("PULSE_SERVER", None)
    subprocess.run(
        ["pulseaudio", "--daemonize=yes", "--exit-idle-time=-1", "-n",
         "--load=module-null-sink sink_name=vmic rate=16000 channels=1",
         "--load=module-null-sink sink_name=vspk rate=22050 channels=1",
         "--load=module-native-protocol-unix",
         "--load=module-loopback source=vspk.monitor sink=vmic latency_msec=60"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(["pactl", "set-default-source", "vmic.monitor"], env=env, check=True)
    subprocess.run(["pactl", "set-default-sink", "vspk"], env=env, check=True)
    yield env
    subprocess.run(["pulseaudio", "--kill"], env=env, capture_output=True)
    shutil.rmtree(runtime, ignore_errors=True)


def _lines(process: subprocess.Popen) -> queue.Queue:
    lines: queue.Queue = queue.Queue()

    def pump():
        for line in process.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _wait_for(lines: queue.Queue, prefix: str, log: list[str], timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        if line is None:
            break
        log.append(line)
        if line.startswith(prefix):
            return line
    raise AssertionError(f"no line starting {prefix!r}; got {log}")


@pytest.mark.microphone
def test_the_real_microphone_and_speakers_through_pulseaudio(project, tmp_path, pulse):
    go_to, stop = write_commands(tmp_path, ["Go to ten seconds.", "Stop listening."])
    recording = subprocess.Popen(
        ["parec", "--device=vspk.monitor", "--rate=16000", "--channels=1", "--format=s16le",
         "--file-format=wav", str(tmp_path / "speakers.wav")], env=pulse,
    )  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "voiceedit", "listen", str(project)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=pulse, cwd=ROOT,
    )  # fmt: skip
    log: list[str] = []
    try:
        lines = _lines(process)
        assert _wait_for(lines, "listening: ", log).startswith("listening: microphone")
        _wait_for(lines, "answer: Editing project.", log)
        time.sleep(6)  # the greeting ("... say go to sleep ...") plays and echoes back
        subprocess.run(["paplay", "--device=vmic", str(go_to)], env=pulse, check=True)
        _wait_for(lines, "answer: At 10.0 s", log)
        time.sleep(7)  # the answer plays out
        subprocess.run(["paplay", "--device=vmic", str(stop)], env=pulse, check=True)
        _wait_for(lines, "answer: Stopped listening.", log)
        assert process.wait(timeout=60) == 0
    finally:
        process.kill()
        recording.terminate()
        recording.wait(timeout=10)
    assert [line for line in log if line.startswith("heard: ")] == [
        "heard: Go to ten seconds.",
        "heard: Stop listening.",
    ]  # and nothing the tool said itself
    assert "speakers" in log[0]
    assert process.stderr.read() == ""
    assert load_project(project).playhead == 10_000
    # The answers came out of the speakers.
    spoken_out, rate = soundfile.read(tmp_path / "speakers.wav", dtype="float32")
    loud = np.abs(spoken_out) > 0.05
    assert loud.sum() / rate > 2.0


# --- ending a final command early (grammar-aware endpointing) ---------------------------------


class Inline(Executor):
    """Recognition in the loop's own thread: it takes none of the stream's time, so where an
    utterance ends is the same on every run, however busy the machine is."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        future.set_result(fn(*args, **kwargs))
        return future


class StreamClock:
    """Blocks of an array, each stamped with the stream's own time, which `clock` reads: the
    latency a turn records is then stream time, from the end of speech to the answer."""

    description = "generated audio"

    def __init__(self, audio: np.ndarray, clock: Clock) -> None:
        self.audio, self.clock = audio, clock

    def blocks(self):
        for block in ArraySource(iter([self.audio])).blocks():
            self.clock.now = block.end / SAMPLE_RATE
            yield Block(block.audio, block.start, self.clock.now)

    def close(self) -> None:
        pass


class Recording:
    """The recogniser, keeping what it heard each time (early recognitions included)."""

    def __init__(self, inner) -> None:
        self.inner, self.heard = inner, []

    def recognise(self, audio: np.ndarray):
        heard = self.inner.recognise(audio)
        self.heard.append(heard)
        return heard


MS = SAMPLE_RATE // 1000


def said_with_pauses(*parts: str | int) -> np.ndarray:
    """Phrases with exactly the given milliseconds of silence between their words (Piper's
    own silence around each phrase cut off), 1.2 s of silence at both ends."""
    pieces = []
    for part in ("lead", *parts, "tail"):
        if part in ("lead", "tail"):
            pieces.append(np.zeros(1200 * MS, dtype=np.float32))
        elif isinstance(part, int):
            pieces.append(np.zeros(part * MS, dtype=np.float32))
        else:
            audio = spoken(part)
            first, last = speech_span(audio, floor=0.003)
            pieces.append(audio[first:last])
    return np.concatenate(pieces)


def live_turns(
    project: Path, recognizer, audio: np.ndarray, weigh_quotes: bool = False
) -> tuple[LiveLoop, list[str]]:
    """The loop over `audio`; `weigh_quotes`: the recogniser weighs quotes against the
    session's transcript, as `voiceedit listen` has it do."""
    clock = Clock()
    log: list[str] = []
    session = Editor(project)
    if weigh_quotes:
        recognizer.fit, recognizer.phrases = session.fit, session.phrases
    loop = LiveLoop(
        session,
        StreamClock(audio, clock),
        recognizer,
        text_only(),
        log.append,
        clock=clock,
        worker=Inline(),
    )
    try:
        loop.run()
    finally:
        if weigh_quotes:
            recognizer.fit = recognizer.phrases = None
    return loop, [line[len("heard: ") :] for line in log if line.startswith("heard: ")]


def test_a_final_command_ends_early_and_one_that_goes_on_is_not_cut(project, recognizer):
    audio = said_with_pauses(
        "Go to ten seconds.", 1500,
        "Play", 200, "from ten seconds.", 1500,
        "Go to one minute", 200, "thirty.", 1500,
        "Go to", 200, "twenty seconds.", 1500,
        "Delete from ten seconds", 200, "to twelve seconds.",
    )  # fmt: skip
    # The pauses of 200 ms are long enough to end an utterance early, so only the grammar
    # and the recogniser's certainty keep those commands whole: a detector ending at 160 ms
    # cuts them in two.
    early = UtteranceDetector(hangover_ms=LiveSettings().early_end_ms)
    pieces = [u for b in ArraySource(iter([audio])).blocks() for u in early.feed(b)]
    assert len(pieces) == 9

    listening = Recording(recognizer)
    loop, heard = live_turns(project, listening, audio)

    assert [words(text) for text in heard] == [
        "go to ten seconds",
        "play from ten seconds",
        "go to one minute thirty",
        "go to twenty seconds",
        "delete from ten seconds to twelve seconds",
    ]
    actions = [t.answer.action for t in loop.turns]
    assert actions == ["seek", "play_from", "seek", "seek", "delete_range"]
    # "Go to ten seconds" was final: acted on after the early end's pause, not the hangover.
    go_to = loop.turns[0]
    assert go_to.ended_early
    assert LiveSettings().early_end_ms / 1000 <= go_to.latency_s < 0.3
    # "Go to one minute" was heard surely while the speaker paused; only the grammar (a time
    # may go on: "one minute thirty") kept the utterance open.
    assert any(
        h.command is not None
        and h.command.action == "seek"
        and h.command.args["time"].ms == 60_000
        and h.command.confidence >= CONFIRM_BELOW
        and h.avg_logprob >= EARLY_END_LOGPROB
        for h in listening.heard
    )
    # (Cut at "go to", tiny.en finishes the sentence from its prompt, "Go to clip two.", a
    # final command; it is unsure of those words, so that did not end the utterance either.)
    assert loop.turns[1].ended_early  # once whole, "play from ten seconds" is final


def test_more_words_after_a_pause_past_a_final_command_are_a_command_of_their_own(
    project, recognizer
):
    audio = said_with_pauses("Go to ten seconds.", 200, "Where am I?")
    loop, heard = live_turns(project, recognizer, audio)
    assert [words(text) for text in heard] == ["go to ten seconds", "where am i"]
    assert [t.answer.action for t in loop.turns] == ["seek", "describe_position"]
    assert loop.turns[0].ended_early
    assert load_project(project).playhead == 10_000


def test_a_quote_that_ends_a_sentence_ends_early_and_one_that_goes_on_is_not_cut(
    project, recognizer
):
    """Transcript editing at the speed of commands: a quote that ends a sentence of the
    transcript is whole, so its cut is done after the early end's pause; a quote paused in
    mid-sentence waits out the hangover and is heard whole."""
    audio = said_with_pauses(
        "Delete the words the first thing you need is a story worth telling.", 1500,
        "Delete the words record the sound close to the speaker", 200,
        "and always listen back before you move on.",
    )  # fmt: skip
    loop, heard = live_turns(project, recognizer, audio, weigh_quotes=True)
    assert [words(text) for text in heard] == [
        "delete the words the first thing you need is a story worth telling",
        "delete the words record the sound close to the speaker and always listen back "
        "before you move on",
    ]
    assert [t.answer.action for t in loop.turns] == ["delete_quote", "delete_quote"]
    assert all(t.answer.applied for t in loop.turns)
    assert [t.ended_early for t in loop.turns] == [True, True]
    left = words(" ".join(Editor(project).state.quotes.words.texts))
    assert "first thing" not in left and "record the sound" not in left
    assert "listen back" not in left
    assert "a phone and good sound" in left and "ask not what your camera" in left
