"""Progress for long jobs: a rich bar on a terminal, a few plain lines otherwise.

Screen readers and logs cannot follow a redrawn bar, so when stderr is not a terminal we
print "Transcribing interview.mp4: 50 percent." at each quarter instead.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click


@contextmanager
def progress_reporter(label: str) -> Iterator[Callable[[float], None]]:
    if sys.stderr.isatty():
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                      transient=True) as bar:
            task = bar.add_task(label, total=1.0)
            yield lambda fraction: bar.update(task, completed=fraction)
        return
    said = set()

    def plain(fraction: float) -> None:
        quarter = int(fraction * 4) * 25
        if quarter and quarter not in said:
            said.add(quarter)
            click.echo(f"{label}: {quarter} percent.", err=True)

    yield plain
