"""Burned-in captions, spoken: "burn in the captions" (every render from now on, one undo
step), "stop burning in the captions", "render with captions" (this render only); and
`picture_layers`, what a render lays over the picture: the cutaways and the captions.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from voiceedit.actions.registry import action
from voiceedit.actions.state import ConfirmFirst, EditorState, Outcome
from voiceedit.errors import VoiceEditError
from voiceedit.project import Project
from voiceedit.timeline.burned_captions import BurnedCaptions
from voiceedit.understand.command import Command

if TYPE_CHECKING:
    from voiceedit.media.overlay import PictureLayers


def picture_layers(project: Project, captions: bool = False,
                   speaker_names: bool = False, doing: str = "rendering") -> PictureLayers:
    """The cutaways and captions to lay over the render: the project's cutaways, and the
    captions when asked for here (`captions`) or kept as a setting. One sentence when a
    cutaway's file has gone or changed, or there are no words to caption."""
    from voiceedit.actions.cutaways import project_cutaways
    from voiceedit.interchange.burned_captions import captions_ass, edit_captions
    from voiceedit.media.overlay import PictureLayers

    pieces = project_cutaways(project, doing)
    setting = project.layers.burned_captions
    if not (captions or setting):
        return PictureLayers(cutaways=pieces)
    names = _names_wanted(project, speaker_names)
    transcripts = {s.path: project.transcript_of(s) for s in project.sources}
    cues = edit_captions(project.timeline, transcripts,
                         project.layers.speakers if names else None)
    if not cues:
        raise VoiceEditError("There are no transcribed words in this edit to burn in as "
                             "captions.")
    return PictureLayers(cutaways=pieces, captions=lambda width, height: captions_ass(
        cues, width, height))


def _names_wanted(project: Project, speaker_names: bool) -> bool:
    """Whether the captions carry names: asked for here, or kept as a setting."""
    return speaker_names or any(item.speaker_names for item in project.layers.burned_captions)


def layers_note(project: Project, layers: PictureLayers, speaker_names: bool = False) -> str:
    """ ", with 2 cutaways and the captions burned in" for the render's answer (and why the
    captions carry no names, when names were asked for and no word knows its speaker)."""
    from voiceedit.spoken_time import print_count

    parts = [print_count(len(project.layers.cutaways), "cutaway")] if layers.cutaways else []
    if layers.captions is not None:
        parts.append("the captions burned in")
    note = f", with {' and '.join(parts)}" if parts else ""
    names = _names_wanted(project, speaker_names)
    if layers.captions is not None and names and not _speakers_known(project):
        note += "; no words know their speaker yet, so the captions carry no names"
    return note


def _speakers_known(project: Project) -> bool:
    """Whether any word knows its speaker (hear/diarize.py found them)."""
    return any(word.speaker is not None for source in project.sources
               for word in source.transcript.words)


@action("burn_captions")
def burn_captions(state: EditorState, speaker_names: str = "") -> Outcome:
    wanted = BurnedCaptions(speaker_names=bool(speaker_names))
    if state.project.layers.burned_captions == (wanted,):
        return Outcome(state, "The captions are burned in already; nothing changed.")
    layers = replace(state.project.layers, burned_captions=(wanted,))
    what = "burned in the captions" + (" with speaker names" if speaker_names else "")
    new = state.layered(layers, what)
    return Outcome(new, f"Captions will be burned in{' with speaker names' * bool(speaker_names)}"
                        " when you render.", changed=True)


@action("unburn_captions")
def unburn_captions(state: EditorState) -> Outcome:
    if not state.project.layers.burned_captions:
        return Outcome(state, "The captions aren't burned in; nothing changed.")
    layers = replace(state.project.layers, burned_captions=())
    new = state.layered(layers, "stopped burning in the captions")
    return Outcome(new, "Captions won't be burned in any more.", changed=True)


@action("render_with_captions", slow=True)
def render_with_captions(state: EditorState, replace: bool = False) -> Outcome:
    """This one render with the captions burned in, the setting left as it is."""
    from voiceedit.actions.output import default_output, render_project

    if state.path is None:
        raise VoiceEditError("Save the project first; I render next to the project file.")
    target = default_output(Path(state.path))
    if target.exists() and not replace:
        raise ConfirmFirst(f"{target.name} already exists. Replace it? Say yes or no.",
                           Command("render_with_captions", {"replace": True},
                                   heard="render with captions"))
    renderer = state.services.renderer or render_project
    result = renderer(state.project, target, force=replace, project_path=state.path,
                      captions=True)
    return Outcome(state, result.message)
