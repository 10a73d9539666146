"""The live session: audio in, utterances, text, the session, an answer spoken and printed.

    source ──blocks──► UtteranceDetector ──utterance──► CommandRecognizer ──text──►
    Session.handle_heard ──Answer──► printed line + Speaker.say (+ earcon) + pending playback

One thread reads the source block by block; everything for one utterance happens on it, in
order, so the log reads like the conversation. The microphone keeps capturing into its
bounded queue meanwhile, and the detector catches up.

Own voice and barge-in (half duplex with barge-in detection). The microphone hears the
speakers. While the tool speaks or plays, and for `guard_ms` after (the room's echo and the
device's latency), an utterance that starts then is the tool's own sound and is never taken
as a command. Barge-in: if, while the tool is sounding, speech averages `barge_in_ratio`
times the echo's loudness over `barge_in_ms` (the echo learnt in the first `learn_ms` of each
stretch of our sound), that is a person talking over it: speech and playback stop at once,
the utterance is trimmed to start where their loud run began, and it is heard as a command
("stop" while playing stops and says where). Words said over the tool's voice are heard well
with the echo 20 dB under the voice, and the first word is often lost at 12 dB. We
chose this over echo cancellation because it needs no knowledge of the room and cannot
mistake the tool's own words for a command: what overlaps the tool's sound is dropped unless
it is clearly louder than that sound. With headphones (no echo) any speech barges in.

Recognition starts early: once an utterance has paused for two frames (64 ms), its audio
so far goes to the recogniser on a worker thread while the hangover runs out. If no more
speech comes, the utterance is exactly that audio plus silence, and its text is ready (or
nearly) when the end is certain; if speech resumes, the early result is dropped. This hides
most of the recognition time inside the 300 ms hangover. All recognition runs on that one
worker thread, so the model is never used by two threads at once.

The end comes early too (grammar-aware endpointing, as Talon and voice assistants do): when
that early result is a whole command, sure (at or above the matcher's CONFIRM_BELOW, the
recogniser not in doubt, the model sure of the words: see EARLY_END_LOGPROB) and final by
the grammar (`grammar.is_final`: exactly a sentence of its rule, and no rule goes on from its
words), and the pause has lasted `early_end_ms`, the utterance ends there and the command is
acted on without waiting out the hangover. A command the matcher repaired is judged by the
rule's own words ("and do that" is "undo that"). A command that could go on waits for the
full hangover: "play" (before "from one minute"), "delete from ten seconds" (before "to
twelve seconds"), "go to one minute" (before "thirty"), and a quote, unless the session
finds it once in the transcript and it ends a sentence there ("delete ask not what your
camera can do for you", not "delete ask not what your camera"). The risk taken: a quote
read across a sentence's end with a pause of 160-300 ms at the full stop is cut at the
stop (the rest is heard as a new utterance, not understood; "undo" puts the cut back), as
a pause past 300 ms always was.

The trade-off: a person who pauses longer than `early_end_ms` after a final command and then
says more has that more taken as a new utterance, a command of its own (usually not
understood, or ignored as overlapping our answer), as with any pause past the hangover.
`early_end_ms` (160) is above the pauses between the words of one command (Piper's and
people's are under about 150 ms). Mostly the early recognition is the limit, not that: with
a recogniser taking 100 / 150 / 200 / 240 ms (a fixed delay, input in real time) a final
command is answered 167 / 217 / 267 / 307 ms after the speech, against 290-307 ms for all
of them at the hangover. Speculating after one quiet frame instead of two was measured and
dropped: it starts recognitions inside longer commands that still hold the one worker when
the real pause comes ("shorten pauses longer than one second to half a second" answered in
340-520 ms instead of 240-340).

Modes: continuous listening, with "go to sleep" (only "wake up" is acted on until then) and
"stop listening"; push-to-talk, where a key press arms the next utterance (see keys.py).
Quotes ("find ask not") are ordinary commands to the grammar.

Every answer prints as two plain lines, `heard: ...` and `answer: ...`, which a screen
reader follows line by line. Ctrl-C or "stop listening" ends the loop; the project is
saved after every command already, and the speech file is closed properly.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from voiceedit.act import Outcome, SessionState, action
from voiceedit.answer import earcons
from voiceedit.answer.earcons import Earcon, earcon
from voiceedit.answer.playback import Player
from voiceedit.answer.speakers import Speaker, text_only
from voiceedit.errors import VoiceEditError
from voiceedit.hear.sources import BLOCK_SAMPLES, SAMPLE_RATE, AudioSource, Block
from voiceedit.hear.vad import Utterance, UtteranceDetector, rms
from voiceedit.session import Answer, Session
from voiceedit.understand.command import Command
from voiceedit.understand.grammar import Grammar, is_final, load_grammar, words
from voiceedit.understand.matcher import CONFIRM_BELOW, understand

ASLEEP_ACTIONS = frozenset({"wake_up", "stop_listening"})
# An early result ends the utterance only if the model was sure of its words. On audio cut
# off mid-command, Whisper may finish the sentence from the vocabulary prompt ("go to" heard
# as "Go to clip two.", "play from" as "Play from ten seconds."): such completions scored a
# mean log probability of -0.3 to -0.6, whole Piper commands -0.09 to -0.19.
EARLY_END_LOGPROB = -0.25


# --- the live actions, registered like every other (act.ACTION_MODULES lists this module) ---
# The loop changes its mode from the Answer's action; outside a live session they only answer.


@action("go_to_sleep")
def go_to_sleep(state: SessionState) -> Outcome:
    return Outcome(state, "Going to sleep. Say wake up when you need me.")


@action("wake_up")
def wake_up(state: SessionState) -> Outcome:
    return Outcome(state, "I'm listening.")


@action("stop_listening")
def stop_listening(state: SessionState) -> Outcome:
    return Outcome(state, "Stopped listening. Everything is saved.")


class Recognizer(Protocol):
    def recognise(self, audio: np.ndarray): ...  # -> Heard(text, ...)


@dataclass(frozen=True)
class LiveSettings:
    push_to_talk: bool = False
    earcons: bool = False
    guard_ms: int = 300
    barge_in_ms: int = 200
    barge_in_ratio: float = 2.0  # 6 dB above the echo
    learn_ms: int = 600
    onset_margin_ms: int = 100  # kept before the loud run that triggered a barge-in
    floor: float = 0.003  # about -50 dBFS: quieter than this is never a person talking
    early_end_ms: int | None = 160  # a final, sure command ends after this pause; None: never


@dataclass(frozen=True)
class Turn:
    """One utterance taken as a command, with where the time went (seconds, monotonic)."""

    heard: str
    answer: Answer | None  # None: nothing recognisable, or ignored while asleep
    speech_ended: float  # when the source delivered the end of the speech
    answer_started: float  # when the answer was handed to the speaker
    recognise_s: float
    handle_s: float
    speak_s: float
    barged_in: bool = False
    ended_early: bool = False  # a final command, ended before the hangover ran out

    @property
    def latency_s(self) -> float:
        """End of speech to answer starting: the pause the user hears."""
        return self.answer_started - self.speech_ended


class BargeIn:
    """Tells a person talking over the tool from the tool's own sound coming back.

    The first `learn_ms` of each stretch of our sound teach it how loud the echo gets: the
    loudest `barge_in_ms` average in that time, never below `floor`. After that, speech
    whose last `barge_in_ms` average `barge_in_ratio` times that is a person; `onset` is
    where their loud run began. Averages, not single blocks, are compared, so a loud syllable
    of our own is not mistaken for someone talking.
    """

    def __init__(self, settings: LiveSettings, block_ms: float, span: int = 0) -> None:
        self.settings = settings
        self.span = span  # which stretch of our own sound this is learning
        self._learn_blocks = max(1, round(settings.learn_ms / block_ms))
        window = max(1, round(settings.barge_in_ms / block_ms))
        self._recent: deque[tuple[float, int]] = deque(maxlen=window)  # (level, start sample)
        self._learning: list[float] = []
        self.echo = settings.floor
        self.onset = 0
        self.fired = False

    def update(self, level: float, in_speech: bool, start: int = 0) -> bool:
        """Feed one block's loudness while the tool sounds; True (once) when to stop."""
        if self.fired:
            return False
        if len(self._learning) < self._learn_blocks:
            self._learning.append(level)
            if len(self._learning) == self._learn_blocks:
                width = min(self._recent.maxlen, len(self._learning))
                means = np.convolve(self._learning, np.ones(width) / width, mode="valid")
                self.echo = max(self.settings.floor, float(means.max()))
            return False
        if not in_speech:
            self._recent.clear()
            return False
        self._recent.append((level, start))
        threshold = self.settings.barge_in_ratio * self.echo
        levels = [lvl for lvl, _ in self._recent]
        if len(levels) < self._recent.maxlen or np.mean(levels) <= threshold:
            return False
        self.onset = next(at for lvl, at in self._recent if lvl > threshold)
        self.fired = True
        return True


