"""Cutaways: another file's picture over a stretch of the edit, the edit's sound kept.

A cutaway is anchored like every layer item (timeline/layers.py): its start and end are
moments of ONE source of the main track, so it stays over its words when material around
it is cut or moved, and the b-roll file (`media`) plays from `media_in` on.

Where it shows (`cutaway_pieces`): wherever the covered source stretch plays on the
timeline, in timeline order. The b-roll runs on continuously across those pieces, so when
part of the covered stretch is later cut, the cutaway covers what remains of it and the
b-roll simply goes on from where it was (no jump in the b-roll for the words cut away):

    main:    | A[0:2] | A[2 ····· 6] | A[6:9] |        cover A 2..6 with broll from 0
    b-roll:           | broll 0..4   |
    cut A 3..4:  | A[0:2] | A[2:3] | A[4:6] | A[6:9] |
    b-roll:               | 0..1  |  1..3   |           (3 s of b-roll, one run)

A piece never runs past the end of the b-roll file: what the file lacks stays uncovered.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from voiceedit.errors import VoiceEditError
from voiceedit.spoken_time import print_time
from voiceedit.timeline.model import Timeline

if TYPE_CHECKING:  # layers.py imports this module for its field: Anchor is imported late
    from voiceedit.timeline.layers import Anchor


@dataclass(frozen=True)
class Cutaway:
    """The picture of `media` (from `media_in` ms on) over source moments start..end."""

    start: Anchor
    end: Anchor  # the same source as `start`, later in it
    media: str  # the b-roll file: a project source (media only, no transcript needed)
    media_in: int = 0  # ms into `media` where its picture starts

    @property
    def name(self) -> str:
        return Path(self.media).name

    def to_json(self, sources: tuple[str, ...]) -> dict:
        return {"from": self.start.to_json(sources), "to": self.end.to_json(sources),
                "media": sources.index(self.media), "in": self.media_in}

    @classmethod
    def from_json(cls, data: object, sources: tuple[str, ...]) -> Cutaway:
        from voiceedit.timeline.layers import Anchor

        if not isinstance(data, dict) or type(data.get("media")) is not int \
                or type(data.get("in", 0)) is not int:
            raise ValueError(f"a cutaway is malformed: {data!r:.40}")
        media, media_in = data["media"], data.get("in", 0)
        if not 0 <= media < len(sources) or media_in < 0:
            raise ValueError(f"a cutaway names no source: {data!r:.40}")
        start = Anchor.from_json(data.get("from"), sources)
        end = Anchor.from_json(data.get("to"), sources)
        if start.source != end.source or end.time <= start.time:
            raise ValueError(f"a cutaway covers no stretch of one source: {data!r:.40}")
        return cls(start, end, sources[media], media_in)


@dataclass(frozen=True)
class CutawayPiece:
    """Where a cutaway shows on the timeline: [start, end) ms, from `media_in` of `media`."""

    media: str
    start: int
    end: int
    media_in: int

    @property
    def duration(self) -> int:
        return self.end - self.start


def cutaway_pieces(cutaway: Cutaway, timeline: Timeline,
                   media_duration: int | None = None) -> list[CutawayPiece]:
    """The stretches of the timeline the cutaway covers, in timeline order; touching ones
    are joined. With `media_duration` (the b-roll's length) nothing runs past its end."""
    pieces: list[CutawayPiece] = []
    used = 0  # ms of b-roll already shown
    for index, clip in enumerate(timeline.clips):
        if clip.source != cutaway.start.source:
            continue
        low = max(clip.source_in, cutaway.start.time)
        high = min(clip.source_out, cutaway.end.time)
        if high <= low:
            continue
        start = timeline.clip_start(index) + low - clip.source_in
        media_in = cutaway.media_in + used
        end = start + high - low
        if media_duration is not None:
            end = min(end, start + media_duration - media_in)
        if end <= start:
            break
        used += end - start
        if pieces and pieces[-1].end == start:
            pieces[-1] = CutawayPiece(cutaway.media, pieces[-1].start, end, pieces[-1].media_in)
        else:
            pieces.append(CutawayPiece(cutaway.media, start, end, media_in))
    return pieces


def covered_length(cutaway: Cutaway, timeline: Timeline) -> int:
    return sum(piece.duration for piece in cutaway_pieces(cutaway, timeline))


def all_pieces(cutaways: tuple[Cutaway, ...], timeline: Timeline,
               durations: dict[str, int | None]) -> list[CutawayPiece]:
    """Every cutaway's pieces as they show, in timeline order: later cutaways over earlier
    ones where they overlap (`flattened`)."""
    return flattened([piece for cutaway in cutaways
                      for piece in cutaway_pieces(cutaway, timeline,
                                                  durations.get(cutaway.media))])


def cover(timeline: Timeline, start: int, end: int, media: str, media_in: int,
          media_duration: int) -> tuple[Cutaway, int]:
    """A cutaway over timeline [start, end) from `media_in` of `media`, and the ms it covers
    (less than asked when the file runs out first). One sentence when the stretch is not
    one run of one source, or the file has nothing from `media_in` on."""
    from voiceedit.timeline.layers import Anchor, anchor_at

    name = Path(media).name
    available = media_duration - media_in
    if available <= 0:
        raise VoiceEditError(f"{name} is only {print_time(media_duration)} long; it has no "
                             f"picture from {print_time(media_in)} on.")
    end = start + min(end - start, available)
    first = anchor_at(timeline, start)
    index = timeline.clip_index_at(end - 1)  # the clip the stretch ends in, not the next
    clip = timeline.clips[index]
    last = Anchor(clip.source, clip.source_in + end - timeline.clip_start(index))
    cutaway = Cutaway(first, last, media, media_in)
    inside = [piece for piece in cutaway_pieces(cutaway, timeline)
              if start <= piece.start and piece.end <= end]
    if first.source != last.source or last.time <= first.time \
            or sum(piece.duration for piece in inside) != end - start:
        raise VoiceEditError("That stretch plays more than one piece of footage; cover each "
                             "part on its own.")
    return cutaway, end - start


def flattened(pieces: list[CutawayPiece]) -> list[CutawayPiece]:
    """The pieces as one track shows them, in timeline order: where two overlap, the later
    one in `pieces` is seen (it lies on top), and the earlier keeps what shows around it.

        earlier: |aaaaaaaaaa|          later: |bbbb|   ->   |aaa|bbbb|aaa|
    """
    shown: list[CutawayPiece] = []
    for top in pieces:
        kept = []
        for piece in shown:
            if piece.end <= top.start or top.end <= piece.start:
                kept.append(piece)
                continue
            if piece.start < top.start:
                kept.append(CutawayPiece(piece.media, piece.start, top.start, piece.media_in))
            if top.end < piece.end:
                kept.append(CutawayPiece(piece.media, top.end, piece.end,
                                         piece.media_in + top.end - piece.start))
        shown = [*kept, top]
    return sorted(shown, key=lambda piece: piece.start)
