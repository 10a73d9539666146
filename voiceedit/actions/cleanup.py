"""Cleanup: fillers, long pauses and repeated takes, each removed as one undo step."""

from __future__ import annotations

from voiceedit.actions import describe
from voiceedit.actions.registry import action
from voiceedit.actions.resolve import need_timeline
from voiceedit.actions.state import EditorState, Outcome
from voiceedit.errors import VoiceEditError
from voiceedit.spoken_time import print_count, print_time
from voiceedit.timeline import cleanup
from voiceedit.understand.command import SpokenTime

DEFAULT_PAUSE_LONGER, DEFAULT_PAUSE_TO = 1000, 500  # ms, "shorten pauses" said bare


def cleaned(state: EditorState, removal: cleanup.Removal, what: str,
             listed: bool = True) -> Outcome:
    """One undo step for a cleanup; the playhead stays on the same material."""
    playhead = map_time(state.playhead, removal.ranges)
    pieces = ", ".join(removal.pieces) if listed else ""
    new = state.edited(removal.timeline, describe.history_entry(what, pieces), playhead)
    return Outcome(new, describe.edited(what, new, pieces), changed=True)


def map_time(time: int, removed: tuple[tuple[int, int], ...]) -> int:
    """Where `time` lands once the (sorted, disjoint) ranges are cut out."""
    shift = 0
    for start, end in removed:
        if start >= time:
            break
        shift += min(end, time) - start
    return time - shift


@action("remove_fillers", destructive=True)
def remove_fillers(state: EditorState) -> Outcome:
    need_timeline(state)
    removal = cleanup.remove_fillers(state.timeline, state.words)
    if not removal.ranges:
        return Outcome(state, "I found no filler words; nothing changed.")
    what = (f"Removed {print_count(len(removal.pieces), 'filler')}, "
            f"{print_time(removal.removed)}")
    return cleaned(state, removal, what)


@action("shorten_pauses", destructive=True)
def shorten_pauses(state: EditorState, longer: SpokenTime | None = None,
                   to: SpokenTime | None = None) -> Outcome:
    need_timeline(state)
    longer_ms = longer.ms if longer is not None else DEFAULT_PAUSE_LONGER
    to_ms = to.ms if to is not None else min(DEFAULT_PAUSE_TO, longer_ms)
    if to_ms > longer_ms:
        raise VoiceEditError(f"Shortening pauses to {print_time(to_ms)} would make pauses of "
                             f"{print_time(longer_ms)} longer, not shorter.")
    removal = cleanup.shorten_pauses(state.timeline, state.words, longer_ms, to_ms)
    if not removal.ranges:
        return Outcome(state, f"No pause is longer than {print_time(longer_ms)}; nothing changed.")
    what = (f"Shortened {print_count(len(removal.pieces), 'pause')} to {print_time(to_ms)}, "
            f"saving {print_time(removal.removed)}")
    # The words around each pause would be noise: the count and the time say it.
    return cleaned(state, removal, what, listed=False)


@action("remove_repeated_takes", destructive=True)
def remove_repeated_takes(state: EditorState) -> Outcome:
    need_timeline(state)
    removal = cleanup.remove_repeated_takes(state.timeline, state.words)
    if not removal.ranges:
        return Outcome(state, "I found no repeated takes; nothing changed.")
    what = (f"Removed {print_count(len(removal.pieces), 'repeated take')}, "
            f"{print_time(removal.removed)}")
    return cleaned(state, removal, what)
