"""The footage library from inside a project: "find in the library <words>" reads back the
best places, "add the library clip where <words> after this one" brings just that sentence of
that file into the edit, after the clip at the playhead.

The file becomes a project source with the transcript the library holds (no second
transcription). Which library: the one `voiceedit library` uses by default
($VOICEEDIT_LIBRARY, else the "library" setting, else library.sqlite in the data folder);
the answers say which when it is not the default.
"""

from __future__ import annotations

from pathlib import Path

from voiceedit.actions import describe
from voiceedit.actions.registry import action
from voiceedit.actions.state import EditorState, Outcome
from voiceedit.errors import VoiceEditError
from voiceedit.library.search import Hit, search, sentence_range
from voiceedit.library.store import Library, default_library
from voiceedit.media.probe import probe
from voiceedit.project import Source
from voiceedit.spoken_time import print_count, print_time
from voiceedit.timeline import edits
from voiceedit.timeline.model import Clip
from voiceedit.understand.command import Quote

READ_BACK = 3  # places read back for "find in the library"


def open_library() -> tuple[Library, str]:
    """The library a project uses, and how to name it in an answer."""
    path, why = default_library()
    name = "the library" if why == "the default" else f"the library {path.name} ({why})"
    if not path.is_file():
        raise VoiceEditError(f"There is no footage library yet ({path}); add files with "
                             "voiceedit library add.")
    return Library(path, create=False), name


def _text(words: Quote | str) -> str:
    return words.text if isinstance(words, Quote) else str(words)


@action("library_find", free_quotes=True)
def library_find(state: EditorState, words: Quote) -> Outcome:
    """Read back the best places in the library that say `words`."""
    library, name = open_library()
    with library:
        hits = search(library, _text(words), limit=READ_BACK)
    if not hits:
        raise VoiceEditError(f"Nothing in {name} says {describe.quoted(_text(words))}.")
    places = "; ".join(f"{Path(h.file).name} at {print_time(h.start)}, "
                       f"{describe.quoted(h.words)}" for h in hits)
    count = print_count(len(hits), "place")
    return Outcome(state, f"{describe.capitalize(count)} in {name}: {places}.")


@action("library_insert", free_quotes=True, slow=True)
def library_insert(state: EditorState, words: Quote) -> Outcome:
    """Insert the sentence of the library's best hit for `words` after the clip at the
    playhead (at the start of an empty timeline)."""
    library, name = open_library()
    with library:
        hits = search(library, _text(words), limit=1)
        if not hits:
            raise VoiceEditError(f"Nothing in {name} says {describe.quoted(_text(words))}.")
        hit = hits[0]
        start, end, text = sentence_range(library, hit)
        source = _source(state, library, hit)
    end = min(end, source.media.duration)
    timeline = state.timeline
    after = timeline.clip_index_at(state.playhead) + 1 if timeline.clips else 0
    at = timeline.clip_start(after)
    clip = Clip(source.path, start, end)
    new_timeline = edits.insert_clip(timeline, clip, at)
    file = Path(source.path).name
    what = (f"Inserted {print_time(clip.duration)} of {file} "
            f"{f'after clip {after}' if after else 'at the start'}")
    with_source = state.with_project(sources=state.project.with_source(source).sources)
    new = with_source.edited(new_timeline, describe.history_entry(what, text), playhead=at)
    return Outcome(new, describe.edited(what, new, text), changed=True)


def _source(state: EditorState, library: Library, hit: Hit) -> Source:
    """The hit's file as a project source: the one already in the project, or the file
    probed with the library's transcript."""
    path = Path(hit.file)
    known = state.project.source(str(path))
    if known is not None:
        return known
    if not path.is_file():
        raise VoiceEditError(f"The library's file {path.name} is not at {path.parent} any "
                             "more; add it to the library again where it is now.")
    media = probe(path)
    return Source(media, library.transcript(hit.file_id, media=media.path))
