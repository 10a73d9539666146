"""`library add`: files transcribed on Dask distributed, stored by the client.

An embedded LocalCluster of worker processes by default (one single-thread worker a core), or
any cluster started with `dask scheduler` / `dask worker` (`--scheduler tcp://host:8786`; the
workers must read the files at the same paths). Each worker loads the model once, when it
joins (ModelPlugin), and keeps it: a task is one file (or, on the batched GPU path, a group
of files decoded together). A task returns the transcript; only the client writes the
library, one file a transaction, so a worker that dies loses only its file in flight, which
the scheduler gives to another worker, and stopping and running `add` again does only what
is left (files are keyed by content hash, store.py).
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from distributed import WorkerPlugin

from voiceedit.errors import VoiceEditError, reason
from voiceedit.library.store import Library
from voiceedit.timeline.transcript import Transcript

MEDIA_SUFFIXES = frozenset({".mp4", ".mov", ".mkv", ".webm", ".avi", ".m4v", ".mpg", ".mts",
                            ".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg", ".opus"})
PROGRESS_TOPIC = "voiceedit-library-progress"
GPU_BATCH_FILES = 32  # files whose speech windows are decoded in one batch on a GPU


@dataclass(frozen=True)
class Options:
    model: str = "tiny.en"
    engine: str = "faster-whisper"
    language: str = "en"
    device: str = "cpu"  # already picked: "cpu" or "cuda"
    batch: int = 1  # files a task decodes together (openai-whisper only)
    use_cache: bool = True  # the transcript cache `voiceedit transcribe` shares


class Reporter(Protocol):
    """What the CLI hears while a job runs (progress lines or bars)."""

    def planned(self, todo: list[Path], done: int, workers: int) -> None: ...
    def progress(self, path: Path, fraction: float) -> None: ...
    def finished(self, path: Path, words: int, count: int, total: int) -> None: ...
    def failed(self, path: Path, message: str, count: int, total: int) -> None: ...


@dataclass(frozen=True)
class Result:
    added: int
    already: int
    failed: list[tuple[Path, str]]
    words: int
    duration: int  # ms of footage added


def media_files(paths: Iterable[Path]) -> list[Path]:
    """Every audio or video file named or under the folders named, absolute, sorted; a file
    named explicitly is taken whatever its suffix (a corrupt one is then reported by name)."""
    found: dict[Path, None] = {}
    for path in paths:
        path = path.expanduser().absolute()
        if path.is_dir():
            found.update(dict.fromkeys(sorted(
                p for p in path.rglob("*") if p.suffix.lower() in MEDIA_SUFFIXES
                and p.is_file())))
        elif path.exists():
            found[path] = None
        else:
            raise VoiceEditError(f"There is no file or folder called {path.name}.")
    return list(found)


# --- on the workers ----------------------------------------------------------------------


class ModelPlugin(WorkerPlugin):
    """Loads the model once when a worker starts, sized to the worker's own threads."""

    name = "voiceedit-model"

    def __init__(self, options: Options) -> None:
        self.options = options

    def setup(self, worker) -> None:
        from voiceedit.hear.transcribe import CPU_THREADS_ENV

        threads = str(max(1, worker.state.nthreads))
        os.environ[CPU_THREADS_ENV] = threads
        os.environ["OMP_NUM_THREADS"] = threads
        with contextlib.suppress(VoiceEditError):  # a missing model is said by the task
            warm_model(self.options, int(threads))


def warm_model(options: Options, threads: int) -> None:
    from voiceedit.hear.models import resolve_model

    info = resolve_model(options.model)
    if options.engine == "openai-whisper":
        import torch

        from voiceedit.hear.openai_engine import load_openai_whisper

        torch.set_num_threads(threads)
        load_openai_whisper(info, options.device)
    else:
        from voiceedit.hear.transcribe import load_faster_whisper

        load_faster_whisper(str(info.path))


def transcribe_files(paths: list[str], options: Options,
                     digests: list[str] | None = None) -> list[dict]:
    """A worker's task: each file's transcript as JSON, or {"error": one sentence}. `digests`
    are the files' content hashes, which the client has already read."""
    if options.batch > 1 and options.engine == "openai-whisper":
        from voiceedit.hear.batched import transcribe_batched

        done = transcribe_batched(paths, options.model, options.language, options.device)
        return [{"error": str(r)} if isinstance(r, VoiceEditError) else {"transcript":
                r.to_json()} for r in done]
    return [_transcribe_one(path, options, digest)
            for path, digest in zip(paths, digests or [None] * len(paths), strict=True)]


