"""The project file's JSON: `{"format": "voiceedit-project", "version": 1, ...}`, never
pickle; times are integer milliseconds; clips are [source number, in, out]."""

from __future__ import annotations

import json
from bisect import bisect_left

from voiceedit.media.probe import MediaInfo
from voiceedit.picture.shots import Picture
from voiceedit.project.model import Pending, Project, Source, verbosity_levels
from voiceedit.timeline.history import ClipTable, history_from_json, history_to_json
from voiceedit.timeline.layers import Layers
from voiceedit.timeline.model import Timeline
from voiceedit.timeline.quote_match import QuoteMatch
from voiceedit.timeline.transcript import Segment, Transcript, Word
from voiceedit.understand.command import Command, Quote, SpokenTime

FORMAT = "voiceedit-project"
VERSION = 1
# Project files written before the levels came from grammars' levels list.
OLD_VERBOSITY = {"terse": "brief", "verbose": "detailed"}


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
    return [{"media": s.media.to_json(), "transcript": transcript_to_json(s.transcript),
             **({"picture": s.picture.to_compact()} if s.picture else {})}
            for s in sources]


def _source_from_json(data: dict) -> Source:
    """A source; one saved before picture analysis (no "picture") has no shots."""
    media = MediaInfo.from_json(data["media"])
    picture = data.get("picture")
    return Source(media, transcript_from_json(data["transcript"]),
                  Picture.from_compact(media.path, media.duration, picture) if picture else None)


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
        "corrections": [table.encode_correction(c) for c in project.corrections],
        "layers": project.layers.to_json(table.sources),
    }


def project_from_json(data: dict) -> Project:
    sources = tuple(_source_from_json(s) for s in data["sources"])
    table = ClipTable(tuple(s.path for s in sources))
    selection = data.get("selection")
    verbosity = data.get("verbosity", "normal")
    verbosity = OLD_VERBOSITY.get(verbosity, verbosity)
    if verbosity not in verbosity_levels():
        # A setting, not the edit: a project saved with a level no longer known (a list
        # entry of an earlier version) opens, answering normally.
        verbosity = "normal"
    corrections = tuple(table.decode_correction(row) for row in data.get("corrections", []))
    project = Project(
        sources=sources,
        timeline=Timeline(table.decode(data["timeline"])),
        history=history_from_json(data["history"], table),
        playhead=_whole(data.get("playhead", 0)),
        selection=(_whole(selection[0]), _whole(selection[1])) if selection else None,
        verbosity=verbosity,
        last_answer=_text(data.get("last_answer", "")),
        last_action=_text(data.get("last_action", "")),
        pending=pending_from_json(data.get("pending")),
        corrections=corrections,
        layers=Layers.from_json(data.get("layers", {}), table.sources),
    )
    for source in sources:  # every correction must fit the words it corrects
        project.transcript_of(source)
    return project


def _whole(value: object) -> int:
    """A stored time: a whole number of ms, not 2.5, true or "10"."""
    if type(value) is not int:
        raise ValueError(f"{value!r:.20} is not a whole number of milliseconds")
    return value


def transcript_to_json(transcript: Transcript) -> dict:
    """Compact: a word is [text, start ms, end ms, probability], and its speaker number
    after these when it has one; 100,000 words is ~3 MB."""
    return {
        "media": transcript.media,
        "duration": transcript.duration,
        "model": transcript.model,
        "engine": transcript.engine,
        "language": transcript.language,
        "words": [[w.text, w.start, w.end, round(w.probability, 3)]
                  + ([w.speaker] if w.speaker is not None else []) for w in transcript.words],
        "segments": [[s.text, s.start, s.end] for s in transcript.segments],
    }


def transcript_from_json(data: dict) -> Transcript:
    words = tuple(_word_from_row(row) for row in data["words"])
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


def _word_from_row(row: list) -> Word:
    """[text, start, end, probability] or, with a speaker, [..., speaker] (older files have
    no speakers)."""
    text, start, end, probability, *speaker = row
    if speaker and (len(speaker) > 1 or type(speaker[0]) is not int or speaker[0] < 1):
        raise ValueError("a word's speaker is a whole number from 1")
    return Word(text, start, end, probability, speaker[0] if speaker else None)


def value_to_json(value: object) -> object:
    """A command argument as JSON; the type is tagged so it reads back as the same object."""
    if isinstance(value, SpokenTime):
        return {"time": value.ms, "anchor": value.anchor}
    if isinstance(value, Quote):
        return {"quote": value.text, "said": value.said} if value.said else {"quote": value.text}
    if isinstance(value, QuoteMatch):
        return {"match": value.to_json()}
    return value


def value_from_json(data: object) -> object:
    if isinstance(data, dict):
        if "time" in data:
            return SpokenTime(data["time"], data["anchor"])
        if "quote" in data:
            return Quote(data["quote"], _text(data.get("said", "")))
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


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r:.20} is not text")
    return value


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
        "meanings": [command_to_json(c) for c in pending.meanings],
    }


def pending_from_json(data: dict | None) -> Pending | None:
    if data is None:
        return None
    if data["kind"] not in ("confirm", "choice", "meaning") or not isinstance(
        data.get("slot", ""), str
    ):
        raise ValueError("unknown question")
    meanings = tuple(command_from_json(c) for c in data.get("meanings", []))
    if bool(meanings) != (data["kind"] == "meaning"):
        raise ValueError("other meanings belong to a question of meaning, and only there")
    return Pending(
        kind=data["kind"],
        command=command_from_json(data["command"]),
        slot=data.get("slot", ""),
        choices=tuple(QuoteMatch.from_json(c) for c in data.get("choices", [])),
        meanings=meanings,
    )
