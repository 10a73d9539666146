"""The spoken-command test set as data: what is said, and the command it must become.

Each row is one command (action and arguments, in the types `understand` returns) with the
several ways people say it. Phrasings are written as a speaker says them (words, not digits),
because they are read aloud by the TTS voices in `make_command_set.py`; Whisper then writes
them back in its own way ("1:30", "10.5 seconds", "EDL"), which is what the matcher must absorb.

Quotes are words from the sample interview (samples/interview.json), as a user would pick them.
"""

from __future__ import annotations

from dataclasses import dataclass

from voiceedit.understand.command import Quote, SpokenTime

START = SpokenTime(anchor="start")
END = SpokenTime(anchor="end")
HERE = SpokenTime(anchor="here")

# Actions that remove material (the `*` in the action vocabulary): confirmed when unsure.
DESTRUCTIVE = frozenset(
    {
        "delete_range",
        "delete_quote",
        "delete_between",
        "delete_sentence",
        "delete_selection",
        "delete_clip",
        "keep_range",
        "keep_quote",
        "keep_selection",
        "trim_start",
        "trim_end",
        "remove_fillers",
        "shorten_pauses",
        "remove_repeated_takes",
    }
)


def seconds(value: float) -> SpokenTime:
    return SpokenTime(ms=round(value * 1000))


@dataclass(frozen=True)
class Row:
    name: str  # short id used in file names
    action: str
    args: dict  # parameter -> int | str | SpokenTime | Quote
    phrasings: tuple[str, ...]

    @property
    def destructive(self) -> bool:
        return self.action in DESTRUCTIVE


def row(name: str, action: str, phrasings: list[str], **args: object) -> Row:
    return Row(name, action, dict(args), tuple(phrasings))


ASK_NOT = Quote("ask not what your camera")
FIRST_THING = Quote("the first thing you need")

