"""`voiceedit listen PROJECT`: edit by voice, hands-free and eyes-free.

Each utterance prints two plain lines, `heard: ...` and `answer: ...`, and the answer is
spoken. Without a microphone it says so and takes typed commands instead (one a line), or
`--input FILE...` feeds recorded commands as if spoken.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from voiceedit.actions.state import Services
from voiceedit.answer.outputs import WavFileOutput
from voiceedit.answer.playback import PLAYBACK_RATE, Player
from voiceedit.answer.speakers import SpeechSettings, open_speaker
from voiceedit.answer.voice_names import DEFAULT_VOICE, VOICES
from voiceedit.cli import cli
from voiceedit.cli.typed import TypedStyle, stdin_lines, typed_session
from voiceedit.cli.words import grammar_dir_option
from voiceedit.cli.written import check_written
from voiceedit.core import Editor
from voiceedit.errors import VoiceEditError
from voiceedit.hear.keys import KeyReader, key_bytes
from voiceedit.hear.sources import FileSource, MicrophoneSource
from voiceedit.hear.vad import UtteranceDetector, make_classifier
from voiceedit.live.loop import LiveLoop
from voiceedit.live.settings import LiveSettings, Turn
from voiceedit.understand.grammar import words


def _echo(line: str) -> None:
    click.echo(line)
    sys.stdout.flush()  # a screen reader or a pipe sees each line as it happens


@cli.command("listen")
@click.argument("project", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("more_inputs", nargs=-1, type=click.Path(path_type=Path), metavar="")
@click.option("--input", "inputs", multiple=True, type=click.Path(path_type=Path),
              metavar="FILE...",
              help="Hear these audio files, in order, instead of the microphone.")
@click.option("--realtime/--fast", default=True, show_default=True,
              help="Feed --input files at the pace they were spoken, or as fast as possible.")
@click.option("--speak-to", type=click.Path(dir_okay=False, path_type=Path),
              help="Speak the answers into this WAV file (all of them, in order).")
@click.option("--no-speech", is_flag=True, help="Print the answers only.")
@click.option("--voice", type=click.Choice(VOICES), default=DEFAULT_VOICE, show_default=True,
              help="espeak answers at once; piper sounds natural (about 0.3 s more a sentence);"
              " system is the computer's own voice, at the rate set there.")
@click.option("--earcons", is_flag=True, help="Short tones: heard, done, not understood, waiting.")
@click.option("--push-to-talk", "key", metavar="KEY",
              help="Listen only after KEY is pressed (space, enter, or a character).")
@click.option("--play-to", type=click.Path(dir_okay=False, path_type=Path),
              help="Send playback (play, play around the cut, ...) to this WAV file.")
@click.option("--model", default="tiny.en", show_default=True, help="Whisper model for commands.")
@click.option("--vad", type=click.Choice(["silero", "webrtc"]), default="silero",
              show_default=True, help="Voice activity detector.")
@click.option("--timings", is_flag=True, help="Print how long each answer took.")
@click.option("--force", is_flag=True, help="Replace the --speak-to or --play-to file.")
@click.option("--prefix", metavar="WORD",
              help="Act only on commands that begin with WORD (\"editor, undo that\"), to run "
              "beside Talon or Dragon; remembered. --prefix '' turns it off.")
@grammar_dir_option
def listen_command(project: Path, more_inputs: tuple[Path, ...], inputs: tuple[Path, ...],
                   realtime: bool, speak_to: Path | None, no_speech: bool, voice: str,
                   earcons: bool, key: str | None, play_to: Path | None, model: str, vad: str,
                   timings: bool, force: bool, prefix: str | None) -> int:
    """Edit PROJECT by voice: say a command, hear the answer. Say "go to sleep" to pause,
    "wake up" to go on, "stop listening" (or Ctrl-C) to end; everything is saved as you go."""
    if more_inputs and not inputs:
        raise VoiceEditError("Give audio files with --input, for example --input command.wav.")
    inputs = inputs + more_inputs
    if key is not None:
        key_bytes(key)  # a bad key name is an error before anything starts
    wake_word = _prefix(prefix)
    services = Services()  # the player joins once the speaker it waits for is open
    editor = Editor.open(project, services=services)
    check_written(speak_to, editor, inputs, force)
    check_written(play_to, editor, inputs, force, "playback",
                  also_written=[speak_to] if speak_to else [])
    source = FileSource(inputs, realtime=realtime) if inputs else _microphone()
    if source is None:
        return _typed_session(editor, SpeechSettings(voice, speak_to, not no_speech))
    speaker = open_speaker(SpeechSettings(voice, speak_to, not no_speech))
    if speaker.notice:
        _echo(speaker.notice)
    with contextlib.ExitStack() as opened:  # whatever fails, all that was opened is closed
        opened.callback(speaker.close)
        player = Player(WavFileOutput(play_to, PLAYBACK_RATE) if play_to else None,
                        defer=True, quiet=lambda: not speaker.is_speaking)
        opened.callback(player.close)
        services.player = player
        from voiceedit.hear.command_recognizer import (
            CommandRecognizer,
            RecognizerOptions,
        )
        from voiceedit.understand.matcher import understand
        from voiceedit.understand.prefix import understand_after

        editor.prefix = wake_word  # spoken commands only: typed ones need none
        recognizer = CommandRecognizer(
            model, RecognizerOptions(prompt=_prompt(editor)),
            grammar=understand_after(editor.prefix) if editor.prefix else understand,
            fit=editor.fit, phrases=editor.phrases, places=editor.places,
            idle=editor.idle_actions, prompt_of=lambda: _prompt(editor))
        loop = LiveLoop(
            editor, source, recognizer, speaker,
            _echo, LiveSettings(push_to_talk=key is not None, earcons=earcons), player,
            UtteranceDetector(make_classifier(vad)),
        )
        if timings:
            loop.on_turn = _print_timing
        if key is not None:
            keys = KeyReader(key, loop.keys.press).start()
            opened.callback(keys.close)  # the terminal leaves cbreak mode first
        loop.warm_up()
        _echo(f"listening: {source.description}; speech: {speaker.description}.")
        loop.say(_greeting(project, key, editor.prefix))
        try:
            loop.run()
            loop.finish()
        except KeyboardInterrupt:
            _echo("Stopped listening. Everything is saved.")
    return 0


def _greeting(project: Path, key: str | None, prefix: str) -> str:
    if key is not None:
        return f"Editing {project.stem}. Press {key}, then say a command."
    if prefix:
        return (f"Editing {project.stem}. I'm listening for commands that begin with "
                f"{prefix}. Say {prefix}, go to sleep, to pause.")
    return f"Editing {project.stem}. I'm listening. Say go to sleep to pause."


def _prompt(editor: Editor) -> str:
    """The project's prompt, the wake word first: Whisper then spells it as the person does."""
    prompt = editor.command_prompt()
    if editor.prefix:
        prompt = f"{editor.prefix.capitalize()}, {prompt[0].lower()}{prompt[1:]}"
    return prompt


