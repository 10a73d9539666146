"""The footage library on disk: one SQLite file in WAL mode, keyed by content hash.

Tables:
- files: one row a distinct content (blake2b of the whole file, as the transcript cache keys
  it, voiceedit/media/fingerprint.py), with the path it was last seen at;
- paths: every path seen, with its size and mtime, so a second `add` does not hash hours of
  footage again, and a renamed or copied file maps to the content already done;
- words: every word with its own times (ms) and its normalised form;
- sentences + sentence_text (FTS5): one row a sentence, its normalised words indexed, so a
  search reads candidates from the full-text index instead of scanning every word;
- terms: the distinct normalised words and their counts (what a misheard word is compared
  with; cheaper to read than fts5vocab);
- failures: files that could not be read, with the one sentence that says why.

Only the client writes (jobs.py): a worker returns a transcript and the client stores it in
one transaction, so a worker that dies leaves nothing half written.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from voiceedit.errors import VoiceEditError, reason
from voiceedit.media.fingerprint import content_hash
from voiceedit.timeline.transcript import Segment, Transcript, Word
from voiceedit.timeline.words import normalize_word
from voiceedit.user_config import data_dir, read_settings

LIBRARY_ENV = "VOICEEDIT_LIBRARY"
LIBRARY_NAME = "library.sqlite"
SCHEMA_VERSION = 1
RUN_ON_WORDS = 4  # words of the next sentence indexed with a sentence

SCHEMA = """
CREATE TABLE IF NOT EXISTS files(
    id INTEGER PRIMARY KEY, hash TEXT UNIQUE NOT NULL, path TEXT NOT NULL,
    duration INTEGER NOT NULL, model TEXT, engine TEXT, language TEXT, added REAL);
