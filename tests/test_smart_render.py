"""Smart render: whole GOPs copied byte for byte, cuts re-encoded, frame-exact and in sync.

The pattern source has a keyframe every second (frames 0, 30, 60, ...), so the cut list
below has known pieces: clip one copies frames 0-60 and encodes 60-78, clip two (which goes
back in the source) is all encoded, clip three encodes 96-120 and copies 120 to the end.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import av
import pytest
from media_patterns import (
    FLASHES,
    X264_BFRAMES,
    assert_in_sync,
    expected_flashes,
    expected_frames,
    look_and_listen,
    make_pattern,
    turned,
)

from voiceedit.media.plan import Cut
from voiceedit.media.probe import MediaInfo, probe
from voiceedit.media.smart_render import Piece, concat_listing, plan_pieces, smart_render
from voiceedit.media.video_index import VideoIndex, index_video
from voiceedit.project import Project, Source, save_project
from voiceedit.timeline.model import Clip, Timeline
from voiceedit.timeline.transcript import Transcript

# reorder delay -> x264 settings of the source
DELAYS = {
    2: X264_BFRAMES,
    1: "bframes=2:b-pyramid=none:keyint=30:min-keyint=30:scenecut=0",
    0: "bframes=0:keyint=30:min-keyint=30:scenecut=0",
}


def x264(params: str) -> tuple[str, ...]:
    return ("-c:v", "libx264", "-preset", "ultrafast", "-x264-params", params,
            "-pix_fmt", "yuv420p")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("smart-media")


@pytest.fixture(scope="module")
def pattern(folder) -> MediaInfo:
    return probe(make_pattern(folder / "pattern.mp4"))


def cut_list(path: str) -> Timeline:
    return Timeline((Clip(path, 0, 2600), Clip(path, 300, 1100), Clip(path, 3200, 6000)))


def packets(path: str) -> Counter:
    """The payloads of the non-key video packets (keyframes gain in-band headers on joining)."""
    with av.open(path) as container:
        return Counter(bytes(p) for p in container.demux(container.streams.video[0])
                       if p.size and not p.is_keyframe)


def decode_errors(path: Path) -> str:
    done = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "null", "-"],
                          capture_output=True, text=True)
    return done.stderr


def decode_times_increase(path: Path) -> bool:
    with av.open(str(path)) as container:
        dts = [p.dts for p in container.demux(container.streams.video[0]) if p.dts is not None]
    return all(b > a for a, b in zip(dts, dts[1:], strict=False))


# ---------------------------------------------------------------- planning


def index_with(keyframes: tuple[int, ...], frames: int) -> VideoIndex:
    return VideoIndex(
        path="a.mp4", container="mov,mp4,m4a,3gp,3g2,mj2", codec="h264", profile="High",
        level=30, pix_fmt="yuv420p", width=320, height=180, time_base=Fraction(1, 15360),
        colors=(), frame_pts=tuple(range(0, frames * 512, 512)), keyframes=keyframes, delay=2,
        open_gop=False, frame_rate=Fraction(30),
    )


def test_pieces_copy_whole_gops_and_encode_the_rest():
    index = {"a.mp4": index_with((0, 30, 60, 90), 100)}
    rate = Fraction(30)

    def cut(first: int, end: int) -> Cut:
        return Cut("a.mp4", Fraction(first, 30), Fraction(end, 30))

    assert plan_pieces([cut(37, 95), cut(0, 20), cut(61, 89), cut(90, 100)], index, rate) == [
        Piece("a.mp4", 37, 60, copy=False), Piece("a.mp4", 60, 90, copy=True),
        Piece("a.mp4", 90, 95, copy=False),
        Piece("a.mp4", 0, 20, copy=False),
        Piece("a.mp4", 61, 89, copy=False),  # no whole GOP inside
        Piece("a.mp4", 90, 100, copy=True),  # the stream's end closes the last GOP
    ]
    # Touching clips (a split that was never moved) are one range, not two cuts.
    assert plan_pieces([cut(10, 45), cut(45, 70)], index, rate) == [
        Piece("a.mp4", 10, 30, copy=False), Piece("a.mp4", 30, 60, copy=True),
        Piece("a.mp4", 60, 70, copy=False)]


def test_concat_durations_add_up_exactly():
    listing = concat_listing(["p0.mp4", "p1.mp4", "p2.mp4"], [1, 1, 1], Fraction(30000, 1001))
    durations = [int(line.split()[1][:-2]) for line in listing.splitlines() if "duration" in line]
    assert durations == [33367, 33366, 33367]  # 3 frames at 29.97 fps: 100100 us in all
    assert listing.startswith("ffconcat version 1.0\nfile p0.mp4\nduration 33367us\n")


def test_index_finds_keyframes_delay_and_rate(pattern):
    index = index_video(pattern.path)
    assert index.keyframes == (0, 30, 60, 90, 120, 150)
    assert (index.frame_count, index.delay, index.frame_rate, index.open_gop) == (
        180, 2, Fraction(30), False)


# ---------------------------------------------------------------- rendering


@pytest.mark.slow
@pytest.mark.parametrize("delay", [2, 1, 0])
def test_smart_render_is_frame_exact_in_sync_and_copies_gops(folder, tmp_path, delay):
    source = probe(make_pattern(folder / f"delay{delay}.mp4", codec=x264(DELAYS[delay])))
    assert index_video(source.path).delay == delay
    timeline = cut_list(source.path)
    result = smart_render(timeline, {source.path: source}, tmp_path / "smart.mp4")
    assert result.fallback is None
    assert (result.copied_ms, result.encoded_ms) == (4000, 2200)  # 120 of 186 frames copied
    seen = look_and_listen(tmp_path / "smart.mp4")
    assert seen.flashes == expected_flashes(timeline, {source.path: FLASHES})
    assert seen.frames == expected_frames(timeline) == 186
    assert_in_sync(seen)
    assert abs(result.media.duration - timeline.duration) <= 1000 / 30
    assert decode_errors(tmp_path / "smart.mp4") == ""
    assert decode_times_increase(tmp_path / "smart.mp4")
    # Frames 0-60 and 120-180 of the source are in the output untouched.
    with av.open(source.path) as container:
        stream = container.streams.video[0]
        copied = Counter(bytes(p) for p in container.demux(stream) if p.size
                         and not p.is_keyframe and (p.pts < 60 * 512 or p.pts >= 120 * 512))
    assert sum(copied.values()) > 100
    assert not copied - packets(result.media.path)


@pytest.mark.slow
def test_two_sources_encoded_alike_are_smart_rendered(folder, pattern, tmp_path):
    other = probe(make_pattern(folder / "other.mp4", flashes=(5, 50, 95)))
    timeline = Timeline((Clip(pattern.path, 0, 2600), Clip(other.path, 1500, 4000)))
    result = smart_render(timeline, {i.path: i for i in (pattern, other)}, tmp_path / "two.mp4")
    assert result.fallback is None and result.copied_ms == 4000  # 0-60, and 60-120 of other
    seen = look_and_listen(tmp_path / "two.mp4")
    assert seen.flashes == expected_flashes(timeline, {pattern.path: FLASHES,
                                                       other.path: (5, 50, 95)})
    assert_in_sync(seen)


@pytest.mark.slow
def test_silent_source_gives_a_silent_smart_render(folder, tmp_path):
    silent = probe(make_pattern(folder / "silent.mp4", audio=False))
    timeline = cut_list(silent.path)
    result = smart_render(timeline, {silent.path: silent}, tmp_path / "silent.mp4")
    assert result.fallback is None and result.copied_ms == 4000
    assert not result.media.has_audio
    seen = look_and_listen(tmp_path / "silent.mp4")
    assert seen.flashes == expected_flashes(timeline, {silent.path: FLASHES})
    assert seen.frames == 186


@pytest.mark.slow
def test_falls_back_to_a_full_render_and_says_why(folder, pattern, tmp_path):
    mpeg4 = probe(make_pattern(folder / "mpeg4.mp4", codec=("-c:v", "mpeg4", "-q:v", "4")))
    open_gop = probe(make_pattern(
        folder / "open.mp4", codec=x264("bframes=3:open-gop=1:keyint=30:scenecut=0")))
    big = probe(make_pattern(folder / "big.mp4", size="640x360"))
    portrait = probe(turned(Path(pattern.path), folder / "portrait.mp4"))
    cases = [
        ([mpeg4], "smart.mp4", "Smart render copies only H.264 video and mpeg4.mp4 is mpeg4, "
                               "so I re-encoded everything."),
        ([open_gop], "smart.mp4", "open.mp4 uses open groups of pictures, so I re-encoded "
                                  "everything."),
        ([pattern], "smart.mkv", "Smart render writes MP4 or MOV, not .mkv, so I re-encoded "
                                 "everything."),
        ([pattern, big], "smart.mp4", "The sources are encoded differently, so I re-encoded "
                                      "everything."),
        ([portrait], "smart.mp4", "portrait.mp4 is turned by its metadata, so I re-encoded "
                                  "everything."),
    ]
    for infos, name, sentence in cases:
        timeline = Timeline(tuple(c for i in infos for c in cut_list(i.path).clips))
        result = smart_render(timeline, {i.path: i for i in infos}, tmp_path / name, force=True)
        assert result.fallback == sentence
        assert result.copied_ms == 0
        seen = look_and_listen(tmp_path / name)
        assert seen.frames == expected_frames(timeline)
        assert seen.flashes == expected_flashes(timeline, {i.path: FLASHES for i in infos})
        assert_in_sync(seen)


@pytest.mark.slow
def test_render_command_smart(pattern, tmp_path):
    sources = (Source(pattern, Transcript(pattern.path, pattern.duration, ())),)
    project = replace(Project.start(sources), timeline=cut_list(pattern.path))
    save_project(tmp_path / "cut.voiceedit", project)
    done = subprocess.run(
        [sys.executable, "-m", "voiceedit", "render", str(tmp_path / "cut.voiceedit"), "--smart"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ("Rendered 6.2 s to cut-edit.mp4, copying 4.0 s and re-encoding "
                           "2.2 s.\n")
    assert look_and_listen(tmp_path / "cut-edit.mp4").frames == 186
