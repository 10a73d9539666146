"""Render and export, spoken: "render the video", "export as EDL".

Spoken, the file goes beside the project, named after it (interview.voiceedit ->
interview-edit.mp4, interview.edl); replacing an earlier one is asked first. The typed
`voiceedit render` and `voiceedit export` call the same `render_project` and exporter.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from voiceedit.actions.registry import action
from voiceedit.actions.state import ConfirmFirst, EditorState, Outcome
from voiceedit.errors import VoiceEditError
from voiceedit.project import Project
from voiceedit.spoken_time import print_time
from voiceedit.understand.command import Command

if TYPE_CHECKING:
    from voiceedit.media.probe import MediaInfo
    from voiceedit.media.render import Progress


@dataclass(frozen=True)
class Rendered:
    media: MediaInfo
    message: str  # what happened, to print and speak


def default_output(project_path: Path) -> Path:
    """Where a render goes when no name is given: beside the project, PROJECT-edit.mp4."""
    return project_path.with_name(f"{project_path.stem}-edit.mp4")


def render_project(project: Project, output: Path, engine: str = "ffmpeg", smart: bool = False,
                   force: bool = False, project_path: Path | None = None,
                   progress: Progress | None = None, captions: bool = False,
                   speaker_names: bool = False) -> Rendered:
    """Render the project's timeline to `output` and say what was done in one sentence.
    Its cutaways, and the captions (`captions`, or the project's setting), go over the
    picture (actions/burned_captions.py)."""
    from voiceedit.actions.burned_captions import layers_note, picture_layers
    from voiceedit.media.render import rate_note, render_timeline
    from voiceedit.media.smart_render import smart_render

    check_sources(project, "rendering")
    layers = picture_layers(project, captions, speaker_names)
    sources = {source.path: source.media for source in project.sources}
    protected = tuple(Path(path) for path in sources) + ((project_path,) if project_path else ())
    if smart and engine != "ffmpeg":
        raise VoiceEditError("Smart render works through ffmpeg; leave out --engine moviepy.")
    over = layers_note(project, layers, speaker_names)
    if not smart:
        media = render_timeline(project.timeline, sources, output, engine=engine,
                                progress=progress, force=force, protected=protected,
                                layers=layers)
        rate = rate_note(project.timeline, sources, media)
        over = over if media.has_video else ""  # a sound-only render has no picture to lay
        aside = ("moviepy can't lay cutaways or captions over the picture, so ffmpeg "
                 "rendered it. " if engine == "moviepy" and layers and media.has_video else "")
        return Rendered(media, f"{aside}Rendered {print_time(media.duration)} to "
                               f"{Path(media.path).name}{rate}{over}.")
    result = smart_render(project.timeline, sources, output, progress=progress, force=force,
                          protected=protected, layers=layers)
    rate = rate_note(project.timeline, sources, result.media)
    done = (f"Rendered {print_time(result.media.duration)} to "
            f"{Path(result.media.path).name}{rate}{over}")
    if result.fallback:
        return Rendered(result.media, f"{result.fallback} {done}.")
    return Rendered(result.media, f"{done}, copying {print_time(result.copied_ms)} and "
                                  f"re-encoding {print_time(result.encoded_ms)}.")


def check_sources(project: Project, doing: str) -> None:
    """Name a source the timeline uses that is gone or changed since it was added, before
    anything is written from it."""
    from voiceedit.media.fingerprint import check_unchanged

    used = {clip.source for clip in project.timeline.clips}
    for source in project.sources:
        if source.path in used:
            check_unchanged(source.path, source.media.fingerprint, doing)


def _beside_project(state: EditorState, verb: str) -> Path:
    if state.path is None:
        raise VoiceEditError(f"Save the project first; I {verb} next to the project file.")
    return state.path


@action("render", slow=True)
def render(state: EditorState, replace: bool = False) -> Outcome:
    target = default_output(_beside_project(state, "render"))
    if target.exists() and not replace:
        raise ConfirmFirst(f"{target.name} already exists. Replace it? Say yes or no.",
                           Command("render", {"replace": True}, heard="render"))
    renderer = state.services.renderer or render_project
    result = renderer(state.project, target, force=replace, project_path=state.path)
    return Outcome(state, result.message)


def spoken_export_target(project_path: Path, format_name: str) -> Path:
    """Where a spoken export goes: beside the project, named after it."""
    from voiceedit.interchange.export import find_format

    return project_path.with_name(project_path.stem + find_format(format_name).suffix)


def export_project(project: Project, output: Path, format: str | None = None,
                   force: bool = False, project_path: Path | None = None):  # -> ExportResult
    """Export the project's edit for another editor, as captions, or as a transcript."""
    from voiceedit.actions.cutaways import project_cutaways
    from voiceedit.interchange.export import export_timeline

    check_sources(project, "exporting")
    sources = project.sources
    transcripts = {s.path: project.transcript_of(s) for s in sources}  # as corrected
    return export_timeline(project.timeline, {s.path: s.media for s in sources}, transcripts,
                           output, format=format, force=force, project_path=project_path,
                           cutaways=project_cutaways(project, "exporting"))


@action("export")
def export(state: EditorState, format: str, replace: bool = False) -> Outcome:
    target = spoken_export_target(_beside_project(state, "export"), format)
    if target.exists() and not replace:
        raise ConfirmFirst(
            f"{target.name} already exists. Replace it? Say yes or no.",
            Command("export", {"format": format, "replace": True}, heard="export"),
        )
    result = export_project(state.project, target, force=replace, project_path=state.path)
    return Outcome(state, result.message)
