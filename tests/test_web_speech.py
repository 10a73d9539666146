"""Commands spoken into the browser editor's microphone, end to end: the real server
(`voiceedit serve` in a subprocess), Chromium recording a recorded command from
samples/commands/ through its fake microphone, the same recogniser and Editor as
`voiceedit listen`; and what /api/speech answers to recordings that hold no command.

Chromium's fake microphone plays the file from its start each time the page opens the
microphone; `%noloop` after the path makes it silence after one play instead of looping,
so a recording held a little longer than the command holds it once.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from voiceedit.interchange.captions import kept_words
from voiceedit.media.probe import probe
from voiceedit.project import Source, create_project, load_project
from voiceedit.timeline.transcript import Transcript, Word

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ROOT / "samples" / "commands"
QUOTE = "ask not what your camera can do for you"


class Server:
    """`voiceedit serve PROJECT --port 0`, as a person runs it; its stderr kept to check."""

    def __init__(self, project: Path, log: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.project = project
        self.log = log
        self._stderr = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "voiceedit", "serve", str(project), "--port", "0"],
            stdout=subprocess.PIPE, stderr=self._stderr, text=True, env=env)
        self.url = self.process.stdout.readline().strip()  # type: ignore[union-attr]
        if not self.url.startswith("http://127.0.0.1:"):
            self.stop()
            raise AssertionError(f"voiceedit serve printed no address: {log.read_text()}")
        parts = urlsplit(self.url)
        self.host, self.port = parts.hostname or "", parts.port or 0
        self.token = parts.query.removeprefix("token=")

    def post_speech(self, body: bytes, streamed: bool = False) -> tuple[int, dict]:
        """POST a recording; `streamed`: in chunks, with no length given first."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        sent = (body[n:n + 65536] for n in range(0, len(body), 65536)) if streamed else body
        try:
            connection.request("POST", "/api/speech?at=0&playing=false&client=test", sent,
                               {"x-voiceedit-token": self.token, "content-type": "audio/webm"})
            response = connection.getresponse()
            return response.status, json.loads(response.read())
        finally:
            connection.close()

    def stop(self) -> str:
        """Stop it; what it wrote to stderr."""
        self.process.terminate()
        self.process.wait(timeout=20)
        self._stderr.close()
        return self.log.read_text()


@contextlib.contextmanager
def serving(project: Path, log: Path) -> Iterator[Server]:
    server = Server(project, log)
    try:
        yield server
    finally:
        errors = server.stop()
    assert "Traceback" not in errors, errors


def kept_text(project: Path) -> str:
    """The words the saved edit keeps, lower case, without punctuation."""
    saved = load_project(project)
    words = kept_words(saved.timeline, [source.transcript for source in saved.sources])
    return " ".join(re.sub(r"[^\w']", "", word.text.lower()) for word in words)


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True, timeout=60)


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as wav:
        return wav.getnframes() / wav.getframerate()


# --- what the microphone says, in the browser --------------------------------------------


@pytest.fixture(scope="module")
def spoken(tmp_path_factory, sample_video, sample_transcript) -> Iterator[Server]:
    """The server over a project of the sample, transcribed by Whisper as a person's is."""
    folder = tmp_path_factory.mktemp("speech")
    project = folder / "interview.voiceedit"
    create_project(project, [Source(probe(sample_video), sample_transcript)])
    with serving(project, folder / "server.log") as server:
        yield server


# Every text the live region is given, in order: what a screen reader would say.
ANNOUNCED = """
window.announced = [];
document.addEventListener("DOMContentLoaded", () => {
  const region = document.getElementById("announcer");
  new MutationObserver(() => { if (region.textContent) window.announced.push(region.textContent); })
    .observe(region, { childList: true, characterData: true, subtree: true });
});
"""


