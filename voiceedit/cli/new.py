"""`voiceedit new`: a project over media files, or from another editor's timeline."""

from __future__ import annotations

from pathlib import Path

import click

from voiceedit.cli import cli
from voiceedit.cli.progress import progress_reporter
from voiceedit.interchange.importer import IMPORT_SUFFIXES, import_timeline
from voiceedit.project import Project, check_new_path, create_project, make_source
from voiceedit.spoken_time import print_count, print_time


def new_from_timeline(project: Path, timeline_file: Path, media: tuple[Path, ...] = (),
                      model: str = "tiny.en") -> Project:
    """`voiceedit new PROJECT --from FILE [MEDIA...]`: a project over the media the timeline
    uses (and any more named), transcribed, with the imported edit as its timeline."""
    timeline, found = import_timeline(timeline_file)
    sources = []
    for path in [*map(Path, found), *media]:
        with progress_reporter(f"Transcribing and analysing {path.name}") as report:
            sources.append(make_source(path, model, progress=report))
    return create_project(project, sources, timeline)


FROM_HELP = (
    f"Start from another editor's timeline ({', '.join(IMPORT_SUFFIXES)}); its media is "
    "found where the file says or next to it."
)


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
            with progress_reporter(f"Transcribing and analysing {path.name}") as report:
                sources.append(make_source(path, model, progress=report))
        created = create_project(project, sources)
    words = sum(len(s.transcript.words) for s in created.sources)
    click.echo(f"Created {project.name}: {print_count(len(created.timeline.clips), 'clip')}, "
               f"{print_time(created.timeline.duration)}, {print_count(words, 'word')}.")
