"""`voiceedit render`: the same `render_project` as the spoken "render the video", which
says what it did in one sentence: "Rendered forty-one seconds to interview-edit.mp4."
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from voiceedit.actions.output import default_output, render_project
from voiceedit.cli import cli
from voiceedit.cli.progress import progress_reporter
from voiceedit.media.render import ENGINES, Progress
from voiceedit.project import load_project


@cli.command("render")
@click.argument("project", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="The file to write (.mp4, .mov, .mkv, or .m4a/.wav/.mp3/.flac for sound "
                   "only). Default: PROJECT-edit.mp4 beside the project.")
@click.option("--engine", type=click.Choice(ENGINES), default="ffmpeg", show_default=True,
              help="ffmpeg: one filter graph (fast). moviepy: slower, for compositing.")
@click.option("--smart", is_flag=True,
              help="Copy untouched stretches of video and re-encode only around the cuts.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option("--captions", is_flag=True,
              help="Burn large captions of the edited transcript into the picture.")
@click.option("--speaker-names", is_flag=True,
              help="With --captions: put the speaker's name before their words.")
@click.option("--described", is_flag=True,
              help="Make the described mix (the audio descriptions over the lowered "
                   "programme) the only sound track, for players that play one.")
def render_command(project: Path, output: Path | None, engine: str, smart: bool,
                   force: bool, captions: bool, speaker_names: bool, described: bool) -> None:
    """Render the edited timeline of PROJECT to a video (or sound) file."""
    loaded = load_project(project)
    target = output if output is not None else default_output(project)
    with progress_reporter(f"Rendering {target.name}") as report:
        result = render_project(loaded, target, engine=engine, smart=smart, force=force,
                                project_path=project, progress=_fraction(report),
                                captions=captions or speaker_names,
                                speaker_names=speaker_names, described=described)
    click.echo(result.message)


def _fraction(report: Callable[[float], None]) -> Progress:
    return lambda done, total: report(done / total if total else 1.0)
