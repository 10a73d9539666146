"""Typed sessions through the real CLI: `voiceedit new`, `voiceedit do`, `voiceedit timeline`.

The project is made once from the bundled interview (real tiny.en transcript) and copied
for each test. Each test runs `voiceedit do` in subprocesses, as a user or a script would,
and checks the answers, the exit status and the project on disk: the timeline JSON, the
words that remain against the true word timings, undo and redo across restarts, questions
answered in a later process, every bad input (nothing changed, byte for byte), and kill -9
at random moments (the project always opens, at the last acknowledged command's state).
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from read_only import read_only

from voiceedit.actions.state import EditorState
from voiceedit.core import Editor
from voiceedit.project import load_project, project_to_json

pytestmark = pytest.mark.slow  # every test here transcribes (once) and starts processes


@pytest.fixture(scope="module")
def made_project(tmp_path_factory, sample_video, sample_transcript) -> Path:
    """`voiceedit new` over the interview, once (the transcript comes from the test cache)."""
    folder = tmp_path_factory.mktemp("made")
    path = folder / "talk.voiceedit"
    result = voiceedit("new", str(path), str(sample_video))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Created talk.voiceedit: 1 clip, 45.1 s, " \
                            f"{len(sample_transcript.words)} words.\n"
    return path


@pytest.fixture
def project(made_project, tmp_path) -> Path:
    path = tmp_path / "talk.voiceedit"
    shutil.copy(made_project, path)
    return path


def voiceedit(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voiceedit", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


def do(project: Path, text: str | None = None, stdin: str | None = None):
    return voiceedit("do", str(project), *([text] if text is not None else []), stdin=stdin)


def timeline_json(project: Path) -> dict:
    """What `voiceedit timeline --json` prints (checked against it in the scripted test),
    read here in-process to save a process start per check."""
    return load_project(project).timeline.to_json()


def words_on(project: Path) -> str:
    return " ".join(EditorState(load_project(project), project).words.texts)


def true_cuts_in_silence(timeline: dict, truth: dict) -> list[str]:
    """Every true word is either wholly on the timeline or wholly off it: the problems."""
    problems = []
    for word in truth["words"]:
        start, end = word["start"], word["end"]
        covered = sum(max(0.0, min(end, c["out"]) - max(start, c["in"]))
                      for c in timeline["clips"])
        fraction = covered / (end - start)
        if 0.001 < fraction < 0.999:
            problems.append(f"{word['text']} at {start}: {fraction:.0%} kept")
    return problems


# --- scripted sessions ---------------------------------------------------------------------------


SCRIPT = """\
remove the fillers
remove the repeated takes
delete from ask not to story
read the timeline
"""


def test_scripted_session_from_standard_input(project, sample_truth, sample_video):
    result = do(project, stdin=SCRIPT)
    assert result.returncode == 0, result.stdout + result.stderr
    answers = result.stdout.splitlines()
    assert len(answers) == 4
    assert answers[0].startswith("Removed 3 fillers, ")
    # one shot: every cut jumps. The tenth of a second the cuts land on moves with the
    # transcript's timings, which move a little with the process's thread settings.
    now = re.search(r"\. Now (\d+\.\d) s\. 3 jump cuts\.$", answers[0])
    assert now and 42.4 <= float(now[1]) <= 42.9, answers[0]
    assert answers[1].startswith("Removed 1 repeated take, 4.")
    assert "'You don't need an expensive camera to start'" in answers[1]
    assert answers[2].startswith("Deleted 4.")
    cut = re.search(r": 'Ask not what your camera can do for …'\. Now (\d+\.\d) s\. Jump cut\.$",
                    answers[2])
    read = re.match(r"5 clips, (\d+\.\d) s\. Clip 1, 0\.0 s to ", answers[3])
    assert cut and read and cut[1] == read[1], answers[2:]

    printed = voiceedit("timeline", str(project), "--json")
    assert printed.returncode == 0, printed.stderr
    timeline = json.loads(printed.stdout)
    assert timeline == {**timeline_json(project),
                        "playhead": load_project(project).playhead / 1000}
    assert len(timeline["clips"]) == 5
    assert {c["source"] for c in timeline["clips"]} == {str(sample_video.resolve())}
    assert timeline["duration"] == pytest.approx(sum(c["out"] - c["in"]
                                                     for c in timeline["clips"]))
    assert 33.7 < timeline["duration"] < 34.7
    assert abs(float(read[1]) - timeline["duration"]) <= 0.051  # said as the project has it
    assert true_cuts_in_silence(timeline, sample_truth) == []
    said = words_on(project)
    assert said == (
        "Hi, I'm Sam, and today I want to talk about making films on a small budget. "
        "the first thing you need is a story worth telling. "
        "You really don't need an expensive camera to start. "
        "a phone and good sound will take you a long way. "
        "The best light is, the best light is free, a big window. "
        "Record the sound close to the speaker and always listen back before you move on. "
        "so anyway, light your subject from one side and keep the background simple. "
        "Thanks for watching.")


def test_one_command_per_process_and_timeline_readback(project):
    first = do(project, "delete a phone and good sound")
    assert first.returncode == 0 and first.stderr == ""
    assert first.stdout.startswith("Deleted 1.")
    assert first.stdout.endswith(": 'a phone and good sound'. Now 43.9 s. Jump cut.\n")
    spoken = voiceedit("timeline", str(project))
    # The join lands in the pause before "a phone" (17.9 s to 18.4 s), on a tenth that moves
    # with the transcript's timings.
    read = re.fullmatch(r"2 clips, 43\.9 s\. Clip 1, 0\.0 s to (\d+\.\d) s: 'Hi, I'm Sam, and "
                        r"today'\. Clip 2, (\d+\.\d) s to 43\.9 s: 'will take you a long'\.\n",
                        spoken.stdout)
    assert read and read[1] == read[2] and 17.9 <= float(read[1]) <= 18.4, spoken.stdout


def test_undo_and_redo_survive_restarts(project):
    original = timeline_json(project)
    assert do(project, "remove the fillers").returncode == 0
    after_fillers = timeline_json(project)
    assert do(project, "delete a phone and good sound").returncode == 0
    assert timeline_json(project) != after_fillers

    undo = do(project, "undo that")  # a new process: the history came from the file
    assert undo.stdout.startswith("Undid: deleted 1.")
    assert timeline_json(project) == after_fillers
    assert do(project, "scratch that").stdout.startswith("Undid: removed 3 fillers")
    assert timeline_json(project) == original
    nothing = do(project, "undo that")
    assert (nothing.returncode, nothing.stderr) == (1, "There is nothing to undo.\n")

    redo = do(project, "redo that")
    assert redo.stdout.startswith("Redid: removed 3 fillers")
    assert timeline_json(project) == after_fillers
    assert do(project, "what did I just do").stdout.startswith("Last change: removed 3 "
                                                               "fillers")
    assert do(project, "redo that").returncode == 0
    assert do(project, "redo").stderr == "There is nothing to redo.\n"


def test_choice_is_asked_and_answered_in_a_later_process(project):
    asked = do(project, "delete don't need an expensive camera")
    assert asked.returncode == 0
    assert asked.stdout == ("2 matches: 1 at 11.7 s, 'don't need an expensive camera'; 2 at "
                            "15.1 s, 'don't need an expensive camera'. Say 1 or 2.\n")
    assert timeline_json(project)["duration"] == pytest.approx(45.0, abs=0.1)  # not yet
    chosen = do(project, "two")
    assert chosen.stdout.startswith("Deleted ")
    said = words_on(project)
    assert "You don't need an expensive camera to start." in said
    assert "You really to start." in said


def test_low_confidence_destructive_command_waits_for_yes(project):
    original = timeline_json(project)
    asked = do(project, "remove the failures")  # misheard "fillers": read back first
    assert (asked.returncode, asked.stdout) == (0, "Remove the filler words? Say yes or no.\n")
    assert timeline_json(project) == original
    assert do(project, "no").stdout == "Not done; nothing changed.\n"
    assert timeline_json(project) == original
    assert do(project, "yes").stderr == "There is nothing to confirm.\n"
    do(project, "remove the failures")
    done = do(project, "yes")
    assert done.stdout.startswith("Removed 3 fillers")
    assert timeline_json(project)["duration"] < original["duration"] - 1


def test_playhead_and_selection_are_kept_between_processes(project):
    assert do(project, "go to twelve seconds").stdout.startswith("At 12.0 s of 45.1 s")
    assert do(project, "select from one second to two seconds").returncode == 0
    where = do(project, "where am I").stdout
    assert where.startswith("At 12.0 s of 45.1 s: '")
    assert where.endswith("Selected from 1.0 s to 2.0 s.\n")
    assert do(project, "delete the selection").stdout.startswith("Deleted 1.0 s: ")
    assert do(project, "read the selection").stdout == "Nothing is selected.\n"


# --- bad input: a clear sentence, nothing changed -----------------------------------------------


@pytest.mark.parametrize(("text", "status", "sentence"), [
    ("make it pop", 2, 'Not understood: "make it pop". Did you mean "make the video"?'),
    ("delete the budget meeting", 1, "I can't find 'the budget meeting' in the transcript."),
    ("go to five minutes", 1,
     "The timeline is only 45.1 s long; 5:00.0 is past the end."),
    ("delete from ten seconds to ten minutes", 1,
     "The timeline is only 45.1 s long; 10:00.0 is past the end."),
    ("delete clip seven", 1, "There is no clip 7; the timeline has 1 clip."),
    ("delete the selection", 1, "Nothing is selected. Say select, then a time range or a quote."),
    ("one", 1, "There is nothing to choose from."),
])
def test_bad_input_says_why_and_changes_nothing(project, text, status, sentence):
    before = project.read_bytes()
    result = do(project, text)
    assert (result.returncode, result.stdout, result.stderr) == (status, "", sentence + "\n")
    assert project.read_bytes() == before


def test_empty_timeline_says_so(project):
    assert do(project, "delete from the start to the end").stdout == (
        "Deleted 45.1 s. The timeline is now empty; say undo that to bring it back.\n")
    before = project.read_bytes()
    for text in ("delete clip one", "remove the fillers", "go to two seconds",
                 "delete from one second to two seconds"):
        result = do(project, text)
        assert result.returncode == 1, text
        assert result.stderr.startswith("The timeline is "), result.stderr
    assert project.read_bytes() == before
    assert do(project, "where am I").stdout == "The timeline is empty.\n"
    assert do(project, "undo that").stdout.startswith("Undid: deleted 45.1 s")


def test_read_only_project_folder_changes_nothing(project):
    before = project.read_bytes()
    with read_only(project.parent):
        result = do(project, "remove the fillers")
    assert result.returncode == 1
    assert result.stderr.startswith(f"I can't save talk.voiceedit in the folder "
                                    f"{project.parent.name}: ")
    assert result.stderr.endswith(". Nothing was changed.\n")
    assert project.read_bytes() == before
    assert sorted(p.name for p in project.parent.iterdir()) == ["talk.voiceedit"]


@pytest.mark.parametrize("damage", ["truncate", "garbage", "newer"])
def test_damaged_project_is_refused_and_kept(project, damage):
    data = project.read_bytes()
    if damage == "truncate":
        project.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        project.write_bytes(b"\x89PNG\r\n\x1a\n" + data[:100])
    else:
        project.write_text(json.dumps({**json.loads(data), "version": 99}))
    before = project.read_bytes()
    result = do(project, "remove the fillers")
    assert result.returncode == 1
    expected = ("talk.voiceedit was saved by a newer voiceedit (project format 99); this one "
                "reads up to format 1. I left it as it is.\n") if damage == "newer" else \
        "The project file talk.voiceedit is damaged and can't be opened; I left it as it is.\n"
    assert result.stderr == expected
    assert project.read_bytes() == before


def test_new_refuses_to_overwrite_and_missing_media(project, tmp_path, sample_video):
    before = project.read_bytes()
    again = voiceedit("new", str(project), str(sample_video))
    assert (again.returncode, again.stderr) == (
        1, "talk.voiceedit already exists; choose another project name.\n")
    assert project.read_bytes() == before
    missing = voiceedit("new", str(tmp_path / "other.voiceedit"), str(tmp_path / "gone.mp4"))
    assert (missing.returncode, missing.stderr) == (1, "I can't find the file gone.mp4.\n")
    assert not (tmp_path / "other.voiceedit").exists()


# --- kill -9 at random moments ------------------------------------------------------------


KILL_SCRIPT = [
    "remove the fillers",
    "go to ten seconds",
    "delete a phone and good sound",
    "select from one second to two seconds",
    "delete the selection",
    "undo that",
    "undo that",
    "redo that",
    "remove the repeated takes",
    "split at five seconds",
    "move clip one after clip two",
    "shorten pauses longer than one second to half a second",
    "delete clip three",
    "where am I",
    "undo that",
    "delete from ask not to story",
]


def expected_states(project: Path, tmp_path: Path) -> list[dict]:
    """The project after 0, 1, 2, ... commands, computed in this process on a copy."""
    copy = tmp_path / "expected" / project.name
    copy.parent.mkdir()
    shutil.copy(project, copy)
    session = Editor(copy)
    states = [project_to_json(session.state.project)]
    for line in KILL_SCRIPT:
        answer = session.handle_text(line)
        assert answer.applied, (line, answer.message)
        states.append(project_to_json(session.state.project))
    return states


def run_and_kill(project: Path, delay: float | None) -> tuple[int, float]:
    """Run the script through `voiceedit do` on stdin. With a `delay`, SIGKILL it that many
    seconds after its first answer (process start-up time varies too much on a shared machine
    to aim from the start); a negative delay kills it that long after starting. Returns how
    many answers it printed and the seconds from the first answer to the end."""
    process = subprocess.Popen([sys.executable, "-m", "voiceedit", "do", str(project)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    answers: list[float] = []
    first = threading.Event()

    def read() -> None:
        for _line in process.stdout:
            answers.append(time.monotonic())
            first.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    process.stdin.write("\n".join(KILL_SCRIPT) + "\n")
    process.stdin.flush()
    process.stdin.close()
    if delay is not None:
        if delay >= 0:
            first.wait(timeout=60)
        try:
            process.wait(timeout=abs(delay))
        except subprocess.TimeoutExpired:
            process.kill()  # SIGKILL: no cleanup, no flush, no atexit
    process.wait(timeout=120)
    ended = time.monotonic()
    reader.join(timeout=10)
    return len(answers), (ended - answers[0]) if answers else 0.0


def test_kill_9_at_random_points_loses_at_most_the_command_in_flight(project, tmp_path):
    states = expected_states(project, tmp_path)
    pristine = project.read_bytes()

    # One full run, to know how long the commands take here once the interpreter is up.
    printed, commands = run_and_kill(project, None)
    assert printed == len(KILL_SCRIPT)
    assert project_to_json(load_project(project)) == states[-1]

    rng = random.Random(20240917)
    delays = [-0.3, -0.6] + [rng.uniform(0, 0.8 * commands) for _ in range(10)]
    outcomes = []
    for delay in delays:
        project.write_bytes(pristine)
        acknowledged, _ran = run_and_kill(project, delay)
        reopened = project_to_json(load_project(project))  # must open, whatever happened
        allowed = states[acknowledged : acknowledged + 2]  # acknowledged, or one in flight
        assert reopened in allowed, (
            f"killed {delay:.3f} s after the first answer with {acknowledged} answers "
            f"printed; the project matches none of the states after {acknowledged} or "
            f"{acknowledged + 1} commands")
        outcomes.append(acknowledged)
        # A session picks up where the killed one stopped, temp files or not.
        assert Editor(project).handle_text("where am I").applied
    # The kills landed at different points of the script, not all before or after it.
    assert len(set(outcomes)) >= 3, outcomes
