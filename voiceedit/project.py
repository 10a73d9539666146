"""The project file: the single source of truth, saved atomically after every command.

A project references its sources by absolute path (never copies or changes them) and holds
what we learned about them (MediaInfo, transcripts), the edited timeline, the undo history,
and the session's place: playhead, selection, verbosity, the last answer and any question
still waiting for an answer. The last four are not undoable, but they are saved, so that
`voiceedit do` in separate processes behaves like one session.

Format: JSON (never pickle), `{"format": "voiceedit-project", "version": 1, ...}`; times are
integer milliseconds; clips are [source number, in, out]. A file that is not valid JSON, or
is of a newer version, gets one sentence and is never overwritten.

Saving is atomic: write a temporary file in the same folder, fsync it, os.replace it over
the project, fsync the folder. A process killed at any moment leaves either the old or the
new project on disk, never a mix.

Every writer holds `project_lock` around its read-modify-write, so edits from several
processes or surfaces are applied one after the other and none is lost. The lock is the
kernel's (flock) on the project file itself, so a killed process never leaves a stale lock
and no other file is written beside the project.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import json
import os
import tempfile
import time
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from voiceedit.errors import VoiceEditError
from voiceedit.media.probe import MediaInfo, probe
from voiceedit.timeline.history import ClipTable, History, history_from_json, history_to_json
from voiceedit.timeline.model import Clip, Timeline
from voiceedit.timeline.quote_match import QuoteMatch
from voiceedit.timeline.transcript import Segment, Transcript, Word
from voiceedit.understand.command import Command, Quote, SpokenTime

FORMAT = "voiceedit-project"
VERSION = 1
# Project files written before the levels came from grammars' levels list.
OLD_VERBOSITY = {"terse": "brief", "verbose": "detailed"}
STALE_TEMPORARY_S = 600  # a temporary project file this old was left by a killed process


@dataclass(frozen=True)
class Source:
    media: MediaInfo
    transcript: Transcript

    @property
    def path(self) -> str:
        return self.media.path


@dataclass(frozen=True)
class Pending:
    """A question the session asked and is waiting on.

    "confirm": run `command` on yes. "choice": run `command` with `slot` set to the chosen
    one of `choices` (quote matches on the current timeline; any edit clears the question).
    """

    kind: str  # "confirm" | "choice"
    command: Command
    slot: str = ""
    choices: tuple[QuoteMatch, ...] = ()


@dataclass(frozen=True)
class Project:
    sources: tuple[Source, ...]
    timeline: Timeline
    history: History = field(default_factory=History)
    playhead: int = 0  # ms
    selection: tuple[int, int] | None = None  # [start, end) ms
    verbosity: str = "normal"
    last_answer: str = ""
    last_action: str = ""  # for "asked twice -> full detail"
    pending: Pending | None = None

    @classmethod
    def start(cls, sources: tuple[Source, ...]) -> Project:
        """A new project: the timeline is each source whole, in the order given."""
        clips = tuple(Clip(s.path, 0, s.media.duration) for s in sources)
        return cls(sources=sources, timeline=Timeline(clips))

    def source(self, path: str) -> Source | None:
        return next((s for s in self.sources if s.path == path), None)

    def with_source(self, source: Source) -> Project:
        if self.source(source.path) is not None:
            return self
        return replace(self, sources=self.sources + (source,))


def verbosity_levels() -> tuple[str, ...]:
    """How much answers say, least first: the values of the grammar's levels list."""
    from voiceedit.understand.grammar import load_grammar

    values = [entry.value for entry in load_grammar().word_list("levels").entries]
    return tuple(dict.fromkeys(values))


def make_source(path: str | Path, model: str = "tiny.en",
                progress: Callable[[float], None] | None = None) -> Source:
    """Probe and transcribe one media file (the transcription is cached by content)."""
    media = probe(path)
    if not media.has_audio:
        return Source(media, Transcript(media.path, media.duration, ()))
    from voiceedit.hear.transcribe import transcribe  # heavy: loads Whisper only when needed

    return Source(media, transcribe(media.path, model=model, progress=progress))


def check_new_path(path: str | Path) -> Path:
    """Where a new project may go: not over an existing file, in a folder that exists."""
    file = Path(path)
    if file.exists():
        raise VoiceEditError(f"{file.name} already exists; choose another project name.")
    if not file.parent.is_dir():
        raise VoiceEditError(f"There is no folder {file.parent} to put {file.name} in.")
    return file


