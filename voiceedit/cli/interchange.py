"""`voiceedit export`, the spoken "export as EDL", and `voiceedit new PROJECT --from FILE`.

Typed, the file is named (`-o cut.edl`) and replacing one takes --force. Spoken, the export
goes beside the project file with the format's suffix (interview.voiceedit → interview.edl)
and replacing an earlier export is asked first, the way render asks.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from voiceedit.act import Outcome, SessionState, action
from voiceedit.cli import cli
from voiceedit.cli.progress import progress_reporter
from voiceedit.errors import VoiceEditError
from voiceedit.interchange.export import FORMATS, export_timeline, find_format
from voiceedit.interchange.importer import IMPORT_SUFFIXES, import_timeline
from voiceedit.project import (
    Pending,
    Project,
    create_project,
    load_project,
    make_source,
    save_project,
)
from voiceedit.understand.command import Command

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
    loaded = load_project(project)
    result = export_timeline(loaded.timeline, {s.path: s.media for s in loaded.sources},
                             {s.path: s.transcript for s in loaded.sources}, output,
                             format=format_name, force=force, project_path=project)
    click.echo(result.message)


def spoken_target(project_path: Path, format_name: str) -> Path:
    """Where a spoken export goes: beside the project, named after it."""
    return project_path.with_name(project_path.stem + find_format(format_name).suffix)


@action("export")
def export_action(state: SessionState, format: str, replace: bool = False) -> Outcome:
    """Export beside the project; an existing file is replaced only after a yes."""
    if state.path is None:
        raise VoiceEditError("Save the project first; I export next to the project file.")
    target = spoken_target(state.path, format)
    if target.exists() and not replace:
        question = Pending(
            "confirm", Command("export", {"format": format, "replace": True}, heard="export")
        )
        message = f"{target.name} already exists. Replace it? Say yes or no."
        return Outcome(state.with_project(pending=question), message, question=question)
    sources = state.project.sources
    result = export_timeline(state.project.timeline, {s.path: s.media for s in sources},
                             {s.path: s.transcript for s in sources}, target, force=replace,
                             project_path=state.path)
    return Outcome(state, result.message)


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