class OwnSound:
    """When the tool itself was sounding (speech, earcons, playback), in wall-clock time,
    so that audio can be checked against it whenever the loop gets round to reading it.
    `guard_s` extends each stretch for the echo's tail and the device's buffering."""

    def __init__(self, guard_s: float) -> None:
        self.guard_s = guard_s
        self._spans: deque[list[float]] = deque(maxlen=64)  # [since, until]; until=inf: open
        self.count = 0  # stretches so far: an id for the current one

    def update(self, sounding: bool, now: float) -> int:
        """Record whether we are sounding at `now`; returns the current stretch's id."""
        open_span = self._spans and self._spans[-1][1] == math.inf
        if sounding and not open_span:
            self._spans.append([now, math.inf])
            self.count += 1
        elif not sounding and open_span:
            self._spans[-1][1] = now
        return self.count

    def during(self, when: float) -> bool:
        return any(since <= when <= until + self.guard_s for since, until in self._spans)

    def overlaps(self, first: float, last: float) -> bool:
        return any(first <= until + self.guard_s and last >= since for since, until in self._spans)


def is_final_command(
    heard: object, grammar: Grammar, quote_ends_sentence: Callable[[Command], bool] | None = None
) -> bool:
    """Whether what the recogniser heard is a command to act on without waiting for more
    speech: understood, sure enough not to be read back, heard surely (EARLY_END_LOGPROB),
    and final by the grammar (nothing could continue its words). A quote could always go on,
    unless `quote_ends_sentence` (the session's) says it ends where a sentence of the
    transcript ends. Heard without a command (a fake's plain text) never is."""
    command: Command | None = getattr(heard, "command", None)
    if command is None or command.confidence < CONFIRM_BELOW:
        return False
    if getattr(heard, "avg_logprob", -math.inf) < EARLY_END_LOGPROB:
        return False
    rule = next(
        (r for r in grammar.rules if r.spoken == command.rule and r.action == command.action),
        None,
    )
    # The rule's own words when the matcher repaired what was heard ("and do that" is "undo
    # that"): a command heard a little wrong but surely understood ends as soon as one heard
    # right.
    said = words(command.meant or command.heard)
    if rule is None:
        return False
    if is_final(said, rule, grammar):
        return True
    closed = quote_ends_sentence is not None and quote_ends_sentence(command)
    return closed and is_final(said, rule, grammar, quote_closed=True)


