"""Rendering loses nothing and overwrites nothing (issue 15).

Each test makes the bad case in a fixture (ffmpeg lavfi sources) and checks three things:
one plain sentence (no traceback), the sources byte-identical afterwards, and the output's
final name either untouched or holding a complete file.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import av
import pytest
from media_patterns import look_and_listen, make_pattern
from read_only import read_only

from voiceedit.errors import VoiceEditError
from voiceedit.interchange.mlt import profile_for
from voiceedit.media import outputs
from voiceedit.media import probe as probe_module
from voiceedit.media import render as render_module
from voiceedit.media.outputs import TEMPORARY_PREFIX, remove_stale_temporaries
from voiceedit.media.probe import MediaInfo, check_readable, probe, video_stream_fields
from voiceedit.media.render import render_timeline
from voiceedit.project import Project, Source, save_project
from voiceedit.timeline.model import Clip, Timeline
from voiceedit.timeline.transcript import Transcript


@pytest.fixture(scope="module")
def pattern(tmp_path_factory) -> MediaInfo:
    """Six seconds at 30 fps with sound: 180 frames."""
    return probe(make_pattern(tmp_path_factory.mktemp("reliability") / "a.mp4"))


def sha256(path: Path | str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def make_project(folder: Path, timeline: Timeline, *infos: MediaInfo) -> Path:
    sources = tuple(Source(i, Transcript(i.path, i.duration, ())) for i in infos)
    path = folder / "cut.voiceedit"
    save_project(path, replace(Project.start(sources), timeline=timeline))
    return path


def voiceedit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voiceedit", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd)


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(TEMPORARY_PREFIX))


# ---------------------------------------------------------------- 1. unique temporary names


@pytest.mark.slow
def test_a_file_named_like_a_temporary_is_never_removed(pattern, tmp_path):
    # The old partial name of cut.mp4, as a source, and a fresh file with our prefix.
    source = tmp_path / ".cut.partial.mp4"
    source.write_bytes(Path(pattern.path).read_bytes())
    lookalike = tmp_path / f"{TEMPORARY_PREFIX}abcd1234.mp4"
    lookalike.write_bytes(b"someone else's")
    before = (sha256(source), sha256(lookalike))
    info = probe(source)
    rendered = render_timeline(Timeline((Clip(info.path, 0, 2000),)), {info.path: info},
                               tmp_path / "cut.mp4")
    assert rendered.path == str(tmp_path / "cut.mp4")
    assert (sha256(source), sha256(lookalike)) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [".cut.partial.mp4", lookalike.name, "cut.mp4"])


def test_stale_temporaries_go_only_when_old_and_unlocked(tmp_path):
    old = time.time() - outputs.STALE_AFTER_S - 60
    stale, locked, young = (tmp_path / f"{TEMPORARY_PREFIX}{n}.mp4"
                            for n in ("stale000", "locked00", "young000"))
    unrelated = tmp_path / ".voiceedit-partial.mp4"  # not a name mkstemp gives
    for path in (stale, locked, young, unrelated):
        path.write_bytes(b"x")
    for path in (stale, locked, unrelated):
        os.utime(path, (old, old))
    with locked.open("rb") as holder:
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX)  # its writer still runs
        remove_stale_temporaries(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [locked.name, young.name, unrelated.name])


# ---------------------------------------------------------------- 2. checked, then renamed


@pytest.mark.slow
def test_a_failed_render_leaves_the_earlier_file_byte_identical(pattern, tmp_path, monkeypatch):
    out = tmp_path / "out.mp4"
    out.write_bytes(b"my earlier render")
    source_before = sha256(pattern.path)
    timeline = Timeline((Clip(pattern.path, 0, 1000), Clip(pattern.path, 3000, 4000)))
    real_render = render_module.render_cuts

    def broken(cuts, media, fmt, target, name, *rest):  # what ffmpeg once left
        Path(target).write_bytes(b"\0" * 261)

    def first_clip_only(cuts, media, fmt, target, name, *rest):  # cut short
        real_render(cuts[:1], media, fmt, target, name)

    cases = [
        (broken, "The render of out.mp4 came out unreadable, so I left out.mp4 as it was."),
        (first_clip_only, "The render of out.mp4 came out 1.0 s long instead of 2.0 s, "
                          "so I left out.mp4 as it was."),
    ]
    for fake, sentence in cases:
        monkeypatch.setattr(render_module, "render_cuts", fake)
        with pytest.raises(VoiceEditError) as error:
            render_timeline(timeline, {pattern.path: pattern}, out, force=True)
        assert str(error.value) == sentence
        assert out.read_bytes() == b"my earlier render"
        assert temporaries(tmp_path) == []
    monkeypatch.undo()
    # A real ffmpeg failure: the project believes a silent source has sound.
    silent = probe(make_pattern(tmp_path / "silent.mp4", seconds=2, audio=False))
    with pytest.raises(VoiceEditError, match=r"^ffmpeg could not render out.mp4: .+\.$"):
        render_timeline(Timeline((Clip(silent.path, 0, 1000),)),
                        {silent.path: replace(silent, has_audio=True)}, out, force=True)
    assert out.read_bytes() == b"my earlier render"
    assert sha256(pattern.path) == source_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mp4", "silent.mp4"]


@pytest.mark.slow
def test_two_forced_renders_to_one_file_each_leave_it_complete(pattern, tmp_path):
    timeline = Timeline((Clip(pattern.path, 500, 5500),))
    project = make_project(tmp_path, timeline, pattern)
    out = tmp_path / "out.mp4"
    out.write_bytes(b"an earlier render")
    command = [sys.executable, "-m", "voiceedit", "render", str(project), "-o", str(out),
               "--force"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    results = [run.communicate(timeout=300) for run in runs]
    for run, (stdout, stderr) in zip(runs, results, strict=True):
        assert (run.returncode, stdout) == (0, "Rendered 5.0 s to out.mp4.\n"), stderr
        assert "Traceback" not in stderr
    seen = look_and_listen(out)
    assert seen.frames == 150
    assert abs(seen.audio_seconds - 5) <= 1 / 30
    assert temporaries(tmp_path) == []


# ---------------------------------------------------------------- 3. ffmpeg dies with us


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _writing_into(folder: Path) -> list[int]:
    """Live processes whose command line names a file in `folder`: an ffmpeg the render
    started after the test first looked is one too."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            line = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if str(folder).encode() in line and _alive(int(entry.name)) and _is_ffmpeg(
                int(entry.name)):
            found.append(int(entry.name))
    return found


