"""`voiceedit export` and `voiceedit new PROJECT --from FILE`.

Typed, the file is named (`-o cut.edl`) and replacing one takes --force; the spoken "export
as EDL" (actions/output.py) goes through the same exporter.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from voiceedit.actions.output import export_project
from voiceedit.cli import cli
from voiceedit.cli.progress import progress_reporter
from voiceedit.interchange.export import FORMATS
from voiceedit.interchange.importer import IMPORT_SUFFIXES, import_timeline
from voiceedit.project import Project, create_project, load_project, make_source, save_project

FORMAT_HELP = "; ".join(f"{name}: {f.description}" for name, f in FORMATS.items())


@cli.command("export")
@click.argument("project", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="The file to write; its suffix names the format (.edl, .xml, .fcpxml, …).")
@click.option("--format", "format_name", metavar="FORMAT",
              help=f"The format, when the suffix doesn't say it. {FORMAT_HELP}.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def export_command(project: Path, output: Path, format_name: str | None, force: bool) -> None:
    """Export the edit of PROJECT for another editor, as captions, or as a transcript."""
    result = export_project(load_project(project), output, format=format_name, force=force,
                            project_path=project)
    click.echo(result.message)


def new_from_timeline(project: Path, timeline_file: Path, media: tuple[Path, ...] = (),
                      model: str = "tiny.en") -> Project:
    """`voiceedit new PROJECT --from FILE [MEDIA...]`: a project over the media the timeline
    uses (and any more named), transcribed, with the imported edit as its timeline."""
    timeline, found = import_timeline(timeline_file)
    sources = []
    for path in [*map(Path, found), *media]:
        with progress_reporter(f"Transcribing {path.name}") as report:
            sources.append(make_source(path, model, progress=report))
    imported = replace(create_project(project, sources), timeline=timeline)
    save_project(project, imported)
    return imported


FROM_HELP = (
    f"Start from another editor's timeline ({', '.join(IMPORT_SUFFIXES)}); its media is "
    "found where the file says or next to it."
)