class PushToTalk:
    """Armed by a key press (from any thread); the next utterance is taken, then disarmed."""

    def __init__(self) -> None:
        self._armed = threading.Event()

    def press(self) -> None:
        self._armed.set()

    @property
    def armed(self) -> bool:
        return self._armed.is_set()

    def take(self) -> bool:
        if self._armed.is_set():
            self._armed.clear()
            return True
        return False


class LiveLoop:
    """Runs one live session until the source ends, "stop listening", or Ctrl-C."""

    def __init__(
        self,
        session: Session,
        source: AudioSource,
        recognizer: Recognizer,
        speaker: Speaker,
        log: Callable[[str], None],
        settings: LiveSettings = LiveSettings(),
        player: Player | None = None,
        detector: UtteranceDetector | None = None,
        push_to_talk: PushToTalk | None = None,
        clock: Callable[[], float] = time.monotonic,
        worker: Executor | None = None,
    ) -> None:
        self.session = session
        self.source = source
        self.recognizer = recognizer
        self.speaker = speaker
        self.log = log
        self.settings = settings
        self.player = player
        self.detector = detector or UtteranceDetector()
        self.keys = push_to_talk or (PushToTalk() if settings.push_to_talk else None)
        # Seconds, the clock the source stamps blocks with (a test may run a simulated one).
        self.clock = clock
        self.asleep = False
        self.stopped = False
        self.turns: list[Turn] = []
        self.on_turn: Callable[[Turn], None] | None = None  # e.g. print the timings
        self.ignored = 0  # utterances dropped as the tool's own sound
        self.early_used = 0  # utterances whose early recognition was the final one
        self.ended_early = 0  # utterances ended before the hangover: a final command
        self._grammar = load_grammar()
        # (block end sample, when it was heard): maps stream samples to wall-clock time.
        self._heard_at: deque[tuple[int, float]] = deque(maxlen=1024)
        self.own_sound = OwnSound(settings.guard_ms / 1000)
        self._barge_in: BargeIn | None = None
        self._barged_at: int | None = None
        # Where recognition runs: one thread, so the model is never used by two at once (a
        # test may run it inline: recognition then takes no time of the stream's).
        self._worker = worker or ThreadPoolExecutor(max_workers=1, thread_name_prefix="recognise")
        # (speech end, its early recognition: (Heard, whether it is a final command))
        self._early: tuple[int, Future] | None = None

    # --- the loop --------------------------------------------------------------------------

    def run(self) -> None:
        try:
            for block in self.source.blocks():
                self._heard_at.append((block.end, block.time))
                self._watch_own_sound(block)
                for utterance in self.detector.feed(block):
                    self._on_utterance(utterance)
                    if self.stopped:
                        return
                self._speculate()
                utterance = self._end_early()
                if utterance is not None:
                    self._on_utterance(utterance, ended_early=True)
                    if self.stopped:
                        return
            for utterance in self.detector.flush():
                self._on_utterance(utterance)
                if self.stopped:
                    return
        finally:
            self.source.close()
            self._worker.shutdown(wait=True, cancel_futures=True)

    def warm_up(self) -> None:
        """Run the recogniser once on silence: the first real command is then as quick as
        the rest (the first call sets up CTranslate2's buffers; CommandRecognizer.warm_up
        also loads the search within the grammar, which an unclear command needs)."""
        warm_up = getattr(self.recognizer, "warm_up", None)
        if warm_up is not None:
            warm_up()
        else:
            self.recognizer.recognise(np.zeros(SAMPLE_RATE // 2, dtype=np.float32))

    def finish(self) -> None:
        """After the loop: the last answer is heard to its end; playback stops after "stop
        listening" and plays out when the input simply ended."""
        if self.stopped and self.player is not None:
            self.player.stop()
        while self._sounding_now():
            time.sleep(0.05)

    def say(self, message: str, kind: Earcon | None = None) -> float:
        """Print and speak one answer; returns when it was handed to the speaker."""
        if kind is not None and self.settings.earcons:
            self.speaker.play_sound(earcon(kind), earcons.SAMPLE_RATE)
        try:
            self.speaker.say(message)
        except VoiceEditError as error:  # the voice failed mid-session: go on in text
            self.speaker = text_only()
            self.log(f"{error} Answers are printed only.")
        started = self.clock()
        # From the moment sound comes out, the microphone may hear us (not before: the time
        # spent making the voice is not ours to ignore).
        self.own_sound.update(self._sounding_now(), started)
        self.log(f"answer: {message}")
        return started

    # --- own sound and barge-in ------------------------------------------------------------

    def _sounding_now(self) -> bool:
        playing = self.player is not None and self.player.is_playing
        return self.speaker.is_speaking or playing

    def _watch_own_sound(self, block: Block) -> None:
        """Follow our own sound, and stop it when someone talks over it (barge-in)."""
        span = self.own_sound.update(self._sounding_now(), self.clock())
        if not self.own_sound.during(block.time):
            return
        if self._barge_in is None or self._barge_in.span != span:
            self._barge_in = BargeIn(self.settings, len(block.audio) * 1000 / SAMPLE_RATE, span)
        if self._barge_in.update(rms(block.audio), self.detector.in_speech, block.start):
            self.speaker.stop()
            if self.player is not None:
                self.player.interrupt()
            self._barged_at = block.end
            # Before the person's loud run began, the microphone heard only our voice.
            margin = self.settings.onset_margin_ms * SAMPLE_RATE // 1000
            self.detector.trim_before(self._barge_in.onset - margin)

    def _is_own_sound(self, utterance: Utterance) -> bool:
        barged = self._barged_at is not None
        if barged and utterance.start <= self._barged_at <= utterance.decided:
            return False  # talked over the tool: that is the user
        return self.own_sound.overlaps(self._time_of(utterance.start), self._time_of(utterance.end))

    def _time_of(self, sample: int) -> float:
        """When stream sample `sample` was heard, by `clock`."""
        for end, when in self._heard_at:
            if end >= sample:
                return when
        if not self._heard_at:
            return self.clock()
        end, when = self._heard_at[0] if sample < self._heard_at[0][0] else self._heard_at[-1]
        return when - (end - sample) / SAMPLE_RATE

    # --- one utterance ---------------------------------------------------------------------

    def _on_utterance(self, utterance: Utterance, ended_early: bool = False) -> None:
        barged = self._barged_at is not None and utterance.start <= self._barged_at
        if self._is_own_sound(utterance):
            self.ignored += 1
            return
        self._barged_at = None
        if self.keys is not None and not self.keys.take():
            return  # push-to-talk: not armed
        speech_ended = self._time_of(utterance.end)
        if self.settings.earcons:
            self.speaker.play_sound(earcon(Earcon.HEARD), earcons.SAMPLE_RATE)
        began = self.clock()
        heard = self._recognised(utterance)
        text = heard.text.strip()
        recognised = self.clock()
        if not text:
            return  # a noise Whisper made nothing of: say nothing
        self.log(f"heard: {text}")
        # Fakes in tests may hear text alone; the real recogniser also gives its command.
        answer = self._answer(text, getattr(heard, "command", None))
        handled = self.clock()
        if answer is None:
            self._record(
                Turn(
                    text,
                    None,
                    speech_ended,
                    handled,
                    recognised - began,
                    handled - recognised,
                    0.0,
                    barged,
                    ended_early,
                )
            )
            return
        started = self.say(answer.message, _earcon_for(answer))
        if self.player is not None:
            self.player.start_pending()
        self._record(
            Turn(
                text,
                answer,
                speech_ended,
                started,
                recognised - began,
                handled - recognised,
                started - handled,
                barged,
                ended_early,
            )
        )

    def _record(self, turn: Turn) -> None:
        self.turns.append(turn)
        if self.on_turn is not None:
            self.on_turn(turn)

    def _speculate(self) -> None:
        """Start recognising an utterance that has paused, before its end is certain."""
        pausing = self.detector.pausing
        if pausing is None or (self._early is not None and self._early[0] == pausing[0]):
            return
        if self._early is not None:
            self._early[1].cancel()  # an earlier pause's, not started yet: not needed now
        end, audio = pausing
        self._early = (end, self._worker.submit(self._recognise_early, audio))

    def _recognise_early(self, audio: np.ndarray) -> tuple[object, bool]:
        """On the worker: the early recognition, and whether it is a final command."""
        heard = self.recognizer.recognise(audio)
        return heard, is_final_command(heard, self._grammar, self.session.quote_ends_sentence)

    def _end_early(self) -> Utterance | None:
        """End the paused utterance now if its early recognition is back and a final
        command, and the pause has lasted `early_end_ms`."""
        early, wait_ms = self._early, self.settings.early_end_ms
        if early is None or wait_ms is None or self.detector.pause_ms < wait_ms:
            return None
        end, future = early
        if end != self.detector.speech_end:
            return None
        # The next block is a block away at most: wait for the recognition meanwhile, so the
        # end comes when it is back, not with the next block (that is 10-30 ms sooner, and
        # ends early some commands the hangover would otherwise end first). Nothing is lost
        # when it is not final: the blocks wait in the source and are read at once after.
        wait([future], timeout=BLOCK_SAMPLES / SAMPLE_RATE)
        if not future.done() or not future.result()[1]:
            return None
        utterance = self.detector.end_now()
        if utterance is not None:
            self.ended_early += 1
        return utterance

    def _recognised(self, utterance: Utterance):  # -> Heard
        early, self._early = self._early, None
        if early is not None and early[0] == utterance.end:
            self.early_used += 1
            return early[1].result()[0]  # no speech after the pause: that was all of it
        if early is not None:
            early[1].cancel()
        return self._worker.submit(self.recognizer.recognise, utterance.audio).result()

    def _answer(self, text: str, command: Command | None) -> Answer | None:
        if self.asleep:
            understood = command
            if understood is None:
                try:
                    understood = understand(text)
                except VoiceEditError:  # not understood: ignored like everything else asleep
                    understood = None
            if understood is None or understood.action not in ASLEEP_ACTIONS:
                self.log("asleep: say wake up to go on.")
                return None
        answer = self.session.handle_heard(text, command)
        if answer.applied and answer.action == "go_to_sleep":
            self.asleep = True
        elif answer.applied and answer.action == "wake_up":
            self.asleep = False
        elif answer.applied and answer.action == "stop_listening":
            self.stopped = True
        return answer


def _earcon_for(answer: Answer) -> Earcon:
    if answer.question:
        return Earcon.WAITING
    return Earcon.DONE if answer.applied else Earcon.NOT_UNDERSTOOD
