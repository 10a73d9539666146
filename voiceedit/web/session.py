"""One project open in the browser: the editor every page of this server drives, what the
pages are told (answers, changes made elsewhere, sound to play), and the recogniser their
microphones speak to.

The editor is the same core the terminal drives (`voiceedit.core.Editor`); a lock keeps
one command at a time, since requests come in on several threads. Edits made by another
process (`voiceedit do`, `voiceedit listen`) are noticed by `follow`, which the server
calls a few times a second, and sent to the pages within a second.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict
from pathlib import Path

from voiceedit.actions.state import EditorState, Services
from voiceedit.core import Answer, Editor
from voiceedit.errors import VoiceEditError
from voiceedit.timeline.model import Timeline
from voiceedit.understand.command import Command
from voiceedit.web.document import document, question, selected_range, selected_words
from voiceedit.web.speech import SpeechInput, speech_in

KEEP_ALIVE = 15.0  # seconds between comments on an idle event stream, so proxies keep it


class Broadcast:
    """Events for every open page, as server-sent events. `publish` may be called from any
    thread; each page reads its own queue."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[dict]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._guard = threading.Lock()

    def publish(self, event: dict) -> None:
        with self._guard:
            loop, queues = self._loop, list(self._queues)
        for queue in queues:
            if loop is not None and loop.is_running():
                loop.call_soon_threadsafe(queue.put_nowait, event)

    async def stream(self) -> AsyncIterator[dict | None]:
        """Events as they come; None now and then to keep an idle connection open."""
        queue: asyncio.Queue[dict] = asyncio.Queue()
        with self._guard:
            self._loop = asyncio.get_running_loop()
            self._queues.add(queue)
        try:
            while True:
                try:
                    yield await asyncio.wait_for(queue.get(), KEEP_ALIVE)
                except TimeoutError:
                    yield None
        finally:
            with self._guard:
                self._queues.discard(queue)


class PagePlayer:
    """The player the editor's playback actions use: the sound plays in the open pages
    (their video element, skipping what was cut), so "play around the cut" said into the
    page is heard there. The page says with each command whether it is playing, and where."""

    def __init__(self, events: Broadcast) -> None:
        self.events = events
        self.playing = False
        self.at = 0

    def play(self, timeline: Timeline, start: int, end: int | None = None) -> None:
        stop = timeline.duration if end is None else end
        self.events.publish({"type": "play", "start": start, "end": stop})

    def stop(self) -> int | None:
        self.events.publish({"type": "stop"})
        return self.at if self.playing else None

    def is_playing(self) -> bool:
        return self.playing

    def position(self) -> int:
        return self.at

    def interrupt(self) -> None:
        self.stop()

    def close(self) -> None:
        pass


