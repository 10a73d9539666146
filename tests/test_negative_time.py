"""A time below zero gets one plain sentence, not a search for "minus five" in the transcript
and not a jump to five seconds."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_voiceedit
from test_core import make_project

from voiceedit.core import Editor
from voiceedit.understand.matcher import NotUnderstood, understand


@pytest.mark.parametrize("said", ["go to minus five", "Go to -5.", "go to minus five seconds",
                                  "jump to negative one minute thirty",
                                  "delete from minus two seconds to four seconds"])
def test_a_negative_time_is_one_sentence(tmp_path: Path, said: str) -> None:
    with pytest.raises(NotUnderstood, match=r"^Times can't be negative\.$"):
        understand(said)
    path = make_project(tmp_path / "p.voiceedit")
    before = path.read_bytes()
    editor = Editor.open(path)
    answer = editor.handle(said)
    assert answer.message == "Times can't be negative." and not answer.applied
    assert path.read_bytes() == before  # the playhead is saved with it: not moved


def test_minus_in_the_transcript_words_is_still_a_quote() -> None:
    command = understand("delete minus five degrees")
    assert command.action == "delete_quote" and command.args["quote"].text == "minus five degrees"
    assert understand("go to five").args["time"].ms == 5000


def test_the_cli_says_it_in_one_line_and_fails(tmp_path: Path) -> None:
    path = make_project(tmp_path / "p.voiceedit")
    before = path.read_bytes()
    result = run_voiceedit("do", str(path), "go to minus five")
    assert result.returncode != 0  # not understood: 2, as any command it can't make out
    assert result.stderr.strip() == "Times can't be negative." and result.stdout == ""
    assert path.read_bytes() == before
