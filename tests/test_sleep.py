"""Sleep and the wake word, as beside Talon or Dragon: "go to sleep" swallows what follows,
asleep only an exact waking phrase is acted on, and with a prefix ("editor, ...") only what
begins with it is; everything else changes nothing on disk and says nothing."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from test_core import make_project

from voiceedit.cli.listen import _prefix
from voiceedit.core import ASLEEP_NOTE, Editor
from voiceedit.understand.command import Command
from voiceedit.understand.matcher import NotUnderstood, understand
from voiceedit.understand.prefix import after_prefix, understand_after
from voiceedit.user_config import read_settings


@dataclass(frozen=True)
class Heard:
    """What a recogniser hands the editor: its text and the command it judged it to be."""

    text: str
    command: Command | None
    meanings: tuple[Command, ...] = ()  # nothing else heard


class Voice:
    def __init__(self) -> None:
        self.said: list[str] = []

    def say(self, text: str) -> None:
        self.said.append(text)


@pytest.mark.parametrize(
    "said",
    ["go to sleep hey bob", "Go to sleep. Hey Bob, how are you?", "go to sleep delete clip two",
     "stop listening for now, talk to you later", "pause listening for now go to the end"],
)
def test_sleep_swallows_the_words_after_it(tmp_path: Path, said: str) -> None:
    assert understand(said).action == "go_to_sleep"
    path = make_project(tmp_path / "p.voiceedit")
    editor = Editor.open(path)
    before = editor.timeline
    answer = editor.handle(said)
    assert answer.message == "Going to sleep. Say wake up when you need me."
    assert editor.asleep
    assert editor.timeline == before  # "delete clip two" after it was not done


def test_asleep_only_an_exact_waking_phrase_is_acted_on(tmp_path: Path) -> None:
    path = make_project(tmp_path / "p.voiceedit")
    voice = Voice()
    editor = Editor.open(path, speaker=voice)
    editor.handle("go to sleep")
    before = path.read_bytes()
    # "go to sleep" again, a near "woke up" (heard as wake up with a repair), a recogniser's
    # wake_up it was unsure of, a near "stop listing": all ignored, silently.
    doubted = replace(understand("wake up"), confidence=0.75)
    for said in ("go to sleep", "woke up", "delete three four", "stop listing",
                 Heard("wake up", doubted)):
        answer = editor.handle(said)
        assert answer.ignored and answer.message == ASLEEP_NOTE, said
    assert editor.asleep and not editor.stopped
    assert path.read_bytes() == before
    assert voice.said == ["Going to sleep. Say wake up when you need me."]
    assert editor.handle("Wake up.").message == "I'm listening."
    assert editor.handle("delete three four").changed


def test_asleep_a_waking_phrase_with_other_words_was_for_someone_else(tmp_path: Path) -> None:
    """"Okay, stop listening" may be said to Dragon, "please wake up" to a person in the
    room: asleep, only the phrase alone counts (a hesitation before it is no word)."""
    path = make_project(tmp_path / "p.voiceedit")
    editor = Editor.open(path)
    editor.handle("go to sleep")
    for said in ("okay, stop listening", "please wake up", "wake up now", "ok wake up"):
        assert editor.handle(said).ignored, said
        assert editor.asleep and not editor.stopped, said
    assert editor.handle("Um, wake up.").message == "I'm listening."
    editor.handle("go to sleep")  # Whisper's own "Thank you." after it is no word said
    assert editor.handle("Wake up. Thank you.").message == "I'm listening."


def test_a_wake_word_needs_letters_and_a_bad_one_changes_nothing(tmp_path, monkeypatch):
    from voiceedit.errors import VoiceEditError

    monkeypatch.setenv("VOICEEDIT_CONFIG", str(tmp_path))  # a wake word left for no other test
    _prefix("editor")
    for bad in ("!!!", ",", "  -  "):
        with pytest.raises(VoiceEditError, match="has no letters. Nothing changed."):
            _prefix(bad)
    assert read_settings()["prefix"] == "editor"


@pytest.mark.parametrize("said", ["stop listening", "goodbye voiceedit", "end the session"])
def test_asleep_stop_listening_ends_the_session(tmp_path: Path, said: str) -> None:
    path = make_project(tmp_path / "p.voiceedit")
    editor = Editor.open(path)
    editor.handle("go to sleep")
    answer = editor.handle(said)
    assert not answer.ignored
    assert answer.message == "Stopped listening. Everything is saved."
    assert editor.stopped and not editor.asleep


@pytest.mark.parametrize(
    ("heard", "after"),
    [
        ("Editor, undo that.", "undo that."),
        ("editor undo that", "undo that"),
        ("EDITOR: delete clip two", "delete clip two"),
        ("Editor. Where am I?", "Where am I?"),
        ("Editors, undo that", "undo that"),  # a near spelling
        ("Edit or undo that", "undo that"),  # said as two words
        ("Editor.", ""),  # nothing after it
        ("undo that", None),  # for someone else
        ("hey editor undo that", None),  # not at the start
        ("edit clip two", None),  # too far from it
        ("editorial notes", None),
    ],
)
def test_the_prefix_is_found_however_whisper_writes_it(heard: str, after: str | None) -> None:
    assert after_prefix(heard, "editor") == after
    assert after_prefix(heard, "") == heard  # no prefix: everything is for us


def test_with_a_prefix_only_what_begins_with_it_is_acted_on(tmp_path: Path) -> None:
    path = make_project(tmp_path / "p.voiceedit")
    voice = Voice()
    editor = Editor.open(path, speaker=voice)
    editor.prefix = "editor"
    before = path.read_bytes()
    ignored = "not for me: it does not begin with editor."
    for said in ("delete three four", "undo that", "editor", "Editor.",
                 Heard("delete three four", understand("delete three four"))):
        answer = editor.handle(said)
        assert (answer.ignored, answer.message, answer.applied) == (True, ignored, False), said
    assert path.read_bytes() == before and voice.said == []

    answer = editor.handle("Editor, delete three four.")
    assert answer.changed and answer.message.startswith("Deleted 1.0 s: 'three four'.")
    spoken = Heard("Editors, undo that.", understand_after("editor")("Editors, undo that."))
    assert editor.handle(spoken).message.startswith("Undid")
    # Asleep, the wake phrase needs the prefix too: "wake up" alone may be for Talon; so
    # the answers say it with the prefix.
    asleep = editor.handle("editor go to sleep hey bob")
    assert asleep.action == "go_to_sleep"
    assert asleep.message == "Going to sleep. Say editor, wake up when you need me."
    assert editor.handle("wake up").ignored and editor.asleep
    assert editor.handle("editor, delete clip two").message == (
        "asleep: say editor, wake up to go on.")
    assert editor.handle("Editor, wake up.").message == "I'm listening."
    assert not editor.asleep


def test_understand_after_a_prefix_refuses_what_lacks_it() -> None:
    understand_addressed = understand_after("editor")
    command = understand_addressed("Editor, split at ten seconds.")
    assert (command.action, command.heard) == ("split", "split at ten seconds.")
    with pytest.raises(NotUnderstood, match='does not begin with "editor"'):
        understand_addressed("split at ten seconds")


def test_the_prefix_is_remembered_per_user() -> None:
    assert _prefix(None) == read_settings().get("prefix", "")
    assert _prefix(" editor ") == "editor"
    assert read_settings()["prefix"] == "editor"
    assert _prefix(None) == "editor"  # the next session
    assert _prefix("") == ""  # turned off, and remembered off
    assert _prefix(None) == ""


@pytest.mark.slow
def test_listen_with_a_prefix_acts_only_on_what_begins_with_it(
    tmp_path: Path, sample_video: Path, voiceedit_cli, monkeypatch
) -> None:
    """Spoken (the Piper voice), heard by the real tiny.en through `voiceedit listen`."""
    from spoken import write_commands

    from voiceedit.project import create_project, load_project, make_source

    monkeypatch.setenv("VOICEEDIT_CONFIG", str(tmp_path / "config"))
    project = tmp_path / "project.json"
    create_project(project, [make_source(sample_video)])
    before = load_project(project).timeline
    said = [
        "Editor, where am I?",
        "Delete from five seconds to ten seconds.",  # for someone else: ignored
        "Editor, go to sleep. Hey Bob, are you there?",
        "Editor, start listening again.",
        "Editor, stop listening.",
    ]
    first, *rest = write_commands(tmp_path, said)
    result = voiceedit_cli("listen", str(project), "--input", str(first), *map(str, rest),
                           "--fast", "--no-speech", "--prefix", "editor")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == ("answer: Editing project. I'm listening for commands that begin with "
                        "editor. Say editor, go to sleep, to pause.")
    answers = [line for line in lines[2:] if not line.startswith("heard: ")]
    assert answers[0].startswith("answer: At the start of"), lines
    assert answers[1:] == [
        "not for me: it does not begin with editor.",
        "answer: Going to sleep. Say editor, wake up when you need me.",
        "answer: I'm listening.",
        "answer: Stopped listening. Everything is saved.",
    ], lines
    assert load_project(project).timeline == before
    assert read_settings()["prefix"] == "editor"  # remembered for the next session