@contextlib.contextmanager
def browser_hearing(server: Server, wav: Path):
    """A page of the editor whose microphone plays `wav` once each time it is opened."""
    from playwright.sync_api import sync_playwright

    assert wav_seconds(wav) < 5  # 16-bit PCM WAV, which Chromium's fake microphone reads
    args = ["--no-sandbox", "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}%noloop"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=args)
        try:
            page = browser.new_page()
            page.add_init_script(ANNOUNCED)
            page.goto(server.url)
            page.wait_for_selector("body[data-ready=true]")
            yield page
        finally:
            browser.close()


def answer_after(page, since: float, previous: str) -> tuple[str, str, float]:
    """The next answer announced (not "Listening." or "Working."), what the log says was
    heard, and the seconds from `since` (the key that sent the recording) to the answer."""
    while time.monotonic() - since < 60:
        said = page.locator("#announcer").text_content() or ""
        if said not in ("", "Listening.", "Working.", previous):
            took = time.monotonic() - since
            heard = page.locator("#log li").first.text_content() or ""
            return said, heard, took
        time.sleep(0.02)
    raise AssertionError(f"no answer; the announcer says {said!r}")


def record(page, key: str, wav: Path) -> float:
    """Record `wav` as a person would: M pressed, or T held down; "Listening." awaited, then
    the command and half a second more; M pressed again, or T let go. When it was sent."""
    button = page.locator("#microphone")
    held = key == "t"
    if held:
        page.keyboard.down(key)
    else:
        page.keyboard.press(key)
    expect(page.locator("#announcer")).to_have_text("Listening.")
    assert button.get_attribute("aria-pressed") == "true"
    time.sleep(wav_seconds(wav) + 0.5)
    if held:
        page.keyboard.up(key)
    else:
        page.keyboard.press(key)
    sent = time.monotonic()
    assert button.get_attribute("aria-pressed") == "false"
    return sent


@pytest.mark.slow
def test_where_am_i_said_with_m_is_answered_in_the_live_region(spoken):
    wav = COMMANDS / "where_am_i.wav"
    kept = kept_text(spoken.project)
    took, answers = [], [""]
    with browser_hearing(spoken, wav) as page:
        for _ in range(2):  # the first loads the model
            said, heard, seconds = answer_after(page, record(page, "m", wav), answers[-1])
            where = r"At (the start|0\.\d s) of 45\.\d s"
            assert re.match(where, said), said
            assert "Hi, I'm Sam" in said
            assert re.fullmatch(r"Heard: where am i\??", heard, re.IGNORECASE), heard
            took.append(seconds)
            answers.append(said)
        announced = page.evaluate("window.announced")
    # Short and in order: "Listening." when to speak, "Working." only while a slow one waits.
    assert [text for text in announced if text != "Working."] == [
        "Listening.", answers[1], "Listening.", answers[2]], announced
    assert kept_text(spoken.project) == kept  # a question changes nothing
    print(f"\nM pressed to send, to the answer: first {took[0]:.2f} s, then {took[1]:.2f} s;"
          f" announced {announced.count('Working.')} Working.")


@pytest.mark.slow
def test_a_quote_deleted_by_push_to_talk_is_gone_from_the_project_on_disk(spoken):
    wav = COMMANDS / "delete_quote.wav"
    assert QUOTE in kept_text(spoken.project)
    with browser_hearing(spoken, wav) as page:
        said, heard, seconds = answer_after(page, record(page, "t", wav), "")
        assert re.match(r"Deleted 2\.\d s: 'Ask not what your camera", said), said
        # tiny.en may hear "as not"; the project's words decide the cut (the recogniser's fit).
        assert re.fullmatch(r"Heard: delete,? as?k? not what your camera can do for you\.?",
                            heard, re.IGNORECASE), heard
        # The page shows the cut: the quote's words are struck through, no longer options.
        expect(page.locator("#transcript del").first).to_have_text("Ask")
    kept = kept_text(spoken.project)
    assert QUOTE not in kept
    assert "ask what you can do for your story" in kept  # the words around it stay
    print(f"\nT let go, to the answer: {seconds:.2f} s")


