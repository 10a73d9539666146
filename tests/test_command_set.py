"""The generated spoken-command set is the same, byte for byte, on every run
(bench/make_command_set.py), so two runs of bench/commands.py compare."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def make_set(out: Path) -> str:
    """Two rows of the table in the Piper voice and one espeak voice, clean and in noise, made
    in a fresh process (onnxruntime's and numpy's state start anew); the set's digest."""
    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
        "import make_command_set as m;"
        "clips = m.generate(Path(sys.argv[2]), ['piper', 'espeak-en-us'], rows=2);"
        "print(len(clips), {c.noise for c in clips} >= {'white', 'babble'}, m.set_digest("
        "Path(sys.argv[2])))"
    )
    run = subprocess.run([sys.executable, "-c", script, str(BENCH), str(out)],
                         capture_output=True, text=True, check=True)
    return run.stdout.strip()


@pytest.mark.slow
def test_the_command_set_is_the_same_on_every_run(tmp_path):
    first, second = make_set(tmp_path / "one"), make_set(tmp_path / "two")
    count, both_noises, digest = first.split()
    assert int(count) > 12 and both_noises == "True"
    assert second == first, "two runs made different clips"
    assert len(digest) == 64
