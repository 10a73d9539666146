"""The render setting "burn in the captions", kept as a layer item so that saying it (and
undoing it) is one undo step like any other change, and the project file remembers it.

At most one item: its presence means every render burns the edit's captions into the
picture (media/overlay.py, interchange/burned_captions.py); `speaker_names` puts the
speaker's name before each caption where the words know their speaker.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BurnedCaptions:
    speaker_names: bool = False

    def to_json(self, sources: tuple[str, ...]) -> dict:
        return {"speaker_names": self.speaker_names}

    @classmethod
    def from_json(cls, data: object, sources: tuple[str, ...]) -> BurnedCaptions:
        if not isinstance(data, dict) or type(data.get("speaker_names", False)) is not bool:
            raise ValueError(f"the burned-in captions setting is malformed: {data!r:.40}")
        return cls(data.get("speaker_names", False))
