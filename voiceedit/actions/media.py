"""Media by name: "insert b roll at ten seconds" finds a project source or a media file
beside the project whose name sounds like what was said (a typed path is taken as it is)."""

from __future__ import annotations

from pathlib import Path

from voiceedit.actions import describe
from voiceedit.actions.registry import action
from voiceedit.actions.resolve import resolve_time
from voiceedit.actions.state import EditorState, Outcome
from voiceedit.errors import VoiceEditError
from voiceedit.project import Source, make_source
from voiceedit.spoken_time import print_time
from voiceedit.timeline import edits
from voiceedit.timeline.model import Clip
from voiceedit.timeline.words import normalize
from voiceedit.understand.command import Quote, SpokenTime

MEDIA_SUFFIXES = frozenset({".mp4", ".mov", ".mkv", ".webm", ".avi", ".m4v", ".mpg", ".mts",
                            ".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg", ".opus"})
NAME_SCORE_CUTOFF = 75  # rapidfuzz WRatio a file name needs to be taken as the one said


@action("insert_media", quotes_media=True, slow=True)
def insert_media(state: EditorState, quote: Quote, time: SpokenTime | None = None) -> Outcome:
    """Insert a whole media file at `time` (or the playhead)."""
    at = resolve_time(state, time) if time is not None else min(state.playhead,
                                                                 state.timeline.duration)
    source = _media_named(state, quote.text if isinstance(quote, Quote) else str(quote))
    clip = Clip(source.path, 0, source.media.duration)
    timeline = edits.insert_clip(state.timeline, clip, at)
    what = f"Inserted {Path(source.path).name}, {print_time(clip.duration)}, at {print_time(at)}"
    with_source = state.with_project(sources=state.project.with_source(source).sources)
    new = with_source.edited(timeline, describe.history_entry(what), playhead=at)
    return Outcome(new, describe.edited(what, new), changed=True)


def _media_named(state: EditorState, said: str) -> Source:
    """The project source or media file whose name sounds like `said`."""
    path = media_path_named(state, said)
    if path is None:
        raise VoiceEditError(f"I can't find a media file called {describe.quoted(said)} "
                             "next to the project.")
    known = {Path(s.path): s for s in state.project.sources}
    return known.get(path) or _source_for(state, path)


def media_path_named(state: EditorState, said: str) -> Path | None:
    """The project source, or media file next to the project, whose name sounds like `said`;
    None when none does. A file name or path (with a media suffix or a folder) is taken
    exactly, never as sounding like another file ("intro_v3.mp4" is not intro_v2.mp4)."""
    typed = Path(said.strip()).expanduser()
    at_hand = media_at_hand(state)
    if typed.suffix.lower() not in MEDIA_SUFFIXES and len(typed.parts) < 2:
        return name_like(said, {path: path.stem for path in at_hand})
    # The project's folder first: a relative name means media beside the project, as an
    # imported timeline's do; the current folder only after it.
    folders = ([state.path.resolve().parent] if state.path else []) + [Path.cwd()]
    for folder in folders:
        found = folder / typed
        if found.suffix.lower() in MEDIA_SUFFIXES and found.is_file():
            return found.resolve()
    # Said rather than typed ("b roll.mp4" for b_roll.mp4): the same name, word for word.
    wanted = normalize(typed.stem.replace("_", " "))
    return next((path for path in sorted(at_hand)
                 if path.suffix.lower() == typed.suffix.lower()
                 and normalize(path.stem.replace("_", " ")) == wanted), None)


def media_at_hand(state: EditorState) -> set[Path]:
    """The project's sources and the media files next to the project."""
    found = {Path(s.path) for s in state.project.sources}
    if state.path is not None:
        folder = state.path.resolve().parent
        found.update(f.resolve() for f in folder.iterdir()
                     if f.suffix.lower() in MEDIA_SUFFIXES and f.is_file())
    return found


def name_like(said: str, names: dict[Path, str]) -> Path | None:
    """The key whose file name sounds like `said` ("intro" for intro_v2.mp4), or None."""
    from rapidfuzz import fuzz, process

    normalized = {key: normalize(name.replace("_", " ")) for key, name in names.items()}
    found = process.extractOne(normalize(said), normalized, scorer=fuzz.WRatio,
                               score_cutoff=NAME_SCORE_CUTOFF)
    return None if found is None else found[2]


def _source_for(state: EditorState, path: Path) -> Source:
    existing = state.project.source(str(path))
    if existing is not None:
        return existing
    model = next((s.transcript.model for s in state.project.sources if s.transcript.model),
                 "tiny.en")
    return make_source(path, model)
