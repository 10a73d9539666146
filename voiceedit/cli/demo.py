"""`voiceedit demo`: the main job on the bundled sample, printed line by line.

What `make demo` runs, end to end, the way a user would: transcribe the sample interview,
open it as a project, edit it with typed commands (the same language a voice uses), speak
every answer into a WAV, render the edit, export it for other editors, then edit hands-free:
the sample's spoken command WAVs go through the live session in real time; then finish the
piece (speakers, chapters, loudness, a cutaway, an audio description, burned-in captions;
cli/demo_finish.py) and render and export it again. Everything it writes lands in
out/demo/; the sample itself is only read.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from voiceedit.answer.speakers import SpeechSettings, open_speaker
from voiceedit.cli import cli, main
from voiceedit.cli.demo_finish import FINISHED, finish
from voiceedit.cli.progress import progress_reporter
from voiceedit.cli.transcribe import transcript_lines
from voiceedit.core import Editor
from voiceedit.errors import VoiceEditError
from voiceedit.hear.transcribe import transcribe
from voiceedit.project import create_project, make_source

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "interview.mp4"
SPOKEN_COMMANDS = ROOT / "samples" / "commands"
DEMO_MARK = ".voiceedit-demo"  # marks a folder the demo made, and may replace

# The typed part: clean up the interview, cut a line by quoting it, change our mind.
SCRIPT = [
    "remove the filler words",
    "remove the repeated take",
    "shorten pauses longer than one second to half a second",
    "delete ask not what your camera can do for you",
    "undo that",
    "delete from ask not to your story",
    "read the timeline",
    "go to ten seconds",
    "where am I",
]
# The hands-free part: spoken commands, in this order.
SPOKEN = ["go_to.wav", "where_am_i.wav", "undo.wav", "delete_quote.wav", "read_timeline.wav"]


def step(title: str) -> None:
    click.echo("")
    click.echo(f"== {title}")


@cli.command("demo")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              default=ROOT / "out" / "demo", show_default=True)
@click.option("--fast", is_flag=True, help="Feed the spoken commands as fast as possible.")
def demo_command(output: Path, fast: bool) -> int:
    """Run the main job on the bundled sample interview."""
    earlier = (output / DEMO_MARK).exists() or (output / "interview.voiceedit").exists()
    if output.exists() and any(output.iterdir()) and not earlier:
        raise VoiceEditError(f"{output} has files in it that the demo did not make; give "
                             "--output an empty or new folder.")
    shutil.rmtree(output, ignore_errors=True)  # only an earlier demo's folder
    output.mkdir(parents=True)
    (output / DEMO_MARK).write_text("Made by voiceedit demo; it replaces this folder.\n")
    project = output / "interview.voiceedit"

    step(f"Transcribing the sample, {SAMPLE.name}, with Whisper tiny.en")
    with progress_reporter(f"Transcribing {SAMPLE.name}") as progress:
        transcript = transcribe(SAMPLE, progress=progress)
    for line in transcript_lines(transcript):
        click.echo(line)

    step(f"Editing by typed commands; answers spoken to {output.name}/answers.wav")
    create_project(project, [make_source(SAMPLE)])
    speaker = open_speaker(SpeechSettings(speak_to=output / "answers.wav"))
    editor = Editor.open(project, speaker=speaker)
    for text in SCRIPT:
        click.echo(f"you: {text}")
        click.echo(f"voiceedit: {editor.handle(text).message}")
    speaker.close()

    step("Rendering the edit")
    status = main(["render", str(project), "-o", str(output / "interview-edit.mp4")])
    step("Exporting for other editors")
    for suffix in ("edl", "fcpxml", "srt"):
        status = status or main(["export", str(project), "-o", str(output / f"interview.{suffix}")])

    step("Editing hands-free: spoken commands through the live session")
    status = status or main([
        "listen", str(project), "--speak-to", str(output / "hands-free-answers.wav"),
        "--fast" if fast else "--realtime",
        *[arg for name in SPOKEN for arg in ("--input", str(SPOKEN_COMMANDS / name))],
    ])
    status = status or finish(project, SAMPLE, output)
    step("Done")
    click.echo(f"Everything is in {output}: the project, the rendered edit, the exports, "
               f"the spoken answers, and the finished piece ({FINISHED}.mp4 and its exports).")
    click.echo(f"To go on editing in the browser: .venv/bin/voiceedit serve {project}")
    return status
