"""A project's named moments on its timeline, for exports and renders: its chapters and
markers (the layers) and, unless left out, its shots and picture problems."""

from __future__ import annotations

from voiceedit.picture.marks import shot_marks
from voiceedit.picture.placed import place_shots
from voiceedit.project.model import Project
from voiceedit.timeline.marks import Mark, layer_marks


def project_marks(project: Project, shots: bool = True) -> tuple[Mark, ...]:
    """Chapters and markers, then (with `shots`) each shot and picture problem, in timeline
    order. Sources without a picture analysis add no shots."""
    marks = layer_marks(project.layers.markers, project.timeline)
    if shots:
        pictures = project.pictures
        marks += shot_marks(place_shots(project.timeline, pictures))
    return tuple(sorted(marks, key=lambda m: m.time))
