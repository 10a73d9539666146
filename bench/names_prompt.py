"""Does putting the project's names into the command recogniser's prompt make them heard?

A small project whose transcript names ten people and places (Irish names tiny.en has
little reason to know), and one spoken command (the bundled Piper voice) quoting each. Each
command goes through CommandRecognizer as `voiceedit do --audio` runs it (the project's
fit and phrases, so the grammar search may only quote the project's words), once with the
grammar's vocabulary prompt alone and once with the names `command_prompt` adds. A command
counts as right when its quote is the name as the project spells it.

Run: .venv/bin/python bench/names_prompt.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from spoken import spoken  # noqa: E402
from test_core import make_project  # noqa: E402

from voiceedit.core import Editor  # noqa: E402
from voiceedit.hear.command_recognizer import (  # noqa: E402
    CommandRecognizer,
    RecognizerOptions,
    command_prompt,
)
from voiceedit.understand.matcher import vocabulary_prompt  # noqa: E402
from voiceedit.understand.rules import words  # noqa: E402

STORY = ("Yesterday we met Siobhan by the river. Then Dervla talked about Kilkenny and Aoife "
         "laughed. Later Tadhg read a poem by Niamh while Caoimhe filmed it. We drove to "
         "Dublin with Saoirse and Oisín, and Grainne sang.")
SAID = {
    "Go to Siobhan.": "Siobhan", "Go to Dervla.": "Dervla", "Find Kilkenny.": "Kilkenny",
    "Go to Aoife.": "Aoife", "Go to Tadhg.": "Tadhg", "Find Niamh.": "Niamh",
    "Find Caoimhe.": "Caoimhe", "Go to Saoirse.": "Saoirse", "Go to Oisín.": "Oisín",
    "Find Grainne.": "Grainne",
}  # fmt: skip


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="names-prompt-"))
    editor = Editor.open(make_project(folder / "names.voiceedit", STORY))
    named = command_prompt(editor.state.quotes.words.texts)
    print(f"prompt ends: ...{named[-110:]}\n")
    project = {"fit": editor.fit, "phrases": editor.phrases, "places": editor.places,
               "idle": editor.idle_actions}
    recognisers = {
        "vocabulary only": CommandRecognizer(
            options=RecognizerOptions(prompt=vocabulary_prompt()), **project),
        "with names": CommandRecognizer(options=RecognizerOptions(prompt=named), **project),
    }
    right = dict.fromkeys(recognisers, 0)
    print("| said | vocabulary only | with names |\n|---|---|---|")
    for said, name in SAID.items():
        audio = spoken(said)
        cells = []
        for label, recogniser in recognisers.items():
            heard = recogniser.recognise(audio)
            quote = heard.command.args.get("quote") if heard.command else None
            ok = quote is not None and words(quote.text) == words(name)
            right[label] += ok
            cells.append(f"{heard.text}{' (right)' if ok else ''}")
        print(f"| {said} | {' | '.join(cells)} |")
    print(" | ".join(f"{label}: {count} of {len(SAID)} right" for label, count in right.items()))


if __name__ == "__main__":
    main()
