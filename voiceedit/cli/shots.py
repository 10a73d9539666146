"""`voiceedit shots`: the timeline's shots, one line each, with what is on screen.

A source added before picture analysis existed is analysed now (cached by content, so only
once) but the project file is not rewritten: listing is read-only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from voiceedit.cli import cli
from voiceedit.cli.progress import progress_reporter
from voiceedit.picture.placed import PlacedShot, place_shots
from voiceedit.picture.shots import Picture
from voiceedit.project import Project, load_project


def clock(ms: int) -> str:
    """0:12.4, 1:02:03.5: tenths, as cuts are judged."""
    tenths = round(ms / 100)
    seconds, tenth = divmod(tenths, 10)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}.{tenth}"
    return f"{minutes}:{seconds:02d}.{tenth}"


def shot_line(number: int, placed: PlacedShot) -> str:
    """ "Shot 3, 0:12.4 to 0:18.0: text 'CHAPTER TWO'; 1 face, centre; dark; blurry." """
    shot = placed.shot
    said = f"Shot {number}, {clock(shot.start)} to {clock(shot.end)}"
    return f"{said}: {shot.description}." if shot.description else f"{said}."


def project_pictures(project: Project) -> dict[str, Picture]:
    """Each video source's picture analysis; one the project lacks is made (cached)."""
    pictures = {}
    for source in project.sources:
        if source.picture is not None:
            pictures[source.path] = source.picture
        elif source.media.has_video:
            from voiceedit.picture.analyse import analyse_picture

            with progress_reporter(f"Analysing {Path(source.path).name}") as report:
                pictures[source.path] = analyse_picture(source.media, progress=report)
    return pictures


@cli.command("shots")
@click.argument("project", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help='Print {"shots": [{"start", "end", "text", "faces", "flags", '
                   '"description"}, ...]} in timeline seconds.')
def shots_command(project: Path, as_json: bool) -> None:
    """List PROJECT's shots on the timeline: times, on-screen text, faces, looks, problems."""
    loaded = load_project(project)
    placed = place_shots(loaded.timeline, project_pictures(loaded))
    if as_json:
        json.dump({"shots": [p.to_json() for p in placed]}, sys.stdout, ensure_ascii=False)
        click.echo()
    elif not placed:
        click.echo("No shots: nothing on the timeline has a picture.")
    else:
        for number, shot in enumerate(placed, start=1):
            click.echo(shot_line(number, shot))