TABLE: tuple[Row, ...] = (
    # Editing
    row(
        "del-range-90-120",
        "delete_range",
        [
            "delete from one minute thirty to two minutes",
            "cut from one minute thirty to two minutes",
            "remove from ninety seconds to two minutes",
        ],
        start=seconds(90),
        end=seconds(120),
    ),
    row(
        "del-range-10.5-15",
        "delete_range",
        [
            "delete from ten point five seconds to fifteen seconds",
            "take out from ten point five to fifteen seconds",
        ],
        start=seconds(10.5),
        end=seconds(15),
    ),
    row(
        "del-range-start-5",
        "delete_range",
        ["cut from the start to five seconds", "delete from the start to five seconds"],
        start=START,
        end=seconds(5),
    ),
    row(
        "del-range-here-end",
        "delete_range",
        ["delete from here to the end", "cut from here to the end"],
        start=HERE,
        end=END,
    ),
    row(
        "del-range-2.5-4",
        "delete_range",
        ["delete from two and a half seconds to four seconds"],
        start=seconds(2.5),
        end=seconds(4),
    ),
    row(
        "del-first-10",
        "delete_range",
        ["cut the first ten seconds", "delete everything between the start and ten seconds"],
        start=START,
        end=seconds(10),
    ),
    row(
        "del-quote",
        "delete_quote",
        ["delete ask not what your camera", "cut the words ask not what your camera"],
        quote=ASK_NOT,
    ),
    row(
        "del-between",
        "delete_between",
        [
            "delete from the first thing you need to a story worth telling",
            "delete everything between the first thing you need and a story worth telling",
        ],
        first=FIRST_THING,
        last=Quote("a story worth telling"),
    ),
    row(
        "del-sentence",
        "delete_sentence",
        ["delete the sentence starting with a phone and good sound"],
        quote=Quote("a phone and good sound"),
    ),
    row(
        "del-selection",
        "delete_selection",
        ["delete the selection", "cut the selection"],
    ),
    row(
        "del-clip-3",
        "delete_clip",
        ["delete clip three", "remove the third clip"],
        clip=3,
    ),
    row(
        "keep-range",
        "keep_range",
        [
            "keep only from one minute to one minute thirty",
            "keep from sixty seconds to ninety seconds",
        ],
        start=seconds(60),
        end=seconds(90),
    ),
    row("keep-quote", "keep_quote", ["keep only ask not what your camera"], quote=ASK_NOT),
    row("keep-selection", "keep_selection", ["keep only the selection", "keep just the selection"]),
    row("split-here", "split", ["split here", "split the clip here"], time=HERE),
    row(
        "split-45",
        "split",
        ["split at forty five seconds", "cut at forty five seconds"],
        time=seconds(45),
    ),
    row(
        "trim-start-2",
        "trim_start",
        [
            "trim two seconds from the start of clip two",
            "trim the start of clip two by two seconds",
        ],
        clip=2,
        amount=seconds(2),
    ),
    row(
        "trim-end-1",
        "trim_end",
        ["trim one point five seconds from the end of clip one"],
        clip=1,
        amount=seconds(1.5),
    ),
    row(
        "move-3-1",
        "move_clip",
        ["move clip three to position one", "move the third clip to position one"],
        clip=3,
        position=1,
    ),
    row(
        "move-4-after-2",
        "move_clip_after",
        ["move clip four after clip two", "put clip four after clip two"],
        clip=4,
        other=2,
    ),
    row("dup-2", "duplicate_clip", ["duplicate clip two", "copy clip two"], clip=2),
    row(
        "swap-2-4",
        "swap_clips",
        ["swap clip two and clip four", "swap clips two and four"],
        first=2,
        second=4,
    ),
    row(
        "insert-intro",
        "insert_media",
        ["insert intro at ten seconds", "insert the file intro at ten seconds"],
        quote=Quote("intro"),
        time=seconds(10),
    ),
    row(
        "fillers",
        "remove_fillers",
        ["remove the filler words", "remove fillers", "get rid of the ums"],
    ),
    row(
        "pauses",
        "shorten_pauses",
        [
            "shorten pauses longer than two seconds to one second",
            "shorten the pauses longer than two seconds to one second",
        ],
        longer=seconds(2),
        to=seconds(1),
    ),
    row(
        "takes",
        "remove_repeated_takes",
        ["remove repeated takes", "delete the repeated takes"],
    ),
    # Navigation, selection, readback
    row(
        "seek-72",
        "seek",
        ["go to one minute twelve", "jump to one minute twelve"],
        time=seconds(72),
    ),
    row("seek-30", "seek", ["go to thirty seconds", "jump to thirty seconds"], time=seconds(30)),
    row("seek-start", "seek", ["go to the start", "go to the beginning"], time=START),
    row("seek-end", "seek", ["go to the end", "jump to the end"], time=END),
    row("seek-clip-3", "seek_clip", ["go to clip three", "jump to the third clip"], clip=3),
    row(
        "seek-quote",
        "seek_quote",
        ["go to the first thing you need", "find the first thing you need"],
        quote=FIRST_THING,
    ),
    row("next-clip", "next_clip", ["next clip", "go to the next clip"]),
    row("prev-clip", "previous_clip", ["previous clip", "go to the previous clip"]),
    row("where", "describe_position", ["where am I", "what is the position"]),
    row("read-timeline", "read_timeline", ["read the timeline", "read me the timeline"]),
    row("read-selection", "read_selection", ["read the selection", "what is selected"]),
    row("read-transcript", "read_transcript", ["read the transcript"]),
    row(
        "select-range",
        "select_range",
        ["select from ten seconds to twenty seconds"],
        start=seconds(10),
        end=seconds(20),
    ),
    row("select-quote", "select_quote", ["select ask not what your camera"], quote=ASK_NOT),
    row("select-clip-2", "select_clip", ["select clip two", "select the second clip"], clip=2),
    row("clear-selection", "clear_selection", ["clear the selection"]),
    row("undo", "undo", ["undo that", "scratch that"]),
    row("redo", "redo", ["redo that"]),
    row("describe-last", "describe_last", ["what did I just do", "what just happened"]),
    row("choose-2", "choose", ["number two", "choose number two"], choice=2),
    row("confirm", "confirm", ["yes", "yes do it"]),
    row("deny", "deny", ["no", "no don't"]),
    row("cancel", "cancel", ["cancel", "cancel that"]),
    row("help", "help", ["what can I say", "help"]),
    row(
        "help-editing",
        "help",
        ["what can I say about editing", "help with editing"],
        topic="editing",
    ),
    row("brief", "set_verbosity", ["set verbosity to brief", "say less"], level="brief"),
    row("detailed", "set_verbosity", ["more detail", "be verbose"], level="detailed"),
    row("repeat", "repeat_last_answer", ["say that again", "repeat that"]),
    # Playback and the live session
    row("play", "play", ["play", "play it"]),
    row(
        "play-from-60",
        "play_from",
        ["play from one minute", "play from sixty seconds"],
        time=seconds(60),
    ),
    row("play-selection", "play_selection", ["play the selection"]),
    row("play-cut", "play_around_cut", ["play around the cut"]),
    row("stop", "stop_playback", ["stop playback", "stop playing"]),
    row("sleep", "go_to_sleep", ["go to sleep"]),
    row("wake", "wake_up", ["wake up"]),
    row("stop-listening", "stop_listening", ["stop listening"]),
    # Render and export
    row("render", "render", ["render the video", "render it"]),
    row("export-edl", "export", ["export as E D L", "export an E D L"], format="edl"),
    row("export-srt", "export", ["export as S R T", "save it as S R T"], format="srt"),
    row("export-fcpxml", "export", ["export to final cut pro"], format="fcpxml"),
    row("export-otio", "export", ["export as open timeline I O"], format="otio"),
)
