"""Edits as pure functions, checked against the plainest possible model of a timeline.

The oracle: a timeline is the list of (source, millisecond) it plays, one entry a ms. Every
edit is then a list operation (delete a slice, keep a slice, move an item) that can't be
wrong; hypothesis drives both and compares. Durations are small so the lists stay small.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voiceedit.errors import VoiceEditError
from voiceedit.timeline import edits
from voiceedit.timeline.history import (
    ClipTable,
    History,
    Step,
    history_from_json,
    history_to_json,
)
from voiceedit.timeline.model import Clip, Timeline


def frames(timeline: Timeline) -> list[tuple[str, int]]:
    return [(c.source, t) for c in timeline.clips for t in range(c.source_in, c.source_out)]


def clip_frames(clip: Clip) -> list[tuple[str, int]]:
    return [(clip.source, t) for t in range(clip.source_in, clip.source_out)]


@st.composite
def timelines(draw, min_clips: int = 1) -> Timeline:
    count = draw(st.integers(min_clips, 6))
    clips = []
    for _ in range(count):
        source = draw(st.sampled_from(["/a.mp4", "/b.mp4"]))
        start = draw(st.integers(0, 40))
        clips.append(Clip(source, start, start + draw(st.integers(1, 15))))
    return Timeline(tuple(clips))


@st.composite
def timeline_and_range(draw):
    timeline = draw(timelines())
    start = draw(st.integers(0, timeline.duration - 1))
    end = draw(st.integers(start + 1, timeline.duration))
    return timeline, start, end


def no_mergeable_joins_added(before: Timeline, after: Timeline) -> bool:
    return len(after.clips) <= len(before.clips) + 1


@given(timeline_and_range())
def test_delete_range_removes_exactly_the_range(case):
    timeline, start, end = case
    result = edits.delete_range(timeline, start, end)
    assert frames(result) == frames(timeline)[:start] + frames(timeline)[end:]
    assert result.duration == timeline.duration - (end - start)
    assert no_mergeable_joins_added(timeline, result)


@given(timeline_and_range())
def test_keep_range_keeps_exactly_the_range(case):
    timeline, start, end = case
    result = edits.keep_range(timeline, start, end)
    assert frames(result) == frames(timeline)[start:end]


@given(timelines(), st.lists(st.tuples(st.integers(0, 80), st.integers(1, 20)), max_size=5))
def test_delete_ranges_equals_deleting_each_frame(timeline, raw):
    ranges = [(s, min(s + n, timeline.duration)) for s, n in raw if s < timeline.duration]
    result = edits.delete_ranges(timeline, ranges)
    gone = {t for s, e in ranges for t in range(s, e)}
    assert frames(result) == [f for t, f in enumerate(frames(timeline)) if t not in gone]


@given(timelines(), st.data())
def test_split_keeps_the_material_and_adds_a_cut(timeline, data):
    boundaries = {timeline.clip_start(i) for i in range(len(timeline.clips))}
    inside = [t for t in range(1, timeline.duration) if t not in boundaries]
    if not inside:
        return
    time = data.draw(st.sampled_from(inside))
    result = edits.split(timeline, time)
    assert frames(result) == frames(timeline)
    assert len(result.clips) == len(timeline.clips) + 1
    assert result.clip_start(result.clip_index_at(time)) == time


@given(timelines(), st.data())
def test_trims_remove_from_one_clip_only(timeline, data):
    index = data.draw(st.integers(0, len(timeline.clips) - 1))
    clip = timeline.clips[index]
    if clip.duration < 2:
        return
    amount = data.draw(st.integers(1, clip.duration - 1))
    start = timeline.clip_start(index)
    whole = frames(timeline)
    trimmed = edits.trim_start(timeline, index, amount)
    assert frames(trimmed) == whole[:start] + whole[start + amount :]
    trimmed = edits.trim_end(timeline, index, amount)
    end = start + clip.duration
    assert frames(trimmed) == whole[: end - amount] + whole[end:]


@given(timelines(min_clips=2), st.data())
def test_clip_moves_are_list_moves(timeline, data):
    count = len(timeline.clips)
    one = data.draw(st.integers(0, count - 1))
    two = data.draw(st.integers(0, count - 1))
    clips = list(timeline.clips)

    moved = clips.copy()
    moved.insert(two, moved.pop(one))
    assert edits.move_clip(timeline, one, two).clips == tuple(moved)

    swapped = clips.copy()
    swapped[one], swapped[two] = swapped[two], swapped[one]
    assert edits.swap_clips(timeline, one, two).clips == tuple(swapped)

    duplicated = clips[: one + 1] + [clips[one]] + clips[one + 1 :]
    assert edits.duplicate_clip(timeline, one).clips == tuple(duplicated)

    if one != two:
        # Take clip `one` out; clip `two` is then at `two` or, if it came after, `two - 1`.
        order = clips[:one] + clips[one + 1 :]
        order.insert((two if two < one else two - 1) + 1, clips[one])
        assert edits.move_clip_after(timeline, one, two).clips == tuple(order)


@given(timelines(), st.data())
def test_insert_clip_puts_material_at_the_time(timeline, data):
    time = data.draw(st.integers(0, timeline.duration))
    clip = Clip("/c.wav", 100, 107)
    result = edits.insert_clip(timeline, clip, time)
    whole = frames(timeline)
    assert frames(result) == whole[:time] + clip_frames(clip) + whole[time:]


def test_delete_joins_contiguous_pieces_of_the_same_source():
    #   | A[0:10] |  split at 4 and 6  ->  | A[0:4] | A[4:6] | A[6:10] |
    timeline = Timeline((Clip("/a", 0, 10),))
    cut = edits.split(edits.split(timeline, 4), 6)
    assert len(cut.clips) == 3
    # Deleting a range that doesn't touch the source's continuity keeps separate clips ...
    assert edits.delete_clip(cut, 1).clips == (Clip("/a", 0, 4), Clip("/a", 6, 10))
    # ... and a duplicate, deleted again, leaves one clip, as before the duplicate.
    doubled = edits.duplicate_clip(timeline, 0)
    assert edits.delete_clip(doubled, 1).clips == (Clip("/a", 0, 10),)
    # Two halves brought together by removing what was between them become one clip.
    sandwich = Timeline((Clip("/a", 0, 5), Clip("/b", 0, 3), Clip("/a", 5, 9)))
    assert edits.delete_clip(sandwich, 1).clips == (Clip("/a", 0, 9),)


def test_exact_milliseconds_no_drift():
    # 1000 cuts of 1 ms from a 30-minute source: every boundary is still an integer.
    timeline = Timeline((Clip("/a", 0, 1_800_000),))
    ranges = [(t, t + 1) for t in range(1000, 1_001_000, 1000)]
    result = edits.delete_ranges(timeline, ranges)
    assert result.duration == 1_800_000 - 1000
    assert all(isinstance(c.source_in, int) and isinstance(c.source_out, int)
               for c in result.clips)
    assert result.clips[1] == Clip("/a", 1001, 2000)


@pytest.mark.parametrize(
    ("call", "sentence"),
    [
        (lambda t: edits.delete_range(t, 5000, 20_000),
         "The timeline is only 10.0 s long; 20.0 s is past the end."),
        (lambda t: edits.delete_range(t, 3000, 3000), "From 3.0 s to 3.0 s is an empty range."),
        (lambda t: edits.delete_range(Timeline(), 0, 1), "The timeline is empty."),
        (lambda t: edits.split(t, 4000), "There is already a cut at 4.0 s."),
        (lambda t: edits.split(t, 10_000), "I can only split inside the timeline, between "
                                           "0.0 s and 10.0 s."),
        (lambda t: edits.trim_start(t, 0, 4000), "Clip 1 is only 4.0 s long; I can't trim 4.0 s "
                                                 "from it. Say delete clip 1."),
        (lambda t: edits.move_clip(t, 0, 5), "There is no clip 6; the timeline has 2 clips."),
        (lambda t: edits.move_clip_after(t, 1, 1), "A clip can't move after itself."),
        (lambda t: edits.insert_clip(t, Clip("/c", 0, 5), 11_000),
         "The timeline is only 10.0 s long; 11.0 s is past the end."),
    ],
)
def test_bad_edits_say_why(call, sentence):
    timeline = Timeline((Clip("/a", 0, 4000), Clip("/b", 0, 6000)))
    with pytest.raises(VoiceEditError) as error:
        call(timeline)
    assert str(error.value) == sentence


# --- history -------------------------------------------------------------------------------


@given(timelines(), timelines())
def test_a_step_replays_both_ways(before, after):
    step = Step.between(before, after, "test")
    assert step.forward(before) == after
    assert step.backward(after) == before


@settings(max_examples=50)
@given(timeline_and_range(), st.data())
def test_history_undo_redo_and_json_round_trip(case, data):
    timeline, start, end = case
    states = [timeline]
    history = History()
    for _ in range(data.draw(st.integers(1, 4))):
        current = states[-1]
        if current.duration < 2:
            break
        s = data.draw(st.integers(0, current.duration - 2))
        new = edits.delete_range(current, s, s + 1)
        history = history.record(current, new, f"delete at {s}")
        states.append(new)
    table = ClipTable(("/a.mp4", "/b.mp4"))
    history = history_from_json(history_to_json(history, table), table)
    current = states[-1]
    for expected in reversed(states[:-1]):
        current, history, _step = history.undo(current)
        assert current == expected
    assert not history.can_undo
    for expected in states[1:]:
        current, history, _step = history.redo(current)
        assert current == expected


def test_a_step_stores_only_the_changed_clips():
    clips = tuple(Clip("/a", i * 10, i * 10 + 5) for i in range(5000))
    timeline = Timeline(clips)
    after = edits.delete_clip(timeline, 2500)
    step = Step.between(timeline, after, "deleted clip")
    assert (step.at, step.removed, step.added) == (2500, (clips[2500],), ())


def test_recording_after_undo_drops_the_redo_branch():
    a = Timeline((Clip("/a", 0, 10),))
    b = edits.delete_range(a, 0, 2)
    c = edits.delete_range(b, 0, 2)
    history = History().record(a, b, "one").record(b, c, "two")
    _, history, _ = history.undo(c)
    d = edits.delete_range(b, 5, 6)
    history = history.record(b, d, "three")
    assert [s.description for s in history.steps] == ["one", "three"]
    assert not history.can_redo
