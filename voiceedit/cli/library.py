"""`voiceedit library add | search | status`: the footage library (voiceedit/library/)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from voiceedit.cli import cli
from voiceedit.cli.progress import PlainProgress, plain_wanted
from voiceedit.errors import VoiceEditError
from voiceedit.hear.openai_engine import DEVICES
from voiceedit.hear.transcribe import ENGINES
from voiceedit.spoken_time import print_count, print_time

LIBRARY_HELP = "The library file (default: $VOICEEDIT_LIBRARY, the library setting, or " \
               "library.sqlite in voiceedit's data folder)."


@cli.group("library")
def library_group() -> None:
    """A footage library: many files transcribed once, searched all at once."""


def open_library(path: Path | None, create: bool = True):
    from voiceedit.library.store import Library, default_library

    why = "as named"
    if path is None:
        path, why = default_library()
    return Library(path, create=create), why


@library_group.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--library", "library_path", type=click.Path(path_type=Path), help=LIBRARY_HELP)
@click.option("--scheduler", help="A Dask scheduler to use (tcp://host:8786) instead of the "
                                  "workers started here; its workers must see the same paths.")
@click.option("--workers", type=click.IntRange(1, 256),
              help="Worker processes started here, one thread each (default: one a core).")
@click.option("--model", default="tiny.en", show_default=True)
@click.option("--engine", type=click.Choice(ENGINES), default="faster-whisper",
              show_default=True)
@click.option("--language", default="en", show_default=True)
@click.option("--device", type=click.Choice(DEVICES), default="auto",
              show_default=True, help="openai-whisper only: cuda decodes many files' speech "
                                      "in one batch; auto takes cuda when PyTorch sees a GPU "
                                      "(faster-whisper runs on the CPU).")
@click.option("--batch", type=click.IntRange(1, 1024),
              help="Files decoded together in one batch (openai-whisper; default 32 on "
                   "cuda, else 1).")
def add_command(paths: tuple[Path, ...], library_path: Path | None, scheduler: str | None,
                workers: int | None, model: str, engine: str, language: str, device: str,
                batch: int | None) -> None:
    """Transcribe every audio and video file in PATHS into the library."""
    from voiceedit.hear.openai_engine import pick_device
    from voiceedit.library.jobs import GPU_BATCH_FILES, Options, add_files, media_files

    if engine != "openai-whisper" and device == "cuda":
        raise VoiceEditError("The GPU path needs --engine openai-whisper.")
    picked = pick_device(device) if engine == "openai-whisper" else "cpu"
    files = media_files(paths)
    library, why = open_library(library_path)
    with library:
        click.echo(f"Library: {library.path} ({why}).", err=True)
        options = Options(model=model, engine=engine, language=language, device=picked,
                          batch=batch or (GPU_BATCH_FILES if picked == "cuda" else 1))
        result = add_files(library, files, options, make_reporter(), scheduler, workers)
    lines = []
    if result.added:
        lines.append(f"Added {print_count(result.added, 'file')}, "
                     f"{print_time(result.duration)} of footage, "
                     f"{print_count(result.words, 'word')}.")
    if result.already:
        lines.append(f"{print_count(result.already, 'file')} already in the library.")
    if result.failed:
        lines.append(f"{print_count(len(result.failed), 'file')} failed: "
                     + ", ".join(p.name for p, _ in result.failed) + ".")
    if not files:
        lines.append("No audio or video files there.")
    click.echo("\n".join(lines) if lines else "Nothing to add.")
    if result.failed and not result.added and not result.already:
        raise SystemExit(1)


def make_reporter():
    return PlainReporter() if plain_wanted() else BarReporter()


class PlainReporter:
    """Plain lines on stderr: each file's percent (PlainProgress's pace) and the overall."""

    def __init__(self) -> None:
        self.bars: dict[Path, PlainProgress] = {}

    def planned(self, todo: list[Path], done: int, workers: int) -> None:
        on = f", on {print_count(workers, 'worker')}" if workers else ", on the cluster"
        already = f", {print_count(done, 'file')} already done" if done else ""
        click.echo(f"{print_count(len(todo), 'file')} to transcribe{already}"
                   f"{on if todo else ''}.", err=True)

    def progress(self, path: Path, fraction: float) -> None:
        if path not in self.bars:
            click.echo(f"Transcribing {path.name}.", err=True)
            self.bars[path] = PlainProgress(f"Transcribing {path.name}",
                                            lambda line: click.echo(line, err=True))
        self.bars[path](fraction)

    def finished(self, path: Path, words: int, count: int, total: int) -> None:
        click.echo(f"{path.name}: {print_count(words, 'word')}. {count} of {total} files "
                   "done.", err=True)

    def failed(self, path: Path, message: str, count: int, total: int) -> None:
        click.echo(message, err=True)
        click.echo(f"{count} of {total} files done.", err=True)


class BarReporter(PlainReporter):
    """On a sighted person's terminal: the same lines, the percentages as rich bars."""

    def __init__(self) -> None:
        super().__init__()
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(),
                            TaskProgressColumn(), transient=True)
        self.tasks: dict[Path, int] = {}
        self.bar.start()

    def progress(self, path: Path, fraction: float) -> None:
        if path not in self.tasks:
            self.tasks[path] = self.bar.add_task(path.name, total=1.0)
        self.bar.update(self.tasks[path], completed=fraction)

    def finished(self, path: Path, words: int, count: int, total: int) -> None:
        if path in self.tasks:
            self.bar.remove_task(self.tasks.pop(path))
        if count == total:
            self.bar.stop()
        super().finished(path, words, count, total)


@library_group.command("search")
@click.argument("words", nargs=-1, required=True)
@click.option("--library", "library_path", type=click.Path(path_type=Path), help=LIBRARY_HELP)
@click.option("--json", "as_json", is_flag=True,
              help='Print {"hits": [{"file", "start", "end", "text"}]}, best first.')
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
def search_command(words: tuple[str, ...], library_path: Path | None, as_json: bool,
                   limit: int) -> None:
    """Where WORDS were said in any file of the library, misheard words too."""
    from voiceedit.library.search import search

    library, _why = open_library(library_path, create=False)
    with library:
        hits = search(library, " ".join(words), limit=limit)
    if as_json:
        click.echo(json.dumps({"hits": [hit.to_json() for hit in hits]}, ensure_ascii=False))
        return
    if not hits:
        click.echo(f"Nothing in the library says {' '.join(words)}.")
        return
    for hit in hits:
        click.echo(f"{Path(hit.file).name} at {print_time(hit.start)} to "
                   f"{print_time(hit.end)}: {hit.text}")


@library_group.command("status")
@click.option("--library", "library_path", type=click.Path(path_type=Path), help=LIBRARY_HELP)
def status_command(library_path: Path | None) -> None:
    """How much the library holds, and which files failed."""
    library, why = open_library(library_path, create=False)
    with library:
        counts = library.counts()
    click.echo(f"The library {library.path} ({why}) holds {print_count(counts.files, 'file')}, "
               f"{print_time(counts.duration)} of footage, {print_count(counts.words, 'word')}.")
    if counts.failures:
        click.echo(f"{print_count(len(counts.failures), 'file')} failed:")
        for _path, message in counts.failures:
            click.echo(f"  {message}")