def _is_ffmpeg(pid: int) -> bool:
    try:
        program = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0]
    except OSError:
        return False
    return b"ffmpeg" in Path(program.decode()).name.encode()


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_killing_render_kills_its_ffmpeg(pattern, tmp_path):
    # Forty passes over the six-second source: minutes of output, so it is killed mid-way.
    clips = tuple(Clip(pattern.path, 0, 6000) for _ in range(40))
    project = make_project(tmp_path, Timeline(clips), pattern)
    out = tmp_path / "long.mp4"
    render = subprocess.Popen([sys.executable, "-m", "voiceedit", "render", str(project),
                               "-o", str(out)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    ffmpeg: list[int] = []
    while not ffmpeg and time.monotonic() < deadline and render.poll() is None:
        ffmpeg = [pid for pid in _children(render.pid) if _is_ffmpeg(pid)]
        time.sleep(0.05)
    assert ffmpeg, "the render never started ffmpeg"
    time.sleep(0.5)
    os.kill(render.pid, signal.SIGKILL)
    render.wait()
    deadline = time.monotonic() + 2
    while (any(_alive(pid) for pid in ffmpeg) or _writing_into(tmp_path)) and (
            time.monotonic() < deadline):
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in ffmpeg) and not _writing_into(tmp_path)
    assert not out.exists()
    # What it could not remove goes with the next write into the folder, once old enough.
    left = [tmp_path / name for name in temporaries(tmp_path)]
    assert len(left) == 1
    old = time.time() - outputs.STALE_AFTER_S - 60
    os.utime(left[0], (old, old))
    remove_stale_temporaries(tmp_path)
    assert temporaries(tmp_path) == []


# ---------------------------------------------------------------- 4. folders we can't write in


@pytest.mark.slow
def test_read_only_folder_gets_a_sentence_for_render_and_export(pattern, tmp_path):
    project = make_project(tmp_path, Timeline((Clip(pattern.path, 0, 2000),)), pattern)
    locked = tmp_path / "locked"
    locked.mkdir()
    before = (sha256(pattern.path), sha256(project))
    with read_only(locked):
        rendered = voiceedit("render", str(project), "-o", str(locked / "out.mp4"))
        exported = voiceedit("export", str(project), "-o", str(locked / "out.edl"))
    sentence = f"I can't write in the folder {locked}: permission denied. Nothing was written.\n"
    assert (rendered.returncode, rendered.stdout, rendered.stderr) == (1, "", sentence)
    assert (exported.returncode, exported.stdout, exported.stderr) == (1, "", sentence)
    assert list(locked.iterdir()) == []
    assert (sha256(pattern.path), sha256(project)) == before


# ---------------------------------------------------------------- 5. variable frame rate


def make_variable_rate(path: Path) -> Path:
    """Two seconds at 30 fps, then four at 10 fps (about 100 frames, 17 fps on
    average), with
    sound; frame n is the grey level 16 + 53n mod 224, so every frame differs from the
    one before it."""
    grey = "geq=lum='16+mod((N+{offset})*53\\,224)':cb=128:cr=128"
    subprocess.run([
        "ffmpeg", "-v", "error", "-y",
        "-f", "lavfi", "-i", "color=c=black:s=64x64:r=30:d=2," + grey.format(offset=0),
        "-f", "lavfi", "-i", "color=c=black:s=64x64:r=10:d=4," + grey.format(offset=60),
        "-f", "lavfi", "-i", "sine=f=440:sample_rate=48000:d=6",
        "-filter_complex", "[0][1]concat=n=2:v=1:a=0,settb=1/90000[v]",
        "-map", "[v]", "-map", "2:a", "-fps_mode", "passthrough",
        "-video_track_timescale", "90000", "-c:v", "libx264", "-preset", "ultrafast",
        "-pix_fmt", "yuv420p", "-c:a", "aac", str(path)], check=True)
    return path


def grey_levels(path: Path) -> list[int]:
    """Each frame's grey level, runs of one level (duplicated frames) counted once."""
    levels: list[int] = []
    with av.open(str(path)) as container:
        for frame in container.decode(container.streams.video[0]):
            level = round(frame.to_ndarray(format="gray").mean())
            if not levels or abs(levels[-1] - level) > 8:
                levels.append(level)
    return levels


@pytest.mark.slow
def test_variable_frame_rate_renders_every_frame_at_a_constant_rate(tmp_path):
    source = make_variable_rate(tmp_path / "vfr.mp4")
    info = probe(source)
    assert (info.variable_rate, info.frame_rate) == (True, 30)
    before = sha256(source)
    project = make_project(tmp_path, Timeline((Clip(info.path, 0, info.duration),)), info)
    done = voiceedit("render", str(project), "-o", str(tmp_path / "out.mp4"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ("Rendered 6.0 s to out.mp4 at 30 frames a second, "
                           "constant; the source's rate varies.\n")
    wanted = grey_levels(source)
    assert len(wanted) == look_and_listen(source).frames  # every frame differs
    rendered = grey_levels(tmp_path / "out.mp4")
    assert len(rendered) == len(wanted)
    assert all(abs(a - b) <= 4 for a, b in zip(rendered, wanted, strict=True))
    # 30 a second up to the source's last picture at 5.8 s, which lasts 0.1 s (sound goes on).
    assert look_and_listen(tmp_path / "out.mp4").frames == 177
    assert sha256(source) == before


# ---------------------------------------------------------------- 6. only regular files


def test_fifo_and_devices_are_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.mp4"
    os.mkfifo(fifo)
    answers: dict[str, str] = {}

    def ask(path: str) -> None:
        try:
            probe(path)
        except VoiceEditError as error:
            answers[path] = str(error)

    for path in (str(fifo), "/dev/zero"):
        asking = threading.Thread(target=ask, args=(path,), daemon=True)
        asking.start()
        asking.join(timeout=10)
        assert not asking.is_alive(), f"probing {path} hung"
    assert answers == {
        str(fifo): "pipe.mp4 is not a regular file (a pipe or a device, say), so I can't use "
                   "it as media.",
        "/dev/zero": "zero is not a regular file (a pipe or a device, say), so I can't use it "
                     "as media.",
    }
    with pytest.raises(VoiceEditError, match="^pipe.mp4 is not a regular file"):
        check_readable(fifo)


def test_a_probe_that_takes_too_long_gives_up_in_one_sentence(pattern, monkeypatch):
    monkeypatch.setattr(probe_module, "PROBE_TIMEOUT_S", 0.001)
    with pytest.raises(VoiceEditError) as error:
        probe(pattern.path)
    assert str(error.value) == ("I gave up reading a.mp4 after 0.001 seconds; it may not be a "
                                "media file, or its disk is too slow.")


# ---------------------------------------------------------------- 7. names are never options


def test_names_that_look_like_options_or_urls_are_only_files(pattern, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FFREPORT", "")  # a -report taken as an option would write a log here
    option_like = tmp_path / "-report"
    option_like.write_bytes(Path(pattern.path).read_bytes())
    assert video_stream_fields("-report", "stream=width")["width"] == 320
    assert probe("-report").has_video
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(0.5)
        url = f"http://127.0.0.1:{server.getsockname()[1]}/x.mp4"
        info = replace(pattern, path=url)
        profile = profile_for(Timeline((Clip(url, 0, 1000),)), {url: info})
        with pytest.raises(TimeoutError):
            server.accept()  # nobody asked for the URL
    assert (profile.width, profile.height) == (320, 180)
    assert not list(tmp_path.glob("ffreport*"))
    assert sha256(option_like) == sha256(pattern.path)


@pytest.mark.slow
def test_a_source_named_like_an_option_renders(pattern, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-report.mp4").write_bytes(Path(pattern.path).read_bytes())
    rendered = render_timeline(Timeline((Clip("-report.mp4", 0, 1000),)), {},
                               tmp_path / "out.mp4")
    assert rendered.duration == 1000
    assert not list(tmp_path.glob("ffreport*"))
