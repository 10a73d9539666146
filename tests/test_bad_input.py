"""Bad input gets one plain sentence and changes nothing; what could be meant is read back,
never done silently. In process through the Editor (what every surface drives), and through
the real CLI for the exit status and the absence of a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_core import make_project

from voiceedit.core import Editor
from voiceedit.project import load_project


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path / "p.voiceedit", "one two three four five six")


def test_a_range_said_the_wrong_way_round_is_read_back_not_done(project):
    editor = Editor.open(project)
    before = project.read_bytes()
    asked = editor.handle("delete from 2.5 seconds to 1 second")
    assert asked.question
    assert asked.message == ("You said the later time first. Delete from 1.0 s to 2.5 s? Say yes "
                             "or no.")
    assert load_project(project).timeline == Editor.open(project).timeline
    assert load_project(project).history.steps == ()
    assert project.read_bytes() != before  # only the question is saved ...
    done = editor.handle("yes")
    assert done.changed and done.message.startswith("Deleted 1.5 s")


def test_a_quote_found_only_approximately_is_read_back_with_what_was_found(project):
    editor = Editor.open(project)
    asked = editor.handle("delete two thee")
    assert asked.question
    assert asked.message == "Not found word for word. Delete 'two three'? Say yes or no."
    assert load_project(project).history.steps == ()
    assert editor.handle("yes").message.startswith("Deleted 1.0 s: 'two three'.")


@pytest.mark.parametrize(("text", "sentence"), [
    ("delete from -3 to 999999 seconds",
     "Times start at zero; there is no time before the start. Nothing changed."),
    ("delete " + "x" * 10_000,
     "That is too long for a command; say a sentence or two. Nothing changed."),
    ("delete from 2 seconds to 99 seconds",
     "The timeline is only 4.0 s long; 1:39.0 is past the end."),
])
def test_impossible_commands_are_one_sentence_and_change_nothing(project, text, sentence):
    before = project.read_bytes()
    answer = Editor.open(project).handle(text)
    assert not answer.applied and answer.message == sentence
    assert project.read_bytes() == before


def test_terminal_escapes_in_typed_text_are_not_part_of_the_command(project):
    answer = Editor.open(project).handle("delete \x1b[31mthree four\x1b[0m\x07")
    assert answer.message == "Deleted 1.0 s: 'three four'. Now 3.0 s."


def test_a_typed_path_that_does_not_exist_is_not_taken_for_a_similar_file(project):
    (project.parent / "intro_v2.mp4").write_bytes(b"not probed")
    before = project.read_bytes()
    for said in ("/nowhere/intro_v3.mp4", "intro_v3.mp4"):
        answer = Editor.open(project).handle(f"insert the file {said} at one second")
        assert not answer.applied
        assert answer.message.startswith("I can't find a media file called '")
        assert answer.message.endswith("intro v3.mp4' next to the project.")
    assert project.read_bytes() == before


def test_saved_projects_keep_their_permissions_or_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        path = make_project(tmp_path / "p.voiceedit")
        assert path.stat().st_mode & 0o777 == 0o644
        path.chmod(0o640)
        assert Editor.open(path).handle("delete three four").changed
        assert path.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


def test_a_lock_held_by_a_process_killed_with_9_does_not_block(project):
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        "from voiceedit.project import project_lock\n"
        f"with project_lock({str(project)!r}):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(60)\n")], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    began = time.monotonic()
    assert Editor.open(project).handle("delete three four").changed
    assert time.monotonic() - began < 5


def test_the_cli_says_one_line_exits_1_and_shows_no_traceback(project):
    before = project.read_bytes()
    result = subprocess.run([sys.executable, "-m", "voiceedit", "do", str(project),
                             "delete from -3 to 999999 seconds"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr == ("Times start at zero; there is no time before the start. "
                             "Nothing changed.\n")
    assert project.read_bytes() == before


def test_speak_to_never_writes_over_a_source_an_input_or_an_existing_file(tmp_path):
    source = tmp_path / "interview.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=440:d=2", str(source)],
                   check=True)
    project = make_project(tmp_path / "p.voiceedit")
    data = project.read_text().replace("/media/clip.mp4", str(source))
    project.write_text(data)
    earlier = tmp_path / "answers.wav"
    earlier.write_bytes(b"an earlier recording")
    kept = {path: path.read_bytes() for path in (source, project, earlier)}

    def do(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "voiceedit", "do", str(project), *args],
                              capture_output=True, text=True, timeout=60)

    for target, sentence in [
        (source, "interview.wav is one of the project's own files; I never write over it. "
                 "Choose another name."),
        (project, "p.voiceedit is one of the project's own files; I never write over it. "
                  "Choose another name."),
        (earlier, "answers.wav already exists; use --force to replace it."),
    ]:
        result = do("where am I", "--speak-to", str(target))
        assert (result.returncode, result.stderr, result.stdout) == (1, sentence + "\n", "")
    spoken = do("--audio", str(source), "--speak-to", str(source))
    assert spoken.returncode == 1
    assert spoken.stderr == ("interview.wav is what I am reading commands from; I never write "
                             "over it. Choose another name.\n")
    assert {path: path.read_bytes() for path in kept} == kept
    replaced = do("where am I", "--speak-to", str(earlier), "--force")
    assert replaced.returncode == 0, replaced.stderr
    assert earlier.read_bytes()[:4] == b"RIFF"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def _video(path: Path, seconds: int = 6, faststart: bool = True) -> Path:
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i",
                    f"testsrc2=size=160x120:rate=30:duration={seconds}", "-f", "lavfi", "-i",
                    f"sine=440:duration={seconds}", "-c:v", "libx264", "-preset", "ultrafast",
                    "-c:a", "aac", "-shortest",
                    *(["-movflags", "+faststart"] if faststart else []), str(path)], check=True)
    return path


def test_a_source_cut_short_is_refused_when_added(tmp_path):
    whole = _video(tmp_path / "whole.mp4")
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size * 7 // 10])  # header intact
    before = cut.read_bytes()
    result = subprocess.run([sys.executable, "-m", "voiceedit", "new",
                             str(tmp_path / "p.voiceedit"), str(cut)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr == ("cut.mp4 seems cut short: it says it is 6.0 seconds long, but its "
                             "data ends before that. Was it copied completely?\n")
    assert not (tmp_path / "p.voiceedit").exists() and cut.read_bytes() == before


@pytest.mark.parametrize("change", ["truncated", "replaced", "gone"])
def test_a_source_changed_since_it_was_added_is_named_before_a_render_or_export(tmp_path,
                                                                               change):
    from voiceedit.media.probe import probe
    from voiceedit.project import Project, Source, save_project
    from voiceedit.timeline.transcript import Transcript

    source = _video(tmp_path / "interview.mp4")
    info = probe(source)
    project = tmp_path / "p.voiceedit"
    save_project(project, Project.start((Source(info, Transcript(info.path, info.duration,
                                                                  ())),)))
    if change == "truncated":
        source.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
        said = "it is shorter now"
    elif change == "replaced":
        _video(tmp_path / "other.mp4", seconds=6, faststart=False).replace(source)
        said = "has changed since it was added"
    else:
        source.unlink()
        said = "is gone"
    for command in (["render", str(project), "-o", str(tmp_path / "out.mp4")],
                    ["export", str(project), "-o", str(tmp_path / "out.edl")]):
        result = subprocess.run([sys.executable, "-m", "voiceedit", *command],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 1, result.stdout
        assert said in result.stderr and len(result.stderr.splitlines()) == 1
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.mp4").exists() and not (tmp_path / "out.edl").exists()


def test_written_files_follow_the_umask_not_a_private_temporary(tmp_path):
    from voiceedit.media.outputs import write_text_atomically

    old = os.umask(0o022)
    try:
        fresh = tmp_path / "cut.edl"
        write_text_atomically(fresh, "TITLE: cut\n")
        assert fresh.stat().st_mode & 0o777 == 0o644
        fresh.chmod(0o640)
        write_text_atomically(fresh, "TITLE: again\n")
        assert fresh.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


def test_a_library_error_is_said_without_codes_or_double_full_stops():
    from voiceedit.errors import reason

    assert reason(OSError(1094995529, "Invalid data found when processing input")) == \
        "invalid data found when processing input"
    assert reason(RuntimeError("System error.")) == "system error"


def test_a_reversed_range_past_the_end_is_refused_and_a_reversed_selection_is_not_asked(
        project):
    editor = Editor.open(project)
    past = editor.handle("delete from 99 seconds to 1 second")
    assert not past.applied and past.message.endswith("is past the end.")
    selected = editor.handle("select from 2.5 seconds to 1 second")
    assert not selected.question
    assert load_project(project).selection == (1000, 2500)


def test_a_cut_between_two_quotes_found_approximately_is_read_back_as_said(project):
    editor = Editor.open(project)
    asked = editor.handle("delete from two thee to fife")
    assert asked.question and asked.message.startswith("Not found word for word. Delete from")
    assert load_project(project).history.steps == ()


@pytest.mark.parametrize("said", ["insert the file take -2.mp4 here",
                                  "find the 2019 - 2020 season"])
def test_a_minus_that_is_not_a_negative_time_is_not_refused(project, said):
    answer = Editor.open(project).handle(said)
    assert "Times start at zero" not in answer.message


def test_a_file_that_appears_while_it_is_written_is_kept_unless_forced(tmp_path):
    from voiceedit.errors import VoiceEditError
    from voiceedit.media.outputs import publish, temporary_beside

    target = tmp_path / "cut.edl"
    with temporary_beside(target) as temporary:
        temporary.write_text("ours")
        target.write_text("someone else's, made meanwhile")
        with pytest.raises(VoiceEditError, match="^cut.edl appeared while I was writing it"):
            publish(temporary, target, replace=False)
    assert target.read_text() == "someone else's, made meanwhile"
    assert [p.name for p in tmp_path.iterdir()] == ["cut.edl"]  # our temporary is gone
    with temporary_beside(target) as temporary:
        temporary.write_text("ours")
        publish(temporary, target, replace=True)
    assert target.read_text() == "ours"
    assert [p.name for p in tmp_path.iterdir()] == ["cut.edl"]
