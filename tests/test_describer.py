"""The describer interface (picture/describer.py): the built-in describer on frames whose
content is known, and the choice of a person's own model, whose package is not installed
here: a wrong path or a missing package is one sentence."""

from __future__ import annotations

import importlib.util
import json

import cv2
import numpy as np
import pytest

from voiceedit.errors import VoiceEditError
from voiceedit.picture.describer import (
    BuiltInDescriber,
    Describer,
    backend_for,
    chosen_model,
    describer_from,
)


def title_card() -> np.ndarray:
    frame = np.full((360, 640, 3), (154, 106, 58), np.uint8)  # BGR: a mid blue
    cv2.putText(frame, "CHAPTER TWO", (110, 200), cv2.FONT_HERSHEY_SIMPLEX, 2.0,
                (255, 255, 255), 5, cv2.LINE_AA)
    return frame


def test_the_built_in_describer_reads_text_and_looks(tmp_path):
    describer: Describer = describer_from("built-in")
    assert isinstance(describer, BuiltInDescriber)
    said = describer.describe(title_card())
    assert said.startswith("text 'CHAPTER TWO'") and "mostly blue" in said
    image = tmp_path / "black.png"
    cv2.imwrite(str(image), np.zeros((360, 640, 3), np.uint8))
    assert describer.describe(image) == "dark; mostly black"
    with pytest.raises(VoiceEditError, match="can't read notes.txt as a picture"):
        (tmp_path / "notes.txt").write_text("x")
        describer.describe(tmp_path / "notes.txt")


def test_the_model_is_chosen_by_argument_environment_or_setting(tmp_path, monkeypatch):
    monkeypatch.delenv("VOICEEDIT_DESCRIBER", raising=False)
    monkeypatch.setenv("VOICEEDIT_CONFIG", str(tmp_path))
    assert chosen_model() == "" and isinstance(describer_from(), BuiltInDescriber)
    (tmp_path / "settings.json").write_text(json.dumps({"describer": "/models/a"}))
    assert chosen_model() == "/models/a"
    monkeypatch.setenv("VOICEEDIT_DESCRIBER", "/models/b")
    assert chosen_model() == "/models/b"
    assert chosen_model("built-in") == "" and chosen_model("/models/c") == "/models/c"
    assert backend_for(tmp_path / "llava.Q4.gguf") == "llama_cpp"
    assert backend_for(tmp_path / "blip") == "transformers"


@pytest.mark.skipif(bool(importlib.util.find_spec("transformers")
                         or importlib.util.find_spec("llama_cpp")),
                    reason="a model package is installed here")
def test_a_missing_model_or_package_is_one_sentence(tmp_path):
    with pytest.raises(VoiceEditError) as missing:
        describer_from(str(tmp_path / "nowhere"))
    assert str(missing.value) == (f"The describer model {tmp_path / 'nowhere'} is not there; "
                                  "set VOICEEDIT_DESCRIBER to a model file or folder on this "
                                  "machine, or to built-in.")
    folder = tmp_path / "blip"
    folder.mkdir()
    with pytest.raises(VoiceEditError) as no_package:
        describer_from(str(folder))
    assert str(no_package.value) == ("Describing with blip needs the transformers package, "
                                     "which is not installed; install it, or set "
                                     "VOICEEDIT_DESCRIBER to built-in.")
    gguf = tmp_path / "llava.gguf"
    gguf.write_bytes(b"GGUF")
    with pytest.raises(VoiceEditError, match="needs the llama-cpp-python package"):
        describer_from(str(gguf))