# --- recordings that hold no command ------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory, sample_video, sample_truth) -> Iterator[Server]:
    """The server over a project of the sample with its true word times: no Whisper needed,
    since none of these recordings gets as far as the recogniser."""
    folder = tmp_path_factory.mktemp("refused")
    media = probe(sample_video)
    words = tuple(Word(word["text"], round(word["start"] * 1000), round(word["end"] * 1000))
                  for word in sample_truth["words"])
    project = folder / "interview.voiceedit"
    create_project(project, [Source(media, Transcript(media.path, media.duration, words))])
    with serving(project, folder / "server.log") as server:
        yield server


def opus(tmp_path: Path, name: str, source: str, seconds: float) -> bytes:
    """A WebM/Opus recording, as Chromium's MediaRecorder makes, of an ffmpeg source."""
    path = tmp_path / f"{name}.webm"
    ffmpeg("-f", "lavfi", "-i", source, "-t", str(seconds), "-c:a", "libopus", str(path))
    return path.read_bytes()


@pytest.mark.parametrize("case", ["empty", "not audio", "header only", "silence", "noise",
                                  "too long", "too large", "too large, streamed"])
def test_a_recording_with_no_command_is_one_sentence_and_changes_nothing(served, tmp_path,
                                                                        case):
    body, status, message = {
        "empty": (b"", 400, "Nothing was recorded; hold T while you speak, or press M, "
                  "speak, then press M again."),
        "not audio": (random.Random(16).randbytes(40_000), 400,
                      "That recording could not be read as sound; record the command again, "
                      "or type it."),
        # A key tapped too briefly: MediaRecorder's header and a few milliseconds.
        "header only": (lambda: opus(tmp_path, "tap", "sine=frequency=440", 0.02), 400,
                        "Nothing was recorded; hold T while you speak, or press M, speak, "
                        "then press M again."),
        "silence": (lambda: opus(tmp_path, "silence", "anullsrc=r=48000:cl=mono", 3), 400,
                    "I heard only silence; check that the microphone is on, then hold T "
                    "while you speak."),
        # Loud enough, but no voice in it: the recogniser would make "Go to clip two." of it.
        "noise": (lambda: opus(tmp_path, "noise", "anoisesrc=a=0.05:c=brown", 2), 400,
                  "I heard sound but no speech; speak close to the microphone while you hold "
                  "T, or type the command."),
        "too long": (lambda: opus(tmp_path, "long", "sine=frequency=440", 35), 400,
                     "That recording is thirty-five seconds long; a command is one sentence, "
                     "so press M, say it, then press M again."),
        "too large": (b"\0" * (8 * 1024 * 1024 + 1), 413,
                      "That recording is too long for a command; press M, say one sentence, "
                      "then press M again."),
    }[case.removesuffix(", streamed")]
    if callable(body):
        body = body()
    before = served.project.read_bytes()
    reply = served.post_speech(body, streamed=case.endswith("streamed"))
    assert reply == (status, {"message": message, "applied": False})
    assert served.project.read_bytes() == before


def test_t_let_go_at_once_leaves_nothing_recording_and_says_so(served, tmp_path):
    """A tap of T, or T let go to answer the browser's microphone prompt: the microphone is
    closed whether it was still opening or had just started, and the page says what next.
    The microphone hears silence: on a loaded machine the tap may record a little of it."""
    import numpy as np
    import soundfile

    quiet = tmp_path / "quiet.wav"
    soundfile.write(quiet, np.zeros(16000 * 2, dtype=np.float32), 16000, subtype="PCM_16")
    with browser_hearing(served, quiet) as page:
        before = served.project.read_bytes()
        page.keyboard.down("t")
        page.keyboard.up("t")
        expect(page.locator("#announcer")).to_have_text(re.compile(
            r"^(The microphone is ready; hold T while you speak\.|Nothing was recorded; hold T "
            r"while you speak, or press M, speak, then press M again\.|I heard only silence; "
            r"check that the microphone is on, then hold T while you speak\.)$"),
            timeout=20_000)  # a loaded machine may take its time to close the microphone
        assert page.locator("#microphone").get_attribute("aria-pressed") == "false"
        assert not page.evaluate("voiceedit.page.recorder")
        assert served.project.read_bytes() == before
