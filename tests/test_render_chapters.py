"""Chapters embedded in renders, both paths (media/render.py, media/smart_render.py), read
back with `ffprobe -show_chapters`; and the FFMETADATA text itself."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from voiceedit.actions.output import render_project
from voiceedit.media.chapters import ffmetadata
from voiceedit.media.probe import probe
from voiceedit.project import Project, Source
from voiceedit.timeline.layers import Anchor, Layers, Marker
from voiceedit.timeline.model import Clip, Timeline
from voiceedit.timeline.transcript import Transcript


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    """6 s of a moving test pattern with a tone, H.264 in MP4, a keyframe a second."""
    path = tmp_path_factory.mktemp("chapters") / "pattern.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=6",
                    "-f", "lavfi", "-i", "sine=f=440:d=6", "-c:v", "libx264", "-preset",
                    "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac",
                    "-shortest", str(path)], check=True)
    return path


def chapters_of(path: Path) -> list[tuple[float, float, str]]:
    shown = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json",
                            str(path)], capture_output=True, text=True, check=True)
    return [(round(float(c["start_time"]), 2), round(float(c["end_time"]), 2),
             c["tags"]["title"]) for c in json.loads(shown.stdout)["chapters"]]


def project_over(clip: Path) -> Project:
    media = probe(clip)
    source = Source(media, Transcript(media.path, media.duration, ()))
    # 0-2 s and 3-6 s of the source: the second chapter's moment (4 s) plays at 3 s; the
    # third's (2.5 s) is cut out and left out of the file.
    timeline = Timeline((Clip(media.path, 0, 2000), Clip(media.path, 3000, media.duration)))
    markers = (Marker(Anchor(media.path, 0), "Intro", "chapter"),
               Marker(Anchor(media.path, 4000), "Tone = test; #2", "chapter"),
               Marker(Anchor(media.path, 2500), "Gone", "chapter"),
               Marker(Anchor(media.path, 1000), "a plain marker"))
    return Project(sources=(source,), timeline=timeline, layers=Layers(markers=markers))


@pytest.mark.parametrize("smart", [False, True], ids=["encoded", "smart"])
def test_chapters_are_in_the_rendered_file(clip, tmp_path, smart):
    output = tmp_path / "edit.mp4"
    rendered = render_project(project_over(clip), output, smart=smart)
    assert "with 2 chapters" in rendered.message
    assert ("copying" in rendered.message) == smart  # the smart path itself, no fallback
    assert chapters_of(output) == [(0.0, 3.0, "Intro"), (3.0, 5.0, "Tone = test; #2")]


@pytest.mark.slow
def test_moviepy_renders_get_the_chapters_by_a_copy(clip, tmp_path):
    output = tmp_path / "edit.mp4"
    render_project(project_over(clip), output, engine="moviepy")
    assert chapters_of(output) == [(0.0, 3.0, "Intro"), (3.0, 5.0, "Tone = test; #2")]


def test_a_format_without_chapters_says_so(clip, tmp_path):
    rendered = render_project(project_over(clip), tmp_path / "edit.wav")
    assert rendered.message.endswith("(.wav files hold no chapters).")


def test_ffmetadata_escapes_and_cuts_the_last_chapter_to_the_render():
    text = ffmetadata([(0, 1000, "a=b;c#d\\e"), (1000, 5000, "two")], 4960)
    assert text == (";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\n"
                    "title=a\\=b\\;c\\#d\\\\e\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=1000\n"
                    "END=4960\ntitle=two\n")
