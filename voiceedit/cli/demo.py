"""`voiceedit demo`: the main job on the bundled sample, printed line by line.

What `make demo` runs. It grows with the tool: transcribe the sample interview, then (once
the editing stages exist) open it as a project, edit it by typed and spoken commands, speak
the answers to a WAV and render the result into out/demo/.
"""

from __future__ import annotations

from pathlib import Path

import click

from voiceedit.cli import cli
from voiceedit.cli.progress import progress_reporter
from voiceedit.cli.transcribe import transcript_lines
from voiceedit.hear.transcribe import transcribe

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "interview.mp4"


@cli.command("demo")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              default=ROOT / "out" / "demo", show_default=True)
def demo_command(output: Path) -> None:
    """Run the main job on the bundled sample interview."""
    output.mkdir(parents=True, exist_ok=True)
    click.echo(f"Transcribing the sample, {SAMPLE.name}, with Whisper tiny.en.")
    with progress_reporter(f"Transcribing {SAMPLE.name}") as progress:
        transcript = transcribe(SAMPLE, progress=progress)
    for line in transcript_lines(transcript):
        click.echo(line)
