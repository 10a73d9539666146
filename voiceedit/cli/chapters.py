"""`voiceedit chapters`: the chapter list for a video description, `00:00 Intro` a line.

The lines go to stdout as they are, ready to paste; a list YouTube would not show as
chapters (the first not at 00:00, fewer than three, one shorter than ten seconds) comes
with one sentence on stderr saying why. No chapter is ever added by itself
(interchange/chapter_list.py). Read-only: the project is not written.
"""

from __future__ import annotations

from pathlib import Path

import click

from voiceedit.cli import cli
from voiceedit.interchange.chapter_list import chapter_list_note, write_chapter_list
from voiceedit.project import load_project
from voiceedit.project.marks import project_marks


@cli.command("chapters")
@click.argument("project", type=click.Path(dir_okay=False, path_type=Path))
def chapters_command(project: Path) -> None:
    """Print PROJECT's chapters as a video description lists them: 00:00 Intro."""
    loaded = load_project(project)
    marks = project_marks(loaded, shots=False)
    click.echo(write_chapter_list(marks), nl=False)
    note = chapter_list_note(marks, loaded.timeline.duration)
    if note:
        click.echo(note, err=True)
