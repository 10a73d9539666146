"""Typed commands, one a line: `voiceedit do PROJECT < commands.txt` and `voiceedit listen`
without a microphone. One loop for both, over the same editor as the voice.

Each line is answered as soon as it is read, printed and flushed, so a screen reader or a
pipe hears each answer as it happens and a printed answer means the edit is on disk. A line
that is not valid UTF-8 is answered for that line alone; the lines around it still run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from voiceedit.core import Answer, Editor

NOT_DONE, NOT_UNDERSTOOD = 1, 2


def status_of(answer: Answer) -> int:
    """Exit status: 0 applied (or a question asked), 1 a clear reason it couldn't be done
    (nothing changed), 2 not understood (the closest commands were suggested)."""
    if answer.applied or answer.ignored:
        return 0
    return NOT_DONE if answer.understood else NOT_UNDERSTOOD


@dataclass(frozen=True)
class TypedStyle:
    conversation: bool = False  # "heard: ..." and "answer: ..." lines, as the live session
    blank_line_ends: bool = False  # an empty line ends the session (else it is skipped)


def typed_session(editor: Editor, lines: Iterable[bytes], echo: Callable[[str], None],
                  style: TypedStyle = TypedStyle()) -> int:
    """Answer each line; returns the worst exit status of the lines."""
    worst = 0
    for number, raw in enumerate(lines, start=1):
        try:
            text = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            echo(f"Line {number} is not UTF-8 text; I skipped it and changed nothing.")
            worst = max(worst, NOT_DONE)
            continue
        if not text:
            if style.blank_line_ends:
                break
            continue
        if style.conversation:
            echo(f"heard: {text}")
        answer = editor.handle(text)
        shown = style.conversation and not answer.ignored  # asleep: a note, not an answer
        echo(f"answer: {answer.message}" if shown else answer.message)
        worst = max(worst, status_of(answer))
        if editor.stopped:
            break
    return worst


def stdin_lines() -> Iterable[bytes]:
    """Standard input's lines as bytes, each as soon as it arrives."""
    import sys

    return iter(sys.stdin.buffer.readline, b"")
