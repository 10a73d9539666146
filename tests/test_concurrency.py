"""Several writers on one project: every acknowledged edit stays on disk and in the undo
history. Real processes (`voiceedit do`), started in pairs at the same moment, and a long
`do` session on standard input editing beside them, as the browser, `listen` and the
terminal will."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from voiceedit.media.probe import MediaInfo
from voiceedit.project import Project, Source, load_project, save_project
from voiceedit.timeline.transcript import Transcript, Word
from voiceedit.timeline.words import TimelineWords

pytestmark = pytest.mark.slow  # starts about fifty processes

PAIRS = 20
NAMES = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
         "juliet")


def words_for(count: int) -> list[str]:
    """Distinct words, so each delete removes exactly one known word."""
    return [f"{NAMES[i % len(NAMES)]}{NAMES[i // len(NAMES)]}" for i in range(count)]


def make_project(path: Path, said: list[str]) -> Path:
    words = [Word(text + ".", 500 + 600 * i, 800 + 600 * i) for i, text in enumerate(said)]
    duration = 1000 + 600 * len(said)
    media = "/media/interview.mp4"
    save_project(path, Project.start((Source(MediaInfo(media, duration, True, True),
                                             Transcript(media, duration, tuple(words))),)))
    return path


def do(project: Path, text: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "voiceedit", "do", str(project), text],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def words_left(project: Path) -> list[str]:
    loaded = load_project(project)
    words = TimelineWords.build(loaded.timeline, [s.transcript for s in loaded.sources])
    return [text.rstrip(".") for text in words.texts]


def test_concurrent_edits_and_a_long_session_keep_every_acknowledged_edit(tmp_path):
    said = words_for(2 * PAIRS + 10)
    project = make_project(tmp_path / "p.voiceedit", said)
    session = subprocess.Popen([sys.executable, "-m", "voiceedit", "do", str(project)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, bufsize=1)
    acknowledged: list[str] = []
    session_words = said[2 * PAIRS:]

    def long_session() -> None:
        for word in session_words:  # one line at a time, between the pairs' edits
            session.stdin.write(f"delete {word}\n")
            session.stdin.flush()
            answer = session.stdout.readline()
            if answer.startswith("Deleted"):
                acknowledged.append(word)

    beside = threading.Thread(target=long_session)
    beside.start()
    for pair in range(PAIRS):
        first, second = said[2 * pair], said[2 * pair + 1]
        runs = [(first, do(project, f"delete {first}")), (second, do(project, f"delete {second}"))]
        for word, run in runs:
            out, err = run.communicate(timeout=120)
            assert run.returncode == 0, err
            assert out.startswith("Deleted"), out
            acknowledged.append(word)
    beside.join(timeout=300)
    session.stdin.close()
    assert session.wait(timeout=60) == 0, session.stderr.read()

    assert sorted(acknowledged) == sorted(said)  # every edit was answered as done ...
    left = words_left(project)
    assert [word for word in acknowledged if word in left] == []  # ... and is on disk,
    assert left == []
    history = load_project(project).history
    assert history.position == len(said)  # each one a step of the undo history
    assert all(step.description.startswith("deleted") for step in history.steps)


def test_an_edit_is_not_held_up_by_a_render_and_both_are_kept(tmp_path):
    from voiceedit.media.probe import probe

    media = tmp_path / "interview.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i",
                    "testsrc2=size=1280x720:rate=30:duration=60", "-f", "lavfi", "-i",
                    "sine=440:duration=60", "-c:v", "libx264", "-preset", "ultrafast",
                    "-c:a", "aac", "-shortest", str(media)], check=True)
    info = probe(media)
    said = words_for(6)
    words = tuple(Word(text + ".", 1000 + 5000 * i, 2000 + 5000 * i)
                  for i, text in enumerate(said))
    project = tmp_path / "p.voiceedit"
    save_project(project, Project.start((Source(info, Transcript(info.path, info.duration,
                                                                  words)),)))
    render = subprocess.Popen([sys.executable, "-m", "voiceedit", "do", str(project),
                               "render the video"], stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".voiceedit-partial-") for p in tmp_path.iterdir()):
        assert time.monotonic() < deadline and render.poll() is None, "the render never began"
        time.sleep(0.05)
    edit = do(project, f"delete {said[2]}")
    out, _ = edit.communicate(timeout=60)
    still_rendering = any(p.name.startswith(".voiceedit-partial-") for p in tmp_path.iterdir())
    assert out.startswith("Deleted") and still_rendering  # not held up by the render
    rendered, _ = render.communicate(timeout=300)
    assert rendered.startswith("Rendered 1:00.0 to p-edit.mp4"), rendered
    assert said[2] not in words_left(project)  # the edit made meanwhile is kept
