"""`voiceedit do` and `voiceedit timeline`: editing with typed commands.

`do` goes through the same Editor as the live voice session: the typed text is what the
microphone would have heard. Each answer is printed only after the project is saved, so a
printed answer means the change is on disk. Exit status: 0 applied (or a question asked),
1 a clear reason it couldn't be done (nothing changed), 2 not understood (the closest
commands are suggested, nothing changed). With no text, `do` reads one command a line from
standard input and prints one answer a line: a scriptable session.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from voiceedit.actions import describe
from voiceedit.actions.state import EditorState
from voiceedit.answer.voice_names import DEFAULT_VOICE, VOICES
from voiceedit.cli import cli
from voiceedit.cli.typed import TypedStyle, status_of, stdin_lines, typed_session
from voiceedit.cli.words import grammar_dir_option
from voiceedit.cli.written import check_written
from voiceedit.core import Answer, Editor, Speaker
from voiceedit.errors import VoiceEditError
from voiceedit.project import load_project
from voiceedit.understand.command import Command, Quote, SpokenTime
from voiceedit.understand.matcher import understand


def make_speaker(speak: bool, speak_to: Path | None, voice: str) -> Speaker | None:
    """The speaker for `do`'s answers: the sound device with --speak, a WAV file with
    --speak-to; otherwise the answers are printed only. A missing voice or sound device is
    said in one line and the answers are still printed."""
    if not speak and speak_to is None:
        return None
    from voiceedit.answer.speakers import SpeechSettings, open_speaker

    speaker = open_speaker(SpeechSettings(voice, speak_to))
    if speaker.notice:
        click.echo(speaker.notice, err=True)
    return speaker


@cli.command("do")
@click.argument("project", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("text", required=False)
@click.option("--audio", type=click.Path(dir_okay=False, path_type=Path),
              help="Recognise the spoken command in this audio file instead of TEXT.")
@click.option("--json", "as_json", is_flag=True,
              help="Print what was heard, the rule, action, arguments, confidence and answer.")
@click.option("--speak", is_flag=True, help="Speak each answer aloud as well as printing it.")
@click.option("--speak-to", type=click.Path(dir_okay=False, path_type=Path),
              help="Speak the answers into this WAV file (all of them, in order).")
@click.option("--voice", type=click.Choice(VOICES), default=DEFAULT_VOICE,
              show_default=True,
              help="The voice for --speak and --speak-to (system: the computer's own voice).")
@click.option("--force", is_flag=True, help="Replace the --speak-to file if it exists.")
@grammar_dir_option
def do_command(project: Path, text: str | None, audio: Path | None, as_json: bool,
               speak: bool, speak_to: Path | None, voice: str, force: bool) -> int:
    """Apply one command to PROJECT, e.g. "delete from ask not to country".

    Without TEXT, read one command a line from standard input."""
    editor = Editor.open(project)
    check_written(speak_to, editor, [audio] if audio else [], force)
    speaker = editor.speaker = make_speaker(speak, speak_to, voice)
    try:
        return _do(editor, text, audio, as_json)
    finally:
        if speaker is not None:
            speaker.close()  # finishes the WAV file, lets the last answer play out


def _do(editor: Editor, text: str | None, audio: Path | None, as_json: bool) -> int:
    if audio is not None:
        if text is not None:
            raise VoiceEditError("Give either a command or --audio, not both.")
        return _do_audio(editor, audio, as_json)
    if text is not None:
        answer = editor.handle(text)
        _show(text, _matched(text), answer, as_json)
        return status_of(answer)
    return typed_session(editor, stdin_lines(), click.echo, TypedStyle())


def _do_audio(editor: Editor, audio: Path, as_json: bool) -> int:
    """`do --audio`: the recogniser's command goes to the editor as it judged it (its
    confidence lowered when the readings disagree on a destructive command)."""
    from voiceedit.hear.audio import command_audio
    from voiceedit.hear.command_recognizer import CommandRecognizer, RecognizerOptions

    said = command_audio(audio)  # an unreadable file is one sentence before the model loads
    recognizer = CommandRecognizer(options=RecognizerOptions(prompt=editor.command_prompt()),
                                   fit=editor.fit, phrases=editor.phrases, places=editor.places,
                                   idle=editor.idle_actions)
    heard = recognizer.recognise(said)
    answer = editor.handle(heard)
    _show(heard.text, heard.command, answer, as_json, search=heard.search)
    return status_of(answer)


def _matched(text: str) -> Command | None:
    try:
        return understand(text)
    except VoiceEditError:
        return None


def _show(heard: str, command: Command | None, answer: Answer, as_json: bool,
          search: str | None = None) -> None:
    if as_json:
        found = heard_json(heard, command, answer)
        if search is not None:  # a spoken command: which search heard it
            found["search"] = search
        click.echo(json.dumps(found, ensure_ascii=False))
    else:
        click.echo(answer.message, err=not answer.applied)


def heard_json(heard: str, command: Command | None, answer: Answer) -> dict:
    """`do --json`: what was heard, the command it became, and what the session answered."""
    return {
        "heard": heard,
        "rule": command.rule if command else None,
        "action": command.action if command else None,
        "args": {k: _json_value(v) for k, v in command.args.items()} if command else {},
        "confidence": round(command.confidence, 3) if command else None,
        "applied": answer.applied,
        "question": answer.question,  # read back or asked which: nothing done until answered
        "answer": answer.message,
    }


def _json_value(value: object) -> object:
    if isinstance(value, SpokenTime):
        return value.ms / 1000 if value.anchor == "absolute" else value.anchor
    if isinstance(value, Quote):
        return value.text
    return value


@cli.command("timeline")
@click.argument("project", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help='Print {"duration": s, "clips": [{"source", "in", "out"}, ...], '
                   '"playhead": s} in seconds.')
def timeline_command(project: Path, as_json: bool) -> None:
    """Print PROJECT's edited timeline: each clip with its times and first words."""
    state = EditorState(load_project(project), project)
    if as_json:
        found = {**state.timeline.to_json(), "playhead": state.playhead / 1000}
        json.dump(found, sys.stdout, ensure_ascii=False)
        click.echo()
    else:
        click.echo(describe.timeline(state, full=True))
