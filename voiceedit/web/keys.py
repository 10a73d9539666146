"""The browser editor's keyboard map: one list that the page acts on, its help dialog shows,
`voiceedit help keys` prints and the README's table is made from.

`keys` are KeyboardEvent names as the page matches them: "Ctrl+", then "Shift+" (for keys
that are not one printed character, or with Ctrl), then the key, a letter in upper case.
`does` names what the page does: a move, a selection, or a command. A key whose `say` is set
sends that sentence, the same one a voice says, so the key and the voice are one action.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Key:
    keys: tuple[str, ...]
    does: str  # what the page does: "word+1", "cut", "say", "play", ...
    what: str  # for the help dialog and README
    say: str = ""  # the spoken command this key sends, when it is one


KEYS: tuple[Key, ...] = (
    Key(("ArrowRight",), "word+1", "Next word"),
    Key(("ArrowLeft",), "word-1", "Previous word"),
    Key(("ArrowDown",), "sentence+1", "Next sentence"),
    Key(("ArrowUp",), "sentence-1", "Previous sentence"),
    Key(("Ctrl+ArrowDown", "PageDown"), "paragraph+1", "Next paragraph"),
    Key(("Ctrl+ArrowUp", "PageUp"), "paragraph-1", "Previous paragraph"),
    Key(("Home",), "start", "Start of the transcript"),
    Key(("End",), "end", "End of the transcript"),
    Key(("Shift+ArrowRight", "Shift+ArrowLeft", "Shift+ArrowDown", "Shift+ArrowUp",
         "Ctrl+Shift+ArrowDown", "Ctrl+Shift+ArrowUp", "Shift+Home", "Shift+End"),
        "select", "Select while moving: Shift with any move above"),
    Key(("Escape",), "clear", "Clear the selection; leave the command box or a dialog"),
    Key(("Delete", "Backspace"), "cut", "Cut the selected words (the current word if none)"),
    Key(("E",), "correct", "Correct the transcript's words: type the current word (or the "
        "selected words) right, then Enter"),
    Key(("Ctrl+Z",), "say", "Undo", "undo that"),
    Key(("Ctrl+Shift+Z", "Ctrl+Y"), "say", "Redo", "redo"),
    Key((" ",), "play", "Play or pause from the current word"),
    Key(("A",), "say", "Hear the audio around the nearest cut", "play around the cut"),
    Key(("W",), "say", "Where am I", "where am I"),
    Key(("R",), "say", "Read the timeline", "read the timeline"),
    Key(("H",), "removed", "Show or hide removed words"),
    Key(("/", "Ctrl+K"), "command", "Go to the command box"),
    Key(("M",), "microphone", "Microphone on or off: speak a command, press again to send"),
    Key(("T",), "talk", "Push to talk: hold while you speak a command"),
    Key(("?",), "help", "This list of keys and what you can say"),
)


def key_label(key: str) -> str:
    """A key as people write it: " " is Space, arrows are words."""
    names = {" ": "Space", "ArrowRight": "Right", "ArrowLeft": "Left", "ArrowDown": "Down",
             "ArrowUp": "Up", "PageDown": "Page Down", "PageUp": "Page Up"}
    return "+".join(names.get(part, part) for part in key.split("+")) if key != " " else "Space"


def keys_json() -> list[dict]:
    """The map as the page gets it, each key also as people write it."""
    return [{**asdict(key), "labels": [key_label(name) for name in key.keys]} for key in KEYS]


def keys_text() -> str:
    """`voiceedit help keys`: one line a key, plain for a screen reader."""
    lines = ["Keys in the browser editor (voiceedit serve):"]
    for key in KEYS:
        said = f' (say "{key.say}")' if key.say else ""
        lines.append(f"  {', '.join(map(key_label, key.keys))}: {key.what}{said}.")
    return "\n".join(lines)


def keys_markdown() -> str:
    rows = ["| Keys | Does | Or say |", "|---|---|---|"]
    for key in KEYS:
        labels = ", ".join(f"`{key_label(k)}`" for k in key.keys)
        rows.append(f"| {labels} | {key.what} | {key.say} |")
    return "\n".join(rows)
