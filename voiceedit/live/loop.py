"""The live session: audio in, utterances, the editor, an answer spoken and printed.

    source --blocks--> UtteranceDetector --utterance--> recogniser --heard-->
    Editor.handle --Answer--> printed line + speaker (+ earcon) + pending playback

One thread reads the source block by block; everything for one utterance happens on it, in
order, so the log reads like the conversation. Recognition starts early, on a worker
thread, once an utterance pauses, so most of it is hidden in the hangover; the end comes
early for a final command (endpoint.py). Every answer prints as two plain lines,
`heard: ...` and `answer: ...`, which a screen reader follows line by line. The editor saves
after every command; Ctrl-C or "stop listening" ends the loop.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

import numpy as np

from voiceedit.answer import earcons
from voiceedit.answer.earcons import Earcon, earcon
from voiceedit.answer.playback import Player
from voiceedit.answer.speakers import Speaker, text_only
from voiceedit.core import Answer, Editor
from voiceedit.errors import VoiceEditError
from voiceedit.hear.audio import SAMPLE_RATE
from voiceedit.hear.sources import BLOCK_SAMPLES, AudioSource, Block
from voiceedit.hear.vad import Utterance, UtteranceDetector, rms
from voiceedit.live.endpoint import PushToTalk, is_final_command
from voiceedit.live.own_sound import BargeIn, OwnSound
from voiceedit.live.settings import LiveSettings, Recognizer, Turn
from voiceedit.understand.command import Command
from voiceedit.understand.grammar import load_grammar


class LiveLoop:
    """Runs one live session until the source ends, "stop listening", or Ctrl-C."""

    def __init__(
        self,
        editor: Editor,
        source: AudioSource,
        recognizer: Recognizer,
        speaker: Speaker,
        log: Callable[[str], None],
        settings: LiveSettings | None = None,
        player: Player | None = None,
        detector: UtteranceDetector | None = None,
        push_to_talk: PushToTalk | None = None,
        clock: Callable[[], float] = time.monotonic,
        worker: Executor | None = None,
    ) -> None:
        self.editor = editor
        self.source = source
        self.recognizer = recognizer
        self.speaker = speaker
        self.log = log
        self.settings = settings = settings or LiveSettings()
        self.player = player
        self.detector = detector or UtteranceDetector()
        self.keys = push_to_talk or (PushToTalk() if settings.push_to_talk else None)
        # Seconds, the clock the source stamps blocks with (a test may run a simulated one).
        self.clock = clock
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
            self.speaker.play_sound(earcon(kind), earcons.EARCON_RATE)
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
            self.speaker.play_sound(earcon(Earcon.HEARD), earcons.EARCON_RATE)
        began = self.clock()
        heard = self._recognised(utterance)
        text = heard.text.strip()
        recognised = self.clock()
        if not text:
            return  # a noise Whisper made nothing of: say nothing
        self.log(f"heard: {text}")
        # Fakes in tests may hear text alone; the real recogniser also gives its command.
        answer = self._answer(text, getattr(heard, "command", None),
                              getattr(heard, "meanings", ()))
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
        return heard, is_final_command(heard, self._grammar, self.editor.quote_ends_sentence)

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

    @property
    def asleep(self) -> bool:
        return self.editor.asleep

    def _answer(self, text: str, command: Command | None,
                meanings: tuple[Command, ...] = ()) -> Answer | None:
        """The editor's answer; None when it was not heard (asleep, or said without the
        wake word: the note is printed, nothing is said). `meanings`: what else the
        recogniser heard, offered if the command is read back."""
        answer = self.editor.handle(_Heard(text, command, meanings))
        if answer.ignored:
            self.log(answer.message)
            return None
        self.stopped = self.editor.stopped
        return answer


@dataclass(frozen=True)
class _Heard:
    """The text and the recogniser's command, as the editor takes them (core.Heard)."""

    text: str
    command: Command | None
    meanings: tuple[Command, ...] = ()


def _earcon_for(answer: Answer) -> Earcon:
    if answer.question:
        return Earcon.WAITING
    return Earcon.DONE if answer.applied else Earcon.NOT_UNDERSTOOD
