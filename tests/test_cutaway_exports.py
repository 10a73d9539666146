"""Cutaways in the exports (interchange/cutaway_tracks.py): a second video track read back
by OpenTimelineIO's adapters at the right times, and the MLT rendered by `melt` with the
b-roll's picture over its stretch and the interview's sound."""

from __future__ import annotations

import shutil
import subprocess

import opentimelineio as otio
import pytest
from finish_media import (
    INTERVIEW_TONE,
    dominant_tone,
    frame_colours,
    is_blue,
    is_red,
    make_media,
    new_project,
)

from voiceedit.actions.output import export_project
from voiceedit.core import Editor
from voiceedit.project import load_project

# "the lighting rig" is cut 2.55 s to 3.75 s; at 30 fps its edges round to frames 77 and 113.
COVER_START, COVER_LENGTH = 77 / 30, 36 / 30


@pytest.fixture(scope="module")
def covered(tmp_path_factory):
    """A project whose "lighting rig" is covered with broll.mp4 from 0.5 s of it."""
    folder = make_media(tmp_path_factory.mktemp("exports"))
    path = new_project(folder, "covered")
    said = Editor.open(path).handle("cover the lighting rig with broll.mp4 from 0.5 seconds of it")
    assert said.message == "Covered 'the lighting rig' with broll.mp4, 1.2 s."
    return path


def second_track(document: otio.schema.Timeline) -> otio.schema.Track:
    videos = [t for t in document.tracks if t.kind == otio.schema.TrackKind.Video]
    assert len(videos) == 2
    assert [c.name for c in videos[0].find_clips()] == ["interview.mp4"]
    return videos[1]


@pytest.mark.parametrize("suffix, adapter", [
    (".otio", None), (".xml", "fcp_xml"), (".fcpxml", "fcpx_xml")])
def test_the_exports_carry_the_cutaway_on_a_second_video_track(covered, suffix, adapter):
    target = covered.with_name(f"covered{suffix}")
    result = export_project(load_project(covered), target, force=True, project_path=covered)
    assert result.path == target
    document = otio.adapters.read_from_file(str(target), adapter_name=adapter)
    if not isinstance(document, otio.schema.Timeline):
        document = next(iter(document.find_children(descended_from_type=otio.schema.Timeline)))
    track = second_track(document)
    [clip] = list(track.find_clips())
    assert clip.name == "broll.mp4"
    placed = clip.range_in_parent()
    assert placed.start_time.to_seconds() == pytest.approx(COVER_START, abs=0.001)
    assert placed.duration.to_seconds() == pytest.approx(COVER_LENGTH, abs=0.001)
    # From 0.5 s of the b-roll, within a frame of it: 12.5 of its 25 fps frames round up to
    # 13 (0.52 s), which the FCPXML adapter reads at the sequence's 30 fps (0.5 s).
    assert clip.source_range.start_time.to_seconds() == pytest.approx(0.5, abs=1 / 25 + 0.001)


def test_fcpxml_hangs_a_picture_only_connected_clip_in_lane_one(covered):
    target = covered.with_name("lane.fcpxml")
    export_project(load_project(covered), target, project_path=covered)
    text = target.read_text()
    assert 'lane="1"' in text and 'srcEnable="video"' in text
    assert 'name="broll.mp4"' in text


def test_the_edl_exports_the_main_track_alone(covered):
    target = covered.with_name("main.edl")
    result = export_project(load_project(covered), target, project_path=covered)
    assert result.count == 1 and "broll" not in target.read_text()


def test_melt_renders_the_mlt_with_the_broll_over_its_stretch(covered, tmp_path):
    assert shutil.which("melt"), "apt melt is part of the test machine"
    target = covered.with_name("covered.mlt")
    export_project(load_project(covered), target, force=True, project_path=covered)
    rendered = tmp_path / "melt.mp4"
    subprocess.run(["melt", "-quiet", str(target), "-consumer", f"avformat:{rendered}",
                    "vcodec=libx264", "acodec=aac", "preset=veryfast"],
                   check=True, capture_output=True, timeout=120)
    colours = frame_colours(rendered)
    assert len(colours) == 270
    assert {n for n, c in enumerate(colours) if is_blue(c)} == set(range(77, 113))
    assert all(is_red(c) for n, c in enumerate(colours) if not 77 <= n < 113)
    assert dominant_tone(rendered, 2.7, 3.7) == INTERVIEW_TONE  # the b-roll's sound is hidden
