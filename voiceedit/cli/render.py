"""`voiceedit render` and the spoken "render the video".

Both go through `render_project`, which picks the engine, renders, and says what it did in
one sentence: "Rendered forty-one seconds to interview-edit.mp4." Spoken, the video goes next
to the project file as PROJECT-edit.mp4; replacing an earlier render is asked first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from voiceedit.act import Outcome, SessionState, action
from voiceedit.cli import cli
from voiceedit.cli.progress import progress_reporter
from voiceedit.errors import VoiceEditError
from voiceedit.media.probe import MediaInfo
from voiceedit.media.render import ENGINES, Progress, render_timeline
from voiceedit.media.smart_render import smart_render
from voiceedit.project import Pending, Project, load_project
from voiceedit.spoken_time import say_time
from voiceedit.understand.command import Command


@dataclass(frozen=True)
class Rendered:
    media: MediaInfo
    message: str  # what happened, to print and speak


def default_output(project_path: Path) -> Path:
    """Where a render goes when no name is given: beside the project, PROJECT-edit.mp4."""
    return project_path.with_name(f"{project_path.stem}-edit.mp4")


def render_project(project: Project, output: Path, engine: str = "ffmpeg", smart: bool = False,
                   force: bool = False, project_path: Path | None = None,
                   progress: Progress | None = None) -> Rendered:
    sources = {source.path: source.media for source in project.sources}
    protected = tuple(Path(path) for path in sources) + ((project_path,) if project_path else ())
    if smart and engine != "ffmpeg":
        raise VoiceEditError("Smart render works through ffmpeg; leave out --engine moviepy.")
    if not smart:
        media = render_timeline(project.timeline, sources, output, engine=engine,
                                progress=progress, force=force, protected=protected)
        return Rendered(media, f"Rendered {say_time(media.duration)} to {Path(media.path).name}.")
    result = smart_render(project.timeline, sources, output, progress=progress, force=force,
                          protected=protected)
    done = f"Rendered {say_time(result.media.duration)} to {Path(result.media.path).name}"
    if result.fallback:
        return Rendered(result.media, f"{result.fallback} {done}.")
    return Rendered(result.media, f"{done}, copying {say_time(result.copied_ms)} and "
                                  f"re-encoding {say_time(result.encoded_ms)}.")


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
def render_command(project: Path, output: Path | None, engine: str, smart: bool,
                   force: bool) -> None:
    """Render the edited timeline of PROJECT to a video (or sound) file."""
    loaded = load_project(project)
    target = output if output is not None else default_output(project)
    with progress_reporter(f"Rendering {target.name}") as report:
        result = render_project(loaded, target, engine=engine, smart=smart, force=force,
                                project_path=project, progress=_fraction(report))
    click.echo(result.message)


def _fraction(report: Callable[[float], None]) -> Progress:
    return lambda done, total: report(done / total if total else 1.0)


@action("render")
def render_action(state: SessionState, replace: bool = False) -> Outcome:
    """Render beside the project; an earlier render is replaced only after a yes."""
    if state.path is None:
        raise VoiceEditError("Save the project first; I render next to the project file.")
    target = default_output(state.path)
    if target.exists() and not replace:
        question = Pending("confirm", Command("render", {"replace": True}, heard="render"))
        message = f"{target.name} already exists. Replace it? Say yes or no."
        return Outcome(state.with_project(pending=question), message, question=question)
    result = render_project(state.project, target, force=replace, project_path=state.path)
    return Outcome(state, result.message)
