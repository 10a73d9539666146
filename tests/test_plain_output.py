"""Plain output for screen readers and braille displays: with --plain, NO_COLOR, TERM=dumb
or no terminal, progress is a few plain lines and nothing is drawn; a colour terminal still
gets its bar. The CLI runs in a real pseudo-terminal, as a person's shell would run it."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from voiceedit.cli.progress import PlainProgress, plain_wanted

ROOT = Path(__file__).resolve().parents[1]
INTERVIEW = ROOT / "samples" / "interview.mp4"


def in_a_terminal(*args: str, **env: str) -> tuple[int, str]:
    """`voiceedit ARGS` with stdin, stdout and stderr on a pty; its exit status and all it
    wrote, escape sequences included."""
    leader, follower = pty.openpty()
    environment = {**os.environ, "TERM": "xterm-256color", **env}
    environment.pop("NO_COLOR", None)
    environment.update(env)
    process = subprocess.Popen([sys.executable, "-m", "voiceedit", *args], stdin=follower,
                               stdout=follower, stderr=follower, env=environment, cwd=ROOT)
    os.close(follower)
    written = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        written += chunk
    os.close(leader)
    return process.wait(timeout=300), written.decode("utf-8", "replace")


PROGRESS_LINE = re.compile(r"^Transcribing interview\.mp4: (\d+) percent\.$")


@pytest.mark.slow
@pytest.mark.parametrize(("flags", "env"), [
    (("--plain",), {}),
    ((), {"NO_COLOR": "1"}),
    ((), {"TERM": "dumb"}),
], ids=["--plain", "NO_COLOR", "TERM=dumb"])
def test_plain_output_in_a_terminal_has_no_escape_sequence(flags, env):
    status, written = in_a_terminal("transcribe", str(INTERVIEW), "--no-cache", *flags, **env)
    assert status == 0, written
    assert "\x1b" not in written and "\r" not in written.replace("\r\n", "\n")
    lines = written.replace("\r\n", "\n").splitlines()
    percents = [int(m[1]) for m in map(PROGRESS_LINE.match, lines) if m]
    assert percents and percents[-1] == 100
    assert percents == sorted(set(percents)) and all(p % 10 == 0 for p in percents)
    assert any("a story worth telling" in line for line in lines)  # the transcript follows


@pytest.mark.slow
def test_a_colour_terminal_still_gets_its_bar():
    """The check above can see escapes: without the switches the rich bar draws them."""
    status, written = in_a_terminal("transcribe", str(INTERVIEW), "--no-cache")
    assert status == 0, written
    assert "\x1b[" in written
    assert not PROGRESS_LINE.search(written)


def test_the_global_switch_comes_before_the_command(tmp_path):
    status, written = in_a_terminal("--plain", "transcribe", str(tmp_path / "none.wav"))
    assert status == 1 and "\x1b" not in written
    assert "none.wav" in written


@pytest.mark.parametrize("command", [
    ["shots", "none.voiceedit"], ["timeline", "none.voiceedit"], ["chapters", "none.voiceedit"],
    ["export", "none.voiceedit", "-o", "x.edl"], ["help", "playback"], ["models"],
    ["library", "status"], ["serve", "none.voiceedit"],
])
def test_every_command_takes_the_switch_after_it_too(command, monkeypatch):
    """A person who needs it should not have to learn where it may be written."""
    from voiceedit.cli import main, progress

    monkeypatch.setattr(progress, "_asked_plain", False)  # this process's switch, put back
    status = main([*command, "--plain"])
    assert progress._asked_plain
    assert status in (0, 1)  # done, or its own one sentence (no project): not a usage error


def test_plain_when_asked_or_when_the_terminal_cannot_take_more(monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert not plain_wanted()
    monkeypatch.setenv("NO_COLOR", "")  # no-color.org: an empty value does not count
    assert not plain_wanted()
    monkeypatch.setenv("NO_COLOR", "1")
    assert plain_wanted()
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert plain_wanted()
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert plain_wanted()


def test_plain_progress_says_at_most_every_ten_percent_and_five_seconds():
    now = [0.0]
    said: list[str] = []
    report = PlainProgress("Transcribing a.wav", said.append, clock=lambda: now[0])
    for fraction, at in [(0.05, 0.1), (0.12, 0.2), (0.35, 1.0), (0.41, 5.3), (0.45, 6.0),
                         (0.58, 9.0), (0.61, 12.0), (0.99, 13.0), (1.0, 13.5), (1.0, 20.0)]:
        now[0] = at
        report(fraction)
    assert said == [
        "Transcribing a.wav: 10 percent.",  # the first step is said at once
        "Transcribing a.wav: 40 percent.",  # 30 was too soon after 10
        "Transcribing a.wav: 60 percent.",  # 50 was too soon after 40
        "Transcribing a.wav: 100 percent.",  # the end is said at once, and once
    ]
