"""The footage library: the store and the search on a known transcript (fast), and `library
add` on a real Dask cluster (a `dask scheduler` and two `dask worker` processes started here
on 127.0.0.1, one of them killed mid-run), searched against the sample's known word times."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from voiceedit.library.search import search, sentence_range
from voiceedit.library.store import Library, default_library
from voiceedit.timeline.transcript import Segment, Transcript, Word

ROOT = Path(__file__).resolve().parents[1]

# --- the store and the search, on a transcript made by hand -------------------------------


def made_transcript(media: str, sentences: list[str], start: int = 0) -> Transcript:
    """Words 400 ms apart, 300 ms long; a sentence a pause."""
    words, segments, at = [], [], start
    for sentence in sentences:
        inside = []
        for text in sentence.split():
            inside.append(Word(text, at, at + 300, 0.9))
            at += 400
        words += inside
        segments.append(Segment(sentence, inside[0].start, inside[-1].end, tuple(inside)))
        at += 1500
    return Transcript(media, at, tuple(words), tuple(segments), "tiny.en", "faster-whisper")


@pytest.fixture
def small_library(tmp_path) -> Library:
    library = Library(tmp_path / "lib.sqlite")
    library.store("aaa", tmp_path / "one.mp4", made_transcript(
        str(tmp_path / "one.mp4"), ["We spent the whole budget on lights.",
                                    "The camera was borrowed from a friend."]))
    library.store("bbb", tmp_path / "two.mp4", made_transcript(
        str(tmp_path / "two.mp4"), ["Nobody asked about the budget.",
                                    "She explains the lighting in detail here."]))
    yield library
    library.close()


def test_an_exact_quote_has_its_words_own_times(small_library):
    hits = search(small_library, "borrowed from a friend")
    best = hits[0]
    assert Path(best.file).name == "one.mp4"
    # "borrowed" is word 10 of one.mp4: 7 words, a pause of 1500 ms, then "The camera was".
    assert best.start == 7 * 400 + 1500 + 3 * 400
    assert best.end == best.start + 3 * 400 + 300
    assert best.text == "The camera was borrowed from a friend."
    assert best.score == 100.0


def test_a_misheard_quote_is_found(small_library):
    hits = search(small_library, "she explained the lightning")
    assert Path(hits[0].file).name == "two.mp4"
    assert hits[0].words == "She explains the lighting"


def test_every_file_that_says_it_best_first(small_library):
    hits = search(small_library, "the budget")
    assert {Path(h.file).name for h in hits[:2]} == {"one.mp4", "two.mp4"}
    assert hits == sorted(hits, key=lambda h: -h.score)


def test_nothing_like_the_quote_finds_nothing(small_library):
    assert search(small_library, "submarine volcano") == []


def test_the_same_content_is_stored_once(small_library, tmp_path):
    again = made_transcript(str(tmp_path / "copy.mp4"), ["anything at all"])
    assert small_library.store("aaa", tmp_path / "copy.mp4", again) == 0
    assert small_library.counts().files == 2


def test_a_stored_transcript_reads_back_whole(small_library, tmp_path):
    transcript = small_library.transcript(1)
    assert [s.text for s in transcript.segments] == ["We spent the whole budget on lights.",
                                                      "The camera was borrowed from a friend."]
    assert transcript.words[4] == Word("budget", 1600, 1900, 0.9)
    hit = search(small_library, "whole budget")[0]
    assert sentence_range(small_library, hit) == (0, 2700, "We spent the whole budget on "
                                                  "lights.")


def test_the_default_library_is_in_the_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("VOICEEDIT_LIBRARY", raising=False)
    monkeypatch.setenv("VOICEEDIT_DATA", str(tmp_path))
    assert default_library() == (tmp_path / "library.sqlite", "the default")
    monkeypatch.setenv("VOICEEDIT_LIBRARY", str(tmp_path / "other.sqlite"))
    assert default_library()[0] == tmp_path / "other.sqlite"


def test_search_json_from_the_cli(small_library, voiceedit_cli):
    done = voiceedit_cli("library", "search", "borrowed", "from", "a", "friend", "--json",
                         "--library", str(small_library.path))
    assert done.returncode == 0, done.stderr
    hit = json.loads(done.stdout)["hits"][0]
    assert hit["start"] == 5.5 and hit["end"] == 7.0
    assert set(hit) >= {"file", "start", "end", "text"}


def test_no_library_is_one_sentence(voiceedit_cli, tmp_path):
    done = voiceedit_cli("library", "status", "--library", str(tmp_path / "none.sqlite"))
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "There is no library" in done.stderr


# --- a real cluster ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_environment(cache: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "VOICEEDIT_CACHE": str(cache)}


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    # Its own process group: killing a worker kills its nanny and the worker process both.
    return subprocess.Popen(command, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """`dask scheduler` and two single-thread `dask worker`s, as a user starts them."""
    folder = tmp_path_factory.mktemp("cluster")
    env = worker_environment(folder / "cache")  # a fresh cache: every file is really done
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).parent / "dask")
    processes = [start([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                        "--no-dashboard"], env, folder / "scheduler.log")]
    time.sleep(2)
    for name in ("one", "two"):
        processes.append(start([dask, "worker", address, "--nthreads", "1", "--name", name,
                                "--no-dashboard"], env, folder / f"{name}.log"))
    from distributed import Client

    with Client(address, timeout="60s") as client:
        client.wait_for_workers(2, timeout=120)
    yield address, processes, env
    for process in reversed(processes):
        stop(process)


@pytest.fixture(scope="module")
def footage(tmp_path_factory, sample_video) -> Path:
    """The sample interview, two Piper clips with known sentences, and a corrupt file."""
    from spoken import spoken

    folder = tmp_path_factory.mktemp("footage")
    (folder / "interview.mp4").write_bytes(sample_video.read_bytes())
    texts = {"lighting.wav": "She explains the lighting with three soft boxes and a "
                             "reflector. Then she turns them all off.",
             "money.wav": "Our budget for the second season is smaller. We shot it all in "
                          "one week."}
    for name, text in texts.items():
        audio = np.concatenate([np.zeros(8000, np.float32), spoken(text)])
        soundfile.write(str(folder / name), audio, 16000, subtype="PCM_16")
    (folder / "broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(30000))
    return folder


@pytest.fixture(scope="module")
def added(cluster, footage, tmp_path_factory):
    """`library add` on the cluster, with worker "one" killed while it transcribes."""
    from distributed import Client

    address, processes, env = cluster
    library = tmp_path_factory.mktemp("library") / "lib.sqlite"
    run = subprocess.Popen(
        [sys.executable, "-m", "voiceedit", "library", "add", str(footage), "--scheduler",
         address, "--library", str(library)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed_while = None
    with Client(address, timeout="30s") as client:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and killed_while is None:
            workers = client.scheduler_info()["workers"]
            one = next((a for a, w in workers.items() if w.get("name") == "one"), None)
            busy = client.processing().get(one, ()) if one else ()
            if busy:
                time.sleep(0.3)  # well inside the task: the model is loaded, decoding runs
                stop(processes[1])
                killed_while = list(busy)
            time.sleep(0.05)
    out, err = run.communicate(timeout=300)
    return library, run.returncode, out, err, killed_while


@pytest.mark.slow
def test_a_killed_worker_loses_nothing(added):
    library, returncode, out, err, killed_while = added
    assert killed_while, "worker one never took a file"
    assert returncode == 0, err
    assert "Added 3 files" in out
    with Library(library) as opened:
        counts = opened.counts()
    assert counts.files == 3 and counts.words > 100


@pytest.mark.slow
def test_a_corrupt_file_is_named_in_one_sentence_and_the_rest_done(added):
    _library, _returncode, out, err, _killed = added
    said = [line for line in err.splitlines() if "broken.mp4" in line]
    assert said == ["Transcribing broken.mp4.",
                    "broken.mp4 is not a media file I can read; it may be corrupt."]
    assert "1 file failed: broken.mp4." in out


@pytest.mark.slow
def test_a_second_add_does_nothing(added, cluster, footage, voiceedit_cli):
    library = added[0]
    address, _processes, _env = cluster
    before = library.stat().st_mtime_ns
    done = voiceedit_cli("library", "add", str(footage / "interview.mp4"),
                         str(footage / "money.wav"), "--scheduler", address,
                         "--library", str(library))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2 files already in the library."
    assert "no files to transcribe" in done.stderr
    assert library.stat().st_mtime_ns == before or Library(library).counts().files == 3


@pytest.mark.slow
def test_search_finds_the_known_words_at_their_times(added, sample_truth, voiceedit_cli):
    library = added[0]
    done = voiceedit_cli("library", "search", "a story worth telling", "--json",
                         "--library", str(library))
    hit = json.loads(done.stdout)["hits"][0]
    assert Path(hit["file"]).name == "interview.mp4"
    truth = sample_truth["words"]
    story = next(i for i, w in enumerate(truth) if w["text"].strip(",.").lower() == "story")
    # "a story worth telling": from "a" to "telling", as Piper placed them.
    assert hit["start"] == pytest.approx(truth[story - 1]["start"], abs=0.3)
    assert hit["end"] == pytest.approx(truth[story + 2]["end"], abs=0.3)
    assert "story worth telling" in hit["text"]


@pytest.mark.slow
def test_misheard_quotes_across_the_library(added):
    with Library(added[0]) as library:
        lighting = search(library, "she explained the lightning")[0]
        money = search(library, "our budge it for the second season")[0]
    assert Path(lighting.file).name == "lighting.wav"
    assert lighting.start >= 400  # half a second of silence first
    assert Path(money.file).name == "money.wav"
    assert money.text.startswith("Our budget for the second season")


# --- spoken and typed commands in a project ------------------------------------------------


@pytest.fixture
def project_and_library(tmp_path, monkeypatch, sample_video, sample_transcript):
    """A project over the sample, and a library holding a copy of it under another name
    (so inserting from it adds a second source), with the transcript Whisper made."""
    from voiceedit.media.probe import probe
    from voiceedit.project import Source, create_project

    take = tmp_path / "take.mp4"
    take.write_bytes(sample_video.read_bytes())
    monkeypatch.setenv("VOICEEDIT_LIBRARY", str(tmp_path / "lib.sqlite"))
    with Library(tmp_path / "lib.sqlite") as library:
        library.store("take", take, sample_transcript)
    project = tmp_path / "edit.voiceedit"
    create_project(project, [Source(probe(sample_video), sample_transcript)])
    return project, take


def test_find_in_the_library_reads_back_the_places(project_and_library):
    from voiceedit.core import Editor

    editor = Editor(project_and_library[0])
    answer = editor.handle_text("find in the library an expensive camera")
    assert answer.message.startswith("2 places in the library lib.sqlite (from "
                                     "VOICEEDIT_LIBRARY): take.mp4 at 1"), answer.message
    assert "'an expensive camera'" in answer.message


def test_a_library_sentence_goes_after_the_clip_at_the_playhead(project_and_library):
    from voiceedit.core import Editor
    from voiceedit.project import load_project

    project, take = project_and_library
    editor = Editor(project)
    before = editor.timeline.duration
    answer = editor.handle_text("add the library clip where a phone and good sound after "
                                "this one")
    assert answer.message.startswith("Inserted 2."), answer.message
    assert "of take.mp4 after clip 1" in answer.message
    saved = load_project(project)
    [_, inserted] = saved.timeline.clips
    assert inserted.source == str(take)
    sentence = next(s for s in saved.source(str(take)).transcript.segments
                    if "phone and good sound" in s.text)
    assert (inserted.source_in, inserted.source_out) == (sentence.start, sentence.end)
    assert saved.timeline.duration == before + sentence.end - sentence.start
    assert editor.handle_text("undo that").message.startswith("Undid: inserted")
    assert load_project(project).timeline.duration == before


@pytest.mark.slow
def test_the_embedded_cluster_by_default(footage, tmp_path, voiceedit_cli):
    """No --scheduler: a LocalCluster of worker processes started and stopped by `add`."""
    library = tmp_path / "local.sqlite"
    done = voiceedit_cli("library", "add", str(footage / "money.wav"), "--workers", "1",
                         "--library", str(library))
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[1:3] == ["1 file to transcribe, on 1 worker.", "Transcribing money.wav."]
    words = int(lines[3].split()[1])
    assert 14 <= words <= 17  # 16 said; Whisper may join or split one
    assert lines[3:] == [f"money.wav: {words} words. 1 of 1 files done."]
    status = voiceedit_cli("library", "status", "--library", str(library))
    assert status.stdout.startswith(f"The library {library} (as named) holds 1 file, ")
    assert status.stdout.rstrip().endswith(f"{words} words.")