CREATE TABLE IF NOT EXISTS paths(
    path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS words(
    file INTEGER NOT NULL, position INTEGER NOT NULL, text TEXT NOT NULL, norm TEXT NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, probability REAL,
    PRIMARY KEY(file, position)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sentences(
    id INTEGER PRIMARY KEY, file INTEGER NOT NULL, first INTEGER NOT NULL,
    last INTEGER NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS sentences_of_file ON sentences(file, first);
CREATE VIRTUAL TABLE IF NOT EXISTS sentence_text USING fts5(norm);
CREATE TABLE IF NOT EXISTS terms(term TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS failures(path TEXT PRIMARY KEY, message TEXT, at REAL);
"""


def default_library() -> tuple[Path, str]:
    """The library file a command uses when none is named, and why (said to the user):
    $VOICEEDIT_LIBRARY, else the "library" setting, else library.sqlite in the data folder."""
    if os.environ.get(LIBRARY_ENV):
        return Path(os.environ[LIBRARY_ENV]), f"from {LIBRARY_ENV}"
    setting = read_settings().get("library")
    if isinstance(setting, str) and setting:
        return Path(setting).expanduser(), "from your settings"
    return data_dir() / LIBRARY_NAME, "the default"


@dataclass(frozen=True)
class FileEntry:
    id: int
    hash: str
    path: str
    duration: int  # ms
    words: int


@dataclass(frozen=True)
class Counts:
    files: int
    words: int
    duration: int  # ms of footage transcribed
    failures: tuple[tuple[str, str], ...]  # (path, sentence)


class Library:
    """One open library file. Not shared between threads: each process opens its own."""

    def __init__(self, path: str | Path, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise VoiceEditError(f"There is no library at {self.path}; add files to it with "
                                 "voiceedit library add.")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(SCHEMA)
            self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except (OSError, sqlite3.Error) as error:
            raise VoiceEditError(f"I can't open the library {self.path.name}: "
                                 f"{reason(error)}.") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- what is there -------------------------------------------------------------------

    def hash_of(self, path: Path) -> str:
        """The file's content hash; read from `paths` while its size and mtime are the same."""
        stat = path.stat()
        row = self.db.execute("SELECT size, mtime, hash FROM paths WHERE path = ?",
                              (str(path),)).fetchone()
        if row and row[0] == stat.st_size and row[1] == stat.st_mtime_ns:
            return row[2]
        digest = content_hash(path)
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO paths VALUES (?, ?, ?, ?)",
                       (str(path), stat.st_size, stat.st_mtime_ns, digest))
        return digest

    def has(self, digest: str) -> bool:
        return self.db.execute("SELECT 1 FROM files WHERE hash = ?", (digest,)).fetchone() \
            is not None

    def seen_at(self, digest: str, path: Path) -> None:
        """A file already done, found at another path (renamed, moved): remember the new one."""
        with self.transaction() as db:
            db.execute("UPDATE files SET path = ? WHERE hash = ?", (str(path), digest))
            db.execute("DELETE FROM failures WHERE path = ?", (str(path),))

    def file(self, file_id: int) -> FileEntry:
        row = self.db.execute(
            "SELECT id, hash, path, duration, (SELECT count(*) FROM words WHERE file = id) "
            "FROM files WHERE id = ?", (file_id,)).fetchone()
        return FileEntry(*row)

    def counts(self) -> Counts:
        files, duration = self.db.execute(
            "SELECT count(*), coalesce(sum(duration), 0) FROM files").fetchone()
        words = self.db.execute("SELECT coalesce(sum(count), 0) FROM terms").fetchone()[0]
        failures = tuple(self.db.execute("SELECT path, message FROM failures ORDER BY path"))
        return Counts(files, words, duration, failures)

    # --- writing (the client only) -------------------------------------------------------

    def store(self, digest: str, path: Path, transcript: Transcript) -> int:
        """One transcribed file, all or nothing. Returns its number of words."""
        words = sorted(transcript.words, key=lambda w: w.start)
        norms = [normalize_word(w.text) for w in words]
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM files WHERE hash = ?", (digest,)).fetchone():
                return 0  # a copy finished first: the same content is not stored twice
            file_id = db.execute(
                "INSERT INTO files(hash, path, duration, model, engine, language, added) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (digest, str(path), transcript.duration, transcript.model, transcript.engine,
                 transcript.language, time.time())).lastrowid
            db.executemany(
                "INSERT INTO words VALUES (?, ?, ?, ?, ?, ?, ?)",
                ((file_id, i, w.text, n, w.start, w.end, w.probability)
                 for i, (w, n) in enumerate(zip(words, norms, strict=True))))
            self._index_sentences(db, file_id, words, norms, transcript.segments)
            counted = Counter(term for n in norms for term in n.split())
            db.executemany("INSERT INTO terms VALUES (?, ?) ON CONFLICT(term) DO UPDATE "
                           "SET count = count + excluded.count", counted.items())
            db.execute("DELETE FROM failures WHERE path = ?", (str(path),))
        return len(words)

    @staticmethod
    def _index_sentences(db: sqlite3.Connection, file_id: int, words: list[Word],
                         norms: list[str], segments: tuple[Segment, ...]) -> None:
        """A row a sentence; its indexed words run on into the next sentence's first few,
        so a quote across a full stop is found by its phrase as well."""
        starts = {w.start: i for i, w in reversed(list(enumerate(words)))}
        spans = []
        for segment in segments or (Segment("", 0, 0, tuple(words)),):
            first = starts.get(segment.words[0].start) if segment.words else None
            if first is not None:
                last = min(len(words) - 1, first + len(segment.words) - 1)
                text = segment.text or " ".join(w.text for w in words[first:last + 1])
                spans.append((first, last, text))
        for number, (first, last, text) in enumerate(spans):
            sentence = db.execute(
                "INSERT INTO sentences(file, first, last, text) VALUES (?, ?, ?, ?)",
                (file_id, first, last, text)).lastrowid
            tail = (norms[last + 1:last + 1 + RUN_ON_WORDS] if number + 1 < len(spans)
                    else [])
            db.execute("INSERT INTO sentence_text(rowid, norm) VALUES (?, ?)",
                       (sentence, " ".join(filter(None, norms[first:last + 1] + tail))))

    def failed(self, path: Path, message: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO failures VALUES (?, ?, ?)",
                       (str(path), message, time.time()))

    # --- reading back --------------------------------------------------------------------

    def transcript(self, file_id: int, media: str | None = None) -> Transcript:
        """The stored transcript of a file, as `voiceedit transcribe` made it."""
        path, duration, model, engine, language = self.db.execute(
            "SELECT path, duration, model, engine, language FROM files WHERE id = ?",
            (file_id,)).fetchone()
        words = tuple(Word(text, start, end, probability if probability is not None else 1.0)
                      for text, start, end, probability in self.db.execute(
                          "SELECT text, start, end, probability FROM words WHERE file = ? "
                          "ORDER BY position", (file_id,)))
        segments = tuple(
            Segment(text, words[first].start, words[last].end, words[first:last + 1])
            for first, last, text in self.db.execute(
                "SELECT first, last, text FROM sentences WHERE file = ? ORDER BY first",
                (file_id,)))
        return Transcript(media or path, duration, words, segments, model or "", engine or "",
                          language or "en", meta={"cached": True, "library": str(self.path)})