def create_project(path: str | Path, sources: list[Source]) -> Project:
    """Save a new project over `sources` (each whole, in order, each once)."""
    file = check_new_path(path)
    if not sources:
        raise VoiceEditError("Name at least one media file for the project.")
    unique = {source.path: source for source in sources}
    project = Project.start(tuple(unique.values()))
    save_project(file, project)
    return project


# --- reading and writing ---------------------------------------------------------------


Stamp = tuple[int, int, int]  # (inode, modified ns, size): which version of the file


def stamp_of(path: str | Path) -> Stamp | None:
    """Which version of the project file is on disk (a save replaces the inode)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


@contextlib.contextmanager
def project_lock(path: str | Path) -> Iterator[None]:
    """Hold the project for one read-modify-write. A save replaces the file, so after
    waiting for the lock we check that it is still the file at `path`, and try again on the
    new one if not. A missing project is not locked (loading it says so)."""
    file = Path(path)
    while True:
        try:
            handle = os.open(file, os.O_RDONLY)
        except OSError:
            yield
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            held = os.fstat(handle)
            current = stamp_of(file)
            if current is not None and current[0] == held.st_ino:
                yield
                return
        finally:
            os.close(handle)  # closing releases the lock


def load_project(path: str | Path) -> Project:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise VoiceEditError(
            f"There is no project called {file.name}. Make one with voiceedit new."
        ) from None
    except IsADirectoryError:
        raise VoiceEditError(f"{file.name} is a folder, not a project file.") from None
    except UnicodeDecodeError:
        raise _damaged(file) from None
    except OSError as error:
        raise VoiceEditError(f"I can't read the project {file.name}: "
                             f"{(error.strerror or 'an error').lower()}.") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise _damaged(file) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _damaged(file)
    version = data.get("version")
    if isinstance(version, int) and version > VERSION:
        raise VoiceEditError(
            f"{file.name} was saved by a newer voiceedit (project format {version}); this one "
            f"reads up to format {VERSION}. I left it as it is."
        )
    try:
        return project_from_json(data)
    except (KeyError, TypeError, ValueError, IndexError):
        raise _damaged(file) from None


def _damaged(file: Path) -> VoiceEditError:
    return VoiceEditError(
        f"The project file {file.name} is damaged and can't be opened; I left it as it is."
    )


def save_project(path: str | Path, project: Project) -> None:
    """Write atomically, or raise a sentence and leave the old file exactly as it was."""
    file = Path(path)
    folder = file.parent.resolve()
    payload = encode_project(project)
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{file.name}.", suffix=".tmp")
    except OSError as error:
        raise _cannot_save(file, folder, error) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, file)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise _cannot_save(file, folder, error) from None
    _fsync_folder(folder)
    _remove_stale_temporaries(file)


def _remove_stale_temporaries(file: Path) -> None:
    """Temporary files left by a process killed while saving. Only old ones: a fresh one
    may belong to another process saving right now."""
    now = time.time()
    for leftover in file.parent.glob(f".{glob.escape(file.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime > STALE_TEMPORARY_S:
                leftover.unlink()


def _cannot_save(file: Path, folder: Path, error: OSError) -> VoiceEditError:
    reason = (error.strerror or "an error").lower()
    return VoiceEditError(
        f"I can't save {file.name} in the folder {folder.name}: {reason}. Nothing was changed."
    )


def _fsync_folder(folder: Path) -> None:
    # The rename is only durable once the folder entry is on disk.
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# --- JSON ------------------------------------------------------------------------------


def project_to_json(project: Project) -> dict:
    return {**_state_to_json(project), "sources": _sources_to_json(project.sources)}


def encode_project(project: Project) -> str:
    """The project file's text. The sources (with their transcripts, megabytes for a long
    interview) never change once made, so their text is kept from the last save and only
    the rest is encoded again: a save after an edit costs the edit, not the footage."""
    state = _dumps(_state_to_json(project))
    return state[:-1] + ',"sources":' + _sources_text(project.sources) + "}"


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


_last_sources: tuple[tuple[Source, ...], str] | None = None  # the sources last encoded


def _sources_text(sources: tuple[Source, ...]) -> str:
    global _last_sources
    if _last_sources is None or _last_sources[0] is not sources:
        _last_sources = (sources, _dumps(_sources_to_json(sources)))
    return _last_sources[1]


def _sources_to_json(sources: tuple[Source, ...]) -> list[dict]:
    return [{"media": s.media.to_json(), "transcript": transcript_to_json(s.transcript)}
            for s in sources]


def _state_to_json(project: Project) -> dict:
    table = ClipTable(tuple(s.path for s in project.sources))
    return {
        "format": FORMAT,
        "version": VERSION,
        "timeline": table.encode(project.timeline.clips),
        "history": history_to_json(project.history, table),
        "playhead": project.playhead,
        "selection": list(project.selection) if project.selection else None,
        "verbosity": project.verbosity,
        "last_answer": project.last_answer,
        "last_action": project.last_action,
        "pending": pending_to_json(project.pending),
    }


def project_from_json(data: dict) -> Project:
    sources = tuple(
        Source(MediaInfo.from_json(s["media"]), transcript_from_json(s["transcript"]))
        for s in data["sources"]
    )
    table = ClipTable(tuple(s.path for s in sources))
    selection = data.get("selection")
    verbosity = data.get("verbosity", "normal")
    verbosity = OLD_VERBOSITY.get(verbosity, verbosity)
    if verbosity not in verbosity_levels():
        raise ValueError(f"unknown verbosity {verbosity}")
    return Project(
        sources=sources,
        timeline=Timeline(table.decode(data["timeline"])),
        history=history_from_json(data["history"], table),
        playhead=int(data.get("playhead", 0)),
        selection=(int(selection[0]), int(selection[1])) if selection else None,
        verbosity=verbosity,
        last_answer=data.get("last_answer", ""),
        last_action=data.get("last_action", ""),
        pending=pending_from_json(data.get("pending")),
    )


def transcript_to_json(transcript: Transcript) -> dict:
    """Compact: a word is [text, start ms, end ms, probability]; 100,000 words is ~3 MB."""
    return {
        "media": transcript.media,
        "duration": transcript.duration,
        "model": transcript.model,
        "engine": transcript.engine,
        "language": transcript.language,
        "words": [[w.text, w.start, w.end, round(w.probability, 3)] for w in transcript.words],
        "segments": [[s.text, s.start, s.end] for s in transcript.segments],
    }


def transcript_from_json(data: dict) -> Transcript:
    words = tuple(Word(text, start, end, probability)
                  for text, start, end, probability in data["words"])
    starts = [w.start for w in words]
    segments = tuple(
        Segment(text, start, end, words[bisect_left(starts, start) : bisect_left(starts, end)])
        for text, start, end in data["segments"]
    )
    return Transcript(
        media=data["media"], duration=data["duration"], words=words, segments=segments,
        model=data.get("model", ""), engine=data.get("engine", ""),
        language=data.get("language", "en"),
    )


def value_to_json(value: object) -> object:
    """A command argument as JSON; the type is tagged so it reads back as the same object."""
    if isinstance(value, SpokenTime):
        return {"time": value.ms, "anchor": value.anchor}
    if isinstance(value, Quote):
        return {"quote": value.text}
    if isinstance(value, QuoteMatch):
        return {"match": value.to_json()}
    return value


def value_from_json(data: object) -> object:
    if isinstance(data, dict):
        if "time" in data:
            return SpokenTime(data["time"], data["anchor"])
        if "quote" in data:
            return Quote(data["quote"])
        if "match" in data:
            return QuoteMatch.from_json(data["match"])
        raise ValueError("unknown argument type")
    return data


def command_to_json(command: Command) -> dict:
    return {
        "action": command.action,
        "args": {name: value_to_json(value) for name, value in command.args.items()},
        "confidence": command.confidence,
        "heard": command.heard,
        "rule": command.rule,
        "destructive": command.destructive,
        "meant": command.meant,
    }


def command_from_json(data: dict) -> Command:
    return Command(
        action=data["action"],
        args={name: value_from_json(value) for name, value in data["args"].items()},
        confidence=data.get("confidence", 1.0),
        heard=data.get("heard", ""),
        rule=data.get("rule", ""),
        destructive=data.get("destructive", False),
        meant=data.get("meant", ""),
    )


def pending_to_json(pending: Pending | None) -> dict | None:
    if pending is None:
        return None
    return {
        "kind": pending.kind,
        "command": command_to_json(pending.command),
        "slot": pending.slot,
        "choices": [c.to_json() for c in pending.choices],
    }


def pending_from_json(data: dict | None) -> Pending | None:
    if data is None:
        return None
    return Pending(
        kind=data["kind"],
        command=command_from_json(data["command"]),
        slot=data.get("slot", ""),
        choices=tuple(QuoteMatch.from_json(c) for c in data.get("choices", [])),
    )
