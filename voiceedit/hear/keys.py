"""Push-to-talk keys: one key press arms the microphone for the next thing said.

Kept simple on purpose: we read the terminal, one character at a time (cbreak mode, so
Ctrl-C still works), on a background thread. A terminal cannot tell when a key is released,
so this is "press, then speak" rather than "hold while speaking": the utterance ends at the
next pause, as in continuous listening. That suits people who can press a key but not hold
it. Key names: "space", "enter", "tab", or any single character ("k"). When standard input
is not a terminal (a pipe, a switch device that types a character), the same characters are
read from it unchanged.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import BinaryIO

from voiceedit.errors import VoiceEditError

NAMED_KEYS = {"space": b" ", "enter": b"\n", "return": b"\n", "tab": b"\t"}


def key_bytes(name: str) -> bytes:
    """The character a key name stands for, or a plain sentence if it is not one key."""
    if name.lower() in NAMED_KEYS:
        return NAMED_KEYS[name.lower()]
    if len(name) == 1 and name.isprintable():
        return name.encode()
    raise VoiceEditError(
        f"{name} is not a key I can read; use space, enter, tab or a single character."
    )


class KeyReader:
    """Calls `on_press` each time `key` is typed on `stream` (standard input by default)."""

    def __init__(self, key: str, on_press: Callable[[], None], stream: BinaryIO | None = None):
        self.key = key_bytes(key)
        self.on_press = on_press
        self._stream = stream if stream is not None else sys.stdin.buffer
        self._saved = None
        self._thread = threading.Thread(target=self._read, daemon=True)

    def start(self) -> KeyReader:
        fd = self._stream.fileno()
        if os.isatty(fd):
            import termios
            import tty

            self._saved = termios.tcgetattr(fd)
            tty.setcbreak(fd)  # characters arrive as typed; Ctrl-C still interrupts
        self._thread.start()
        return self

    def _read(self) -> None:
        fd = self._stream.fileno()
        while True:
            try:
                typed = os.read(fd, 1)
            except OSError:
                return
            if not typed:
                return  # end of input
            if typed == self.key or (self.key == b"\n" and typed == b"\r"):
                self.on_press()

    def close(self) -> None:
        """Put the terminal back as it was."""
        if self._saved is not None:
            import termios

            termios.tcsetattr(self._stream.fileno(), termios.TCSADRAIN, self._saved)
            self._saved = None
