"""The demo, end to end, finishes the piece (issue 19's "Done when"): `voiceedit demo` is run
once, as `make demo` runs it, and each finishing result is looked for in the rendered file
and in every export, not in the answers alone.

The demo renders the edit before finishing (interview-edit.mp4) and after (finished.mp4);
up to the cut the hands-free step makes at 22 s the two timelines are the same, so the
earlier render is the picture without captions or cutaway to compare frames against.
"""

from __future__ import annotations

import re
from pathlib import Path

import opentimelineio as otio
import pytest
import webvtt
from conftest import run_voiceedit
from finish_media import frame_at, frame_colours, is_blue
from test_burned_captions import caption_pixels
from test_finishing_sound import audio_handlers, ebur128
from test_render_chapters import chapters_of

from voiceedit.actions.cutaways import project_cutaways
from voiceedit.cli.demo_finish import BROLL, COVERED, DESCRIPTION
from voiceedit.media.probe import probe
from voiceedit.project import load_project

pytestmark = pytest.mark.slow
CHAPTERS = ["Introduction", "Gear", "Light and sound"]
ROW = 200  # above the captions, clear of the clock and the b-roll's title


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, str]:
    """The demo's folder and what it printed (the spoken commands fed as fast as they go)."""
    output = tmp_path_factory.mktemp("demo") / "demo"
    done = run_voiceedit("demo", "--output", str(output), "--fast", timeout=600)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return output, done.stdout


def answer_to(printed: str, said: str) -> str:
    return printed.split(f"you: {said}\n", 1)[1].splitlines()[0]


def test_who_is_speaking_is_answered_with_a_speaker(demo):
    assert re.fullmatch(r"voiceedit: Speaker 1, since \d+\.\d s\.",
                        answer_to(demo[1], "who is speaking"))


def test_the_render_has_the_chapters_the_loudness_and_the_description_track(demo):
    finished = demo[0] / "finished.mp4"
    assert [title for _, _, title in chapters_of(finished)] == CHAPTERS
    assert [start for start, _, _ in chapters_of(finished)] == [0.0, 10.0, 20.0]
    lufs, peak = ebur128(finished)
    assert abs(lufs + 16) <= 1 and peak <= -1.0
    assert audio_handlers(finished) == ["SoundHandler", "Audio description"]


def test_the_cutaway_shows_the_broll_over_the_covered_sentence_only(demo):
    output = demo[0]
    project = load_project(output / "interview.voiceedit")
    (piece,) = project_cutaways(project)
    assert Path(piece.media).name == BROLL and 2000 < piece.duration < 4000
    rate = float(probe(output / "finished.mp4").frame_rate)
    colours = frame_colours(output / "finished.mp4", y=ROW)
    first, last = round(piece.start / 1000 * rate), round(piece.end / 1000 * rate)
    inside = colours[first + 2:last - 2]
    outside = colours[:first - 2] + colours[last + 2:]
    assert inside and all(is_blue(colour) for colour in inside)
    assert not any(is_blue(colour) for colour in outside)
    # The interview's picture, not the b-roll's, in the render without finishing.
    assert not any(is_blue(c) for c in frame_colours(output / "interview-edit.mp4", y=ROW))


def test_captions_are_burned_into_the_lower_third(demo):
    output = demo[0]
    for number in (60, 180):  # 2 s and 6 s: the same frame of the interview in both renders
        plain = frame_at(output / "interview-edit.mp4", number)
        captioned = frame_at(output / "finished.mp4", number)
        differ = caption_pixels(plain, captioned)
        rows = differ.any(axis=1).nonzero()[0]
        assert differ.sum() > 500 and rows.min() >= plain.shape[0] * 2 // 3


def test_every_export_carries_the_finishing(demo):
    folder = demo[0]
    timeline = otio.adapters.read_from_file(str(folder / "finished.otio"))
    chapters = [m.name for m in timeline.tracks.markers
                if m.metadata["voiceedit"]["kind"] == "chapter"]
    assert chapters == CHAPTERS
    broll = [[Path(clip.media_reference.target_url).name for clip in track.find_clips()]
             for track in timeline.video_tracks()]
    assert len(broll) == 2 and broll[1] == [BROLL]

    fcp7 = otio.adapters.read_from_file(str(folder / "finished.xml"))
    assert [len(list(track.find_clips())) for track in fcp7.video_tracks()][1] == 1

    fcpxml = (folder / "finished.fcpxml").read_text()
    assert re.findall(r'<chapter-marker [^>]*value="([^"]+)"', fcpxml) == CHAPTERS
    assert re.search(rf'<asset-clip [^>]*lane="1"[^>]*name="{BROLL}"', fcpxml)

    edl = (folder / "finished.edl").read_text()
    assert re.findall(r"^\* LOC: \S+ MAGENTA CHAPTER: (.+)$", edl, re.M) == [
        name.upper() for name in CHAPTERS]

    mlt = (folder / "finished.mlt").read_text()
    assert '<track producer="playlist1" hide="audio" />' in mlt and BROLL in mlt
    assert "composite" in mlt

    described = webvtt.read(str(folder / "finished.descriptions.vtt"))
    assert [cue.text for cue in described] == [DESCRIPTION.rstrip(".")]
    chapter_list = (folder / "finished.chapters.txt").read_text().splitlines()
    assert chapter_list == ["00:00 Introduction", "00:10 Gear", "00:20 Light and sound"]
    for captions in ("finished.srt", "finished.vtt"):
        assert COVERED.rstrip(".").lower() in " ".join(
            (folder / captions).read_text().lower().split())