def _transcribe_one(path: str, options: Options, digest: str | None = None) -> dict:
    from voiceedit.hear.transcribe import transcribe

    def tell(fraction: float) -> None:
        with contextlib.suppress(Exception):  # progress is a courtesy, never a failure
            from distributed import get_worker

            get_worker().log_event(PROGRESS_TOPIC, {"path": path, "fraction": fraction})

    tell(0.0)  # the client says the file is under way
    try:
        transcript = transcribe(path, model=options.model, engine=options.engine,
                                language=options.language, progress=tell,
                                use_cache=options.use_cache, device=options.device,
                                digest=digest)
    except VoiceEditError as error:
        return {"error": str(error)}
    except Exception as error:  # a library's own error on a damaged file: one sentence
        return {"error": f"I can't transcribe {Path(path).name}: {reason(error)}."}
    return {"transcript": transcript.to_json()}


# --- on the client -----------------------------------------------------------------------


def add_files(library: Library, paths: list[Path], options: Options, reporter: Reporter,
              scheduler: str | None = None, workers: int | None = None) -> Result:
    """Transcribe what the library lacks among `paths` and store each as it comes back."""
    todo, already, failed = _plan(library, paths)
    for path, message in failed:
        library.failed(path, message)
    count_workers = workers or os.cpu_count() or 1
    reporter.planned([p for p, _ in todo], already, count_workers if not scheduler else 0)
    total = len(todo) + len(failed)
    count = 0
    for path, message in failed:
        count += 1
        reporter.failed(path, message, count, total)
    added = words = duration = 0
    if todo:
        with _client(scheduler, count_workers, options) as client:
            done = _run(client, library, todo, options, reporter, count, total)
        added, words, duration, more_failed = done
        failed += more_failed
    return Result(added, already, failed, words, duration)


def _plan(library: Library, paths: list[Path]) -> tuple[list[tuple[Path, str]], int,
                                                        list[tuple[Path, str]]]:
    """(files to do with their hashes, how many are done already, files unreadable)."""
    todo: list[tuple[Path, str]] = []
    seen: set[str] = set()
    already = 0
    failed: list[tuple[Path, str]] = []
    for path in paths:
        try:
            digest = library.hash_of(path)
        except OSError as error:
            failed.append((path, f"I can't read {path.name}: {reason(error)}."))
            continue
        if library.has(digest):
            library.seen_at(digest, path)
            already += 1
        elif digest in seen:
            already += 1  # a copy of a file in this same run
        else:
            seen.add(digest)
            todo.append((path, digest))
    return todo, already, failed


@contextlib.contextmanager
def _client(scheduler: str | None, workers: int, options: Options):
    from distributed import Client, LocalCluster

    for name in ("distributed", "tornado", "bokeh"):
        logging.getLogger(name).setLevel(logging.ERROR)
    # The scheduler's HTTP routes (health, metrics) ask for port 8787 even with the dashboard
    # off, and warn when another program has it; any free port does.
    warnings.filterwarnings("ignore", message="Port .* is already in use")
    try:
        if scheduler:
            cluster = contextlib.nullcontext()
            client = Client(scheduler, timeout="20s")
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
    except OSError as error:
        raise VoiceEditError(f"I can't reach the Dask scheduler {scheduler}: "
                             f"{reason(error)}.") from None
    with cluster, client:
        client.register_plugin(ModelPlugin(options), name=ModelPlugin.name)
        yield client


def _run(client, library: Library, todo: list[tuple[Path, str]], options: Options,
         reporter: Reporter, count: int, total: int) -> tuple[int, int, int,
                                                                list[tuple[Path, str]]]:
    from distributed import as_completed

    client.subscribe_topic(PROGRESS_TOPIC, lambda event: _told(reporter, event))
    size = max(1, options.batch)
    groups = [todo[i:i + size] for i in range(0, len(todo), size)]
    futures = {client.submit(transcribe_files, [str(p) for p, _ in group], options,
                             [digest for _, digest in group],
                             key=f"voiceedit-{group[0][1]}-{len(group)}", pure=False): group
               for group in groups}
    added = words = duration = 0
    failed: list[tuple[Path, str]] = []
    for future, results in as_completed(futures, with_results=True):
        for (path, digest), result in zip(futures[future], results, strict=True):
            count += 1
            if "error" in result:
                library.failed(path, result["error"])
                failed.append((path, result["error"]))
                reporter.failed(path, result["error"], count, total)
                continue
            transcript = Transcript.from_json(result["transcript"])
            stored = library.store(digest, path, transcript)
            added += 1
            words += stored
            duration += transcript.duration
            reporter.finished(path, stored, count, total)
    return added, words, duration, failed


def _told(reporter: Reporter, event: tuple) -> None:
    """A worker's progress event ((time, {"path", "fraction"})) to the reporter."""
    with contextlib.suppress(Exception):
        data = event[1]
        if data["fraction"] < 1.0:
            reporter.progress(Path(data["path"]), float(data["fraction"]))
