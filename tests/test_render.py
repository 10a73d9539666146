"""Rendering a timeline: frame-accurate cuts, sound in sync, mixed sources, clear errors.

Every render is checked by decoding it again: the flash frames must be exactly the frames
the cut list keeps, each beep must start with its flash (within one frame), and the length
must be the timeline's within one frame.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from media_patterns import (
    FLASHES,
    assert_in_sync,
    expected_flashes,
    expected_frames,
    look_and_listen,
    make_pattern,
    turned,
)

from voiceedit.actions.state import EditorState
from voiceedit.dialogue import run_action
from voiceedit.errors import VoiceEditError
from voiceedit.media.probe import MediaInfo, probe
from voiceedit.media.render import render_timeline
from voiceedit.project import Project, Source, load_project, save_project
from voiceedit.timeline.model import Clip, Timeline
from voiceedit.timeline.transcript import Transcript
from voiceedit.understand.command import Command

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> dict[str, MediaInfo]:
    """A: 30 fps pattern with sound. B: 25 fps, 4:3, no sound. C: sound only, beeps."""
    folder = tmp_path_factory.mktemp("render-media")
    a = make_pattern(folder / "a.mp4")
    b = make_pattern(folder / "b.mp4", seconds=3, rate=25, flashes=(10, 30, 55),
                     size="320x240", audio=False)
    c = make_pattern(folder / "c.wav", seconds=2, flashes=(15, 45), video=False)
    return {name: probe(path) for name, path in (("a", a), ("b", b), ("c", c))}


def cut_list(a: str) -> Timeline:
    """Cut points off the frame grid, and a clip that goes back in the source."""
    return Timeline((Clip(a, 1234, 2600), Clip(a, 300, 1100), Clip(a, 3200, 5950)))


def sources_of(*infos: MediaInfo) -> dict[str, MediaInfo]:
    return {info.path: info for info in infos}


@pytest.mark.parametrize("engine", ["ffmpeg", "moviepy"])
def test_cut_list_is_frame_accurate_and_in_sync(media, tmp_path, engine):
    a = media["a"]
    timeline = cut_list(a.path)
    out = render_timeline(timeline, sources_of(a), tmp_path / "cut.mp4", engine=engine)
    seen = look_and_listen(tmp_path / "cut.mp4")
    assert seen.flashes == expected_flashes(timeline, {a.path: FLASHES}) == [3, 36, 47, 69, 100,
                                                                            129]
    assert seen.frames == expected_frames(timeline) == 147
    assert_in_sync(seen)
    assert abs(out.duration - timeline.duration) <= 1000 / 30
    assert abs(seen.audio_seconds - timeline.duration / 1000) <= 1 / 30
    assert (out.width, out.height, out.frame_rate) == (320, 180, 30)


def test_mixed_sizes_rates_and_missing_streams_are_conformed(media, tmp_path):
    a, b, c = media["a"], media["b"], media["c"]
    timeline = Timeline((Clip(a.path, 0, 1000), Clip(b.path, 1000, 2500), Clip(c.path, 0, 2000)))
    out = render_timeline(timeline, sources_of(a, b, c), tmp_path / "mixed.mp4")
    seen = look_and_listen(tmp_path / "mixed.mp4")
    assert (out.width, out.height, out.frame_rate) == (320, 180, 30)
    assert seen.frames == expected_frames(timeline) == 135
    # A's flash at frame 15; B's flashes at 1.2 s and 2.2 s land 1.0 s later in B's clip,
    # give or take a frame from the 25 -> 30 fps conversion; C has no picture.
    assert seen.flashes[0] == 15
    assert len(seen.flashes) == 3
    assert all(abs(f - e) <= 1 for f, e in zip(seen.flashes[1:], [36, 66], strict=True))
    # A's beep with its flash, silence under B, C's beeps at 3.0 s and 4.0 s on black.
    assert seen.beeps == pytest.approx([0.5, 3.0, 4.0], abs=0.002)
    assert abs(seen.audio_seconds - 4.5) <= 1 / 30


def test_phone_style_frame_timing_stays_frame_exact(media, tmp_path):
    phone = probe(make_pattern(tmp_path / "phone.mp4", jitter_ms=6))
    timeline = cut_list(phone.path)
    render_timeline(timeline, sources_of(phone), tmp_path / "cut.mp4")
    seen = look_and_listen(tmp_path / "cut.mp4")
    assert seen.flashes == expected_flashes(timeline, {phone.path: FLASHES})
    assert seen.frames == expected_frames(timeline)
    assert_in_sync(seen)


def test_portrait_phone_video_renders_upright(media, tmp_path):
    a = media["a"]
    portrait = probe(turned(Path(a.path), tmp_path / "portrait.mp4"))
    timeline = cut_list(portrait.path)
    out = render_timeline(timeline, sources_of(portrait), tmp_path / "cut.mp4")
    assert (out.width, out.height) == (180, 320)
    seen = look_and_listen(tmp_path / "cut.mp4")
    assert seen.flashes == [3, 36, 47, 69, 100, 129]
    assert_in_sync(seen)
    # Landscape after portrait: pillarboxed into the portrait frame, not squeezed.
    both = Timeline((Clip(portrait.path, 0, 1000), Clip(a.path, 0, 1000)))
    out = render_timeline(both, sources_of(portrait, a), tmp_path / "both.mp4")
    assert (out.width, out.height) == (180, 320)
    assert look_and_listen(tmp_path / "both.mp4").frames == 60


def test_sound_only_output_cuts_sample_exactly(media, tmp_path):
    a = media["a"]
    timeline = cut_list(a.path)
    # Without picture there is no frame grid: each source beep moves by its clip's offset.
    want = []
    for index, clip in enumerate(timeline.clips):
        for flash in FLASHES:
            at = flash * 1000 / 30
            if clip.source_in <= at < clip.source_out:
                want.append(timeline.clip_start(index) + at - clip.source_in)
    assert len(want) == 6
    for name in ("cut.wav", "cut.m4a"):
        out = render_timeline(timeline, sources_of(a), tmp_path / name)
        seen = look_and_listen(tmp_path / name)
        assert not out.has_video and out.has_audio
        assert [b * 1000 for b in seen.beeps] == pytest.approx(sorted(want), abs=1)
        assert seen.audio_seconds == pytest.approx(timeline.duration / 1000, abs=0.03)


def test_many_clips_go_through_a_filter_script(media, tmp_path):
    a = media["a"]
    # 100 clips of 40 ms every 55 ms: each about one frame, every cut off the grid.
    timeline = Timeline(tuple(Clip(a.path, k * 55, k * 55 + 40) for k in range(100)))
    render_timeline(timeline, sources_of(a), tmp_path / "many.mp4")
    seen = look_and_listen(tmp_path / "many.mp4")
    assert seen.frames == expected_frames(timeline)
    assert seen.flashes == expected_flashes(timeline, {a.path: FLASHES})


def test_clips_in_reverse_order_reopen_the_source(media, tmp_path):
    a = media["a"]
    timeline = Timeline(tuple(Clip(a.path, k * 1000, k * 1000 + 1000) for k in range(5, -1, -1)))
    render_timeline(timeline, sources_of(a), tmp_path / "reverse.mp4")
    seen = look_and_listen(tmp_path / "reverse.mp4")
    assert seen.flashes == sorted(expected_flashes(timeline, {a.path: FLASHES}))
    assert seen.frames == 180
    assert_in_sync(seen)


def test_progress_reaches_the_end(media, tmp_path):
    a = media["a"]
    calls: list[tuple[int, int]] = []
    render_timeline(cut_list(a.path), sources_of(a), tmp_path / "p.mp4",
                    progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (4900, 4900)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


# ---------------------------------------------------------------- errors


def test_bad_renders_get_a_sentence_and_change_nothing(media, tmp_path):
    a = media["a"]
    sources = sources_of(a)
    existing = tmp_path / "done.mp4"
    existing.write_bytes(b"my earlier render")
    cases = [
        (Timeline(), tmp_path / "x.mp4", "The timeline is empty; there is nothing to render."),
        (cut_list(a.path), existing, "done.mp4 already exists; use --force to replace it."),
        (cut_list(a.path), Path(a.path),
         "a.mp4 is one of the project's own files; I never write over it. Choose another name."),
        (cut_list(a.path), tmp_path / "x.avi", "I can't render to a .avi file; use one of"),
        (cut_list(a.path), tmp_path / "nowhere" / "x.mp4", "The folder"),
        (Timeline((Clip(media["b"].path, 0, 1000),)), tmp_path / "x.wav",
         "There is no sound in these clips to put in x.wav."),
        (Timeline((Clip(a.path, 500, 510),)), tmp_path / "x.mp4",
         "Every clip is shorter than a frame; there is nothing to render."),
    ]
    sources[media["b"].path] = media["b"]
    for timeline, output, sentence in cases:
        with pytest.raises(VoiceEditError) as error:
            render_timeline(timeline, sources, output)
        assert str(error.value).startswith(sentence)
    assert existing.read_bytes() == b"my earlier render"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["done.mp4"]


def test_a_failed_ffmpeg_run_leaves_no_file(media, tmp_path):
    b = media["b"]
    lying = replace(b, has_audio=True)  # the project believes B has sound; it has none
    timeline = Timeline((Clip(b.path, 0, 1000),))
    with pytest.raises(VoiceEditError, match=r"^ffmpeg could not render out.mp4: .+\.$"):
        render_timeline(timeline, sources_of(lying), tmp_path / "out.mp4")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- the command and the action


def make_project(folder: Path, timeline: Timeline, *infos: MediaInfo,
                 name: str = "cut") -> Path:
    sources = tuple(Source(i, Transcript(i.path, i.duration, ())) for i in infos)
    project = replace(Project.start(sources), timeline=timeline)
    path = folder / f"{name}.voiceedit"
    save_project(path, project)
    return path


def voiceedit(*args: str, without_ffmpeg: bool = False) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if without_ffmpeg:  # neither the pinned build nor one on PATH
        env["PATH"] = str(Path(sys.executable).parent)
        env["IMAGEIO_FFMPEG_EXE"] = "/nowhere/ffmpeg"
    return subprocess.run([sys.executable, "-m", "voiceedit", *args], capture_output=True,
                          text=True, env=env, timeout=300)


def test_render_command(media, tmp_path):
    a = media["a"]
    project = make_project(tmp_path, cut_list(a.path), a)
    done = voiceedit("render", str(project))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Rendered 4.9 s to cut-edit.mp4.\n"
    seen = look_and_listen(tmp_path / "cut-edit.mp4")
    assert seen.flashes == [3, 36, 47, 69, 100, 129]
    assert_in_sync(seen)
    again = voiceedit("render", str(project))
    assert (again.returncode, again.stderr) == (
        1, "cut-edit.mp4 already exists; use --force to replace it.\n")
    forced = voiceedit("render", str(project), "--force", "--engine", "moviepy")
    assert forced.returncode == 0, forced.stderr
    sound = voiceedit("render", str(project), "-o", str(tmp_path / "cut.wav"))
    assert sound.stdout == "Rendered 4.9 s to cut.wav.\n"


def test_render_command_errors_are_one_sentence(media, tmp_path):
    a = media["a"]
    gone = tmp_path / "gone.mp4"
    shutil.copy(a.path, gone)
    info = probe(gone)
    project = make_project(tmp_path, Timeline((Clip(info.path, 0, 2000),)), info)
    no_ffmpeg = voiceedit("render", str(project), without_ffmpeg=True)
    assert (no_ffmpeg.returncode, no_ffmpeg.stderr) == (
        1, "ffmpeg is not installed. Run make setup, or apt-get install ffmpeg.\n")
    over_source = voiceedit("render", str(project), "-o", str(gone), "--force")
    assert over_source.stderr == ("gone.mp4 is one of the project's own files; I never write "
                                  "over it. Choose another name.\n")
    over_project = voiceedit("render", str(project), "-o", str(project), "--force")
    assert over_project.stderr == ("I can't render to a .voiceedit file; use one of .flac, "
                                   ".m4a, .m4v, .mkv, .mov, .mp3, .mp4, .wav.\n")
    gone.unlink()
    missing = voiceedit("render", str(project))
    assert (missing.returncode, missing.stderr) == (
        1, "The source file gone.mp4 is gone; put it back before rendering.\n")
    empty = make_project(tmp_path, Timeline(), info, name="empty")
    nothing = voiceedit("render", str(empty))
    assert nothing.stderr == "The timeline is empty; there is nothing to render.\n"
    assert "Traceback" not in no_ffmpeg.stderr + missing.stderr + nothing.stderr
    assert not (tmp_path / "cut-edit.mp4").exists()


def test_render_by_voice_writes_beside_the_project_and_asks_before_replacing(media, tmp_path):
    a = media["a"]
    path = make_project(tmp_path, cut_list(a.path), a)
    state = EditorState(load_project(path), path)
    first = run_action(state, Command("render"))
    assert first.message == "Rendered 4.9 s to cut-edit.mp4."
    assert not first.changed
    assert look_and_listen(tmp_path / "cut-edit.mp4").frames == 147
    asked = run_action(state, Command("render"))
    assert asked.message == "cut-edit.mp4 already exists. Replace it? Say yes or no."
    assert asked.question is not None and asked.question.kind == "confirm"
    before = (tmp_path / "cut-edit.mp4").stat().st_mtime_ns
    yes = run_action(asked.state, asked.question.command)
    assert yes.message == "Rendered 4.9 s to cut-edit.mp4."
    assert (tmp_path / "cut-edit.mp4").stat().st_mtime_ns != before
