"""`voiceedit export`.

Typed, the file is named (`-o cut.edl`) and replacing one takes --force; the spoken "export
as EDL" (actions/output.py) goes through the same exporter.
"""

from __future__ import annotations

from pathlib import Path

import click

from voiceedit.actions.output import export_project
from voiceedit.cli import cli
from voiceedit.interchange.export import FORMATS
from voiceedit.project import load_project

FORMAT_HELP = "; ".join(f"{name}: {f.description}" for name, f in FORMATS.items())


@cli.command("export")
@click.argument("project", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="The file to write; its suffix names the format (.edl, .xml, .fcpxml, …).")
@click.option("--format", "format_name", metavar="FORMAT",
              help=f"The format, when the suffix doesn't say it. {FORMAT_HELP}.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option("--shots/--no-shots", default=True,
              help="Mark each shot and picture problem in OTIO, EDL and FCPXML exports "
                   "(on by default; chapters and markers always go).")
def export_command(project: Path, output: Path, format_name: str | None, force: bool,
                   shots: bool) -> None:
    """Export the edit of PROJECT for another editor, as captions, or as a transcript."""
    result = export_project(load_project(project), output, format=format_name, force=force,
                            project_path=project, shots=shots)
    click.echo(result.message)