def _prefix(given: str | None) -> str:
    """The wake word: the one given (and remembered for next time), else the remembered
    one; "" for none."""
    from voiceedit.user_config import read_settings, remember

    if given is None:
        remembered = read_settings().get("prefix", "")
        return remembered.strip() if isinstance(remembered, str) else ""
    if given.strip() and not words(given):
        raise VoiceEditError(f"A wake word is a word to say, like editor; '{given.strip()}' "
                             "has no letters. Nothing changed.")
    wake_word = given.strip(" \t,.;:!?")  # "editor," is editor: the answers add the comma
    remember(prefix=wake_word)
    return wake_word


def _microphone() -> MicrophoneSource | None:
    """The microphone, or None after saying why it can't be used (typed commands follow)."""
    try:
        return MicrophoneSource()
    except VoiceEditError as error:
        _echo(str(error))
        _echo("Type commands instead, one a line; an empty line or Ctrl-D ends.")
        return None


def _typed_session(editor: Editor, settings: SpeechSettings) -> int:
    """The fallback without a microphone: the same editor, typed, answers spoken."""
    speaker = open_speaker(settings)
    if speaker.notice:
        _echo(speaker.notice)
    editor.speaker = speaker
    try:
        typed_session(editor, stdin_lines(), _echo,
                      TypedStyle(conversation=True, blank_line_ends=True))
    except KeyboardInterrupt:
        _echo("Stopped listening. Everything is saved.")
    finally:
        speaker.close()
    return 0


def _print_timing(turn: Turn) -> None:
    _echo(f"timing: answer began {turn.latency_s:.2f} s after the speech ended "
          f"(recognise {turn.recognise_s:.2f}, act {turn.handle_s:.2f}, "
          f"speak {turn.speak_s:.2f}).")
