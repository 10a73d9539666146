"""`voiceedit new`, `voiceedit do` and `voiceedit timeline`: editing with typed commands.

`do` goes through the same Session as the live voice session: the typed text is what the
microphone would have heard. Each answer is printed only after the project is saved, so a
printed answer means the change is on disk. Exit status: 0 applied (or a question asked),
1 a clear reason it couldn't be done (nothing changed), 2 not understood (the closest
commands are suggested, nothing changed). With no text, `do` reads one command a line from
standard input and prints one answer a line: a scriptable session.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from voiceedit.act import SessionState
from voiceedit.answer import describe
from voiceedit.answer.spoken_time import say_count, say_time
from voiceedit.cli import cli
from voiceedit.cli.interchange import FROM_HELP, new_from_timeline
from voiceedit.cli.progress import progress_reporter
from voiceedit.project import check_new_path, create_project, load_project, make_source
from voiceedit.session import Answer, Session, Speaker

NOT_DONE, NOT_UNDERSTOOD = 1, 2


@cli.command("new")
@click.argument("project", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("media", nargs=-1, type=click.Path(path_type=Path))
@click.option("--model", default="tiny.en", show_default=True,
              help="Whisper model for the footage transcripts (tiny.en, base, ...).")
@click.option("--from", "timeline_file", type=click.Path(dir_okay=False, path_type=Path),
              help=FROM_HELP)
def new_command(project: Path, media: tuple[Path, ...], model: str,
                timeline_file: Path | None) -> None:
    """Start PROJECT over MEDIA files (each whole, in order), or from another editor's
    timeline with --from. The media are only read."""
    check_new_path(project)
    if timeline_file is not None:
        created = new_from_timeline(project, timeline_file, media, model)
    else:
        sources = []
        for path in media:
            with progress_reporter(f"Transcribing {path.name}") as report:
                sources.append(make_source(path, model, progress=report))
        created = create_project(project, sources)
    words = sum(len(s.transcript.words) for s in created.sources)
    click.echo(f"Created {project.name}: {say_count(len(created.timeline.clips), 'clip')}, "
               f"{say_time(created.timeline.duration)}, {say_count(words, 'word')}.")


def make_speaker() -> Speaker | None:
    """The speaker for `do`'s answers. The speech stage plugs in here (--speak,
    --speak-to FILE); without it the answers are printed only."""
    return None


@cli.command("do")
@click.argument("project", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("text", required=False)
def do_command(project: Path, text: str | None) -> int:
    """Apply one command to PROJECT, e.g. "delete from ask not to country".

    Without TEXT, read one command a line from standard input."""
    session = Session(project, speaker=make_speaker())
    if text is not None:
        answer = session.handle_text(text)
        click.echo(answer.message, err=not answer.applied)
        return _status(answer)
    worst = 0
    for line in click.get_text_stream("stdin"):
        if not line.strip():
            continue
        answer = session.handle_text(line.strip())
        click.echo(answer.message)  # click.echo flushes: the line is the acknowledgement
        worst = max(worst, _status(answer))
    return worst


def _status(answer: Answer) -> int:
    if answer.applied:
        return 0
    return NOT_DONE if answer.understood else NOT_UNDERSTOOD


@cli.command("timeline")
@click.argument("project", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help='Print {"duration": s, "clips": [{"source", "in", "out"}, ...]} in seconds.')
def timeline_command(project: Path, as_json: bool) -> None:
    """Print PROJECT's edited timeline: each clip with its times and first words."""
    state = SessionState(load_project(project), project)
    if as_json:
        json.dump(state.timeline.to_json(), sys.stdout, ensure_ascii=False)
        click.echo()
    else:
        click.echo(describe.timeline(state, full=True))
