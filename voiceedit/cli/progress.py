"""Progress for long jobs: a rich bar on a colour terminal, a few plain lines otherwise.

A screen reader reads a redrawn bar as a stream of escape sequences and numbers, and a
braille display jumps with every redraw. So unless the terminal can be assumed to be a
sighted person's (stderr a terminal, TERM not "dumb", NO_COLOR unset, no --plain), we print
plain lines only: "Transcribing interview.mp4: 40 percent.", never more often than every
10 percent and every 5 seconds, but 100 percent as soon as it is reached; nothing is ever
written over. NO_COLOR follows no-color.org: set to anything but the empty string.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

STEP_PERCENT = 10
STEP_SECONDS = 5.0

_asked_plain = False  # --plain on the command line (this process)


def ask_plain() -> None:
    global _asked_plain
    _asked_plain = True


def plain_wanted() -> bool:
    """Whether output must be plain lines: no colour, no redraw, no escape sequence."""
    return (_asked_plain or bool(os.environ.get("NO_COLOR"))
            or os.environ.get("TERM") == "dumb" or not sys.stderr.isatty())


def _plain_callback(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        ask_plain()
    return value


def plain_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--plain` on `voiceedit` itself; every subcommand takes it too (with_plain)."""
    return click.option("--plain", is_flag=True, expose_value=False, is_eager=True,
                        callback=_plain_callback, help=_PLAIN_HELP)(command)


def with_plain(command: click.Command) -> click.Command:
    """The command, and a group's subcommands, taking `--plain` wherever it is written
    ("voiceedit shots p.voiceedit --plain"): a person who needs it should not have to
    learn where it may go."""
    if not any(param.name == "plain" for param in command.params):
        command.params.append(click.Option(["--plain"], is_flag=True, expose_value=False,
                                           is_eager=True, callback=_plain_callback,
                                           help=_PLAIN_HELP))
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            with_plain(sub)
    return command


_PLAIN_HELP = ("Plain lines only: no colour, no redrawn progress bar (also when NO_COLOR is "
               "set, TERM=dumb or output is not a terminal).")


class PlainProgress:
    """Reports a fraction as a line at most every STEP_PERCENT and STEP_SECONDS."""

    def __init__(self, label: str, echo: Callable[[str], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.label, self.echo, self.clock = label, echo, clock
        self.said_percent = 0
        self.said_at: float | None = None

    def __call__(self, fraction: float) -> None:
        percent = int(min(max(fraction, 0.0), 1.0) * 100) // STEP_PERCENT * STEP_PERCENT
        if percent <= self.said_percent:
            return
        now = self.clock()
        if percent < 100 and self.said_at is not None and now - self.said_at < STEP_SECONDS:
            return
        self.said_percent, self.said_at = percent, now
        self.echo(f"{self.label}: {percent} percent.")


@contextmanager
def progress_reporter(label: str) -> Iterator[Callable[[float], None]]:
    if plain_wanted():
        yield PlainProgress(label, lambda line: click.echo(line, err=True))
        return
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                  transient=True) as bar:
        task = bar.add_task(label, total=1.0)
        yield lambda fraction: bar.update(task, completed=fraction)