class Session:
    def __init__(self, project_path: str | Path, model: str = "tiny.en") -> None:
        self.events = Broadcast()
        self.player = PagePlayer(self.events)
        self.editor = Editor.open(project_path, services=Services(player=self.player))
        self.speech = SpeechInput(model, self.editor)
        self.revision = 1  # bumped whenever the timeline or the words the pages show change
        self._shown = self._showing()
        self._lock = threading.Lock()

    @property
    def path(self) -> Path:
        return self.editor.path

    def document(self) -> dict:
        with self._lock:
            return document(self.editor.state, self.revision)

    def say(self, text: str, at: int | None = None, playing: bool = False,
            client: str = "") -> dict:
        """Typed text (the command box, a key's spoken equivalent), from cursor `at`."""
        with self._lock:
            self._pointing(at, playing)
            return self._answered(self.editor.handle(text, playhead=at), client)

    def cut(self, first: tuple[str, int], last: tuple[str, int], revision: int,
            at: int | None = None, client: str = "") -> dict:
        """Delete the selected items: the same action as "cut from ... to ..." said."""
        from voiceedit.understand.command import SpokenTime

        def cut_selected(state: EditorState) -> Command:
            start, end = selected_range(state.words, state.timeline.duration, first, last)
            return Command("delete_range", {"start": SpokenTime(start), "end": SpokenTime(end)})

        return self._on_selection(revision, cut_selected, at, client)

    def correct(self, first: tuple[str, int], last: tuple[str, int], revision: int,
                text: str, at: int | None = None, client: str = "") -> dict:
        """The selected words typed right: the same action as "correct ... to ..." said,
        with the new words exactly as typed (case, full stops and brackets too)."""
        from voiceedit.understand.command import Quote
        from voiceedit.understand.grammar import words

        typed = "".join(c for c in text if c.isprintable()).strip()  # no controls in the words

        def correct_selected(state: EditorState) -> Command:
            match = selected_words(state.words, state.timeline.duration, first, last)
            new = Quote(" ".join(words(typed)), said=typed)
            return Command("correct", {"quote": match, "words": new, "by": "to",
                                       "exactly": True})

        return self._on_selection(revision, correct_selected, at, client)

    def _on_selection(self, revision: int, command_for: Callable[[EditorState], Command],
                      at: int | None, client: str) -> dict:
        """A command made from the page's selection, run if the transcript is still the
        revision the page showed; `command_for` raises VoiceEditError for a selection that
        is not there any more."""
        with self._lock:
            self.editor.refresh()
            self._bump()
            if revision != self.revision:
                return self._answered(Answer(
                    "The transcript changed in another window; look again. Nothing changed.",
                    applied=False), client)
            try:
                command = command_for(self.editor.state)
            except VoiceEditError as error:
                return self._answered(Answer(str(error), applied=False), client)
            return self._answered(self.editor.handle(command, playhead=at), client)

    def hear(self, audio: Path, at: int | None = None, playing: bool = False,
             client: str = "") -> dict:
        """A command spoken into the page's microphone, recognised as `listen` does.

        Raises VoiceEditError when the recording holds nothing to hear; its one sentence
        says what to do next, since saying a command again costs some people real effort.
        """
        samples = speech_in(audio)  # outside the lock: it reads no shared state
        with self._lock:
            try:
                heard = self.speech.recognise(samples)
            except VoiceEditError as error:  # the model could not be loaded
                return self._answered(Answer(str(error), applied=False), client)
            text = heard.text.strip()
            if not text:
                raise VoiceEditError("I heard no words; speak a little louder or closer to "
                                     "the microphone, or type the command.")
            self._pointing(at, playing)
            reply = self._answered(self.editor.handle(heard, playhead=at), client)
        return {**reply, "heard": text}

    def follow(self) -> None:
        """Show an edit another process saved; skipped while a command of ours runs (it
        reads the file itself)."""
        if not self._lock.acquire(blocking=False):
            return
        try:
            if self.editor.refresh() and self._bump():
                project = self.editor.state.project
                self.events.publish({"type": "changed", "revision": self.revision,
                                     "message": project.last_answer,
                                     "playhead": project.playhead})
        except VoiceEditError:
            pass  # a file half-written by hand: the next save or look will tell
        finally:
            self._lock.release()

    def _pointing(self, at: int | None, playing: bool) -> None:
        self.player.playing = playing
        if at is not None:
            self.player.at = at

    def _showing(self) -> tuple[Timeline, tuple]:
        """What the pages show: the timeline and the corrections of its words."""
        return self.editor.timeline, self.editor.state.project.corrections

    def _bump(self) -> bool:
        """A new revision if the timeline or its words are not what the pages last showed."""
        if self._showing() == self._shown:
            return False
        self._shown = self._showing()
        self.revision += 1
        return True

    def _answered(self, answer: Answer, client: str) -> dict:
        """The answer as the pages get it; the others are told too."""
        self._bump()
        state = self.editor.state
        reply = {**asdict(answer), "revision": self.revision, "playhead": state.playhead,
                 "question": question(state) if answer.question else None}
        self.events.publish({"type": "answer", "client": client, **reply})
        return reply
