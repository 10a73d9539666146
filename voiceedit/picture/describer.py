"""Describing a frame in words: the built-in describer, or a vision-language model the
person supplies.

`Describer` is one method, `describe(frame) -> str`, given an image file or a BGR array.
The built-in one says what the analysis measures (on-screen text, faces and where they
are, brightness and colour: "text 'CHAPTER TWO'; 1 face, centre; mostly blue"), offline
and in a fraction of a second. A model describes what is happening, which the analysis
cannot; it is never downloaded and never on unless asked for:

    VOICEEDIT_DESCRIBER=/models/llava-v1.6-7b.Q4_K_M.gguf   (llama-cpp-python; the
        projector, a file named mmproj*.gguf, beside it)
    VOICEEDIT_DESCRIBER=/models/blip-image-captioning-base   (a folder: transformers)

or `"describer": "/path"` in settings.json (user_config.py). The packages are imported
only when a model is chosen, and a missing path or package is one sentence, never a
traceback; "built-in" (or nothing) chooses the built-in describer.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from voiceedit.errors import VoiceEditError
from voiceedit.user_config import read_settings

ENVIRONMENT = "VOICEEDIT_DESCRIBER"
SETTING = "describer"
BUILT_IN = "built-in"
PROMPT = ("Describe this video frame for a blind video editor in one short sentence: who or "
          "what is shown, what is happening, and any text on screen.")
MAX_WORDS = 60

Frame = str | Path | np.ndarray


class Describer(Protocol):
    name: str

    def describe(self, frame: Frame) -> str:
        """One short description of the frame (an image file, or a BGR array)."""
        ...


def load_frame(frame: Frame) -> np.ndarray:
    """A BGR array from an image file or an array (grey arrays are made colour)."""
    if isinstance(frame, np.ndarray):
        image = frame
    else:
        image = cv2.imread(str(frame), cv2.IMREAD_COLOR)
        if image is None:
            raise VoiceEditError(f"I can't read {Path(frame).name} as a picture.")
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    return image


class BuiltInDescriber:
    """Text by OCR, faces by OpenCV's cascade, looks by the analysis's own measures."""

    name = BUILT_IN

    def describe(self, frame: Frame) -> str:
        from voiceedit.picture.analyse import READ_WIDTH, SMALL_WIDTH
        from voiceedit.picture.measure import FrameMeter, shot_looks
        from voiceedit.picture.read import read_frames
        from voiceedit.picture.shots import Shot

        image = load_frame(frame)
        meter = FrameMeter()
        meter.add(0, _scaled(image, SMALL_WIDTH))
        looks = shot_looks(meter.track, 0, 1)
        gray = cv2.cvtColor(_scaled(image, READ_WIDTH), cv2.COLOR_BGR2GRAY)
        reading = read_frames([(0, gray)])
        shot = Shot(0, 1, reading.text, reading.faces, reading.face_positions, looks)
        return shot.description or "nothing I can name"


def _scaled(image: np.ndarray, width: int) -> np.ndarray:
    if image.shape[1] <= width:
        return image
    height = max(1, round(image.shape[0] * width / image.shape[1]))
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)


def chosen_model(setting: str | None = None) -> str:
    """The model the person asked for: `setting`, else $VOICEEDIT_DESCRIBER, else the
    settings file's "describer"; "" for the built-in describer."""
    for value in (setting, os.environ.get(ENVIRONMENT), read_settings().get(SETTING)):
        if isinstance(value, str) and value.strip():
            value = value.strip()
            return "" if value.lower() in (BUILT_IN, "builtin", "none", "off") else value
    return ""


def backend_for(path: Path) -> str:
    """ "llama_cpp" for a .gguf file, "transformers" for a model folder."""
    return "llama_cpp" if path.suffix.lower() == ".gguf" else "transformers"


PACKAGES = {"llama_cpp": "llama-cpp-python", "transformers": "transformers"}


def describer_from(setting: str | None = None) -> Describer:
    """The describer the person chose (see `chosen_model`), checked now so a wrong path or
    a missing package is said at once; the model itself loads on first use."""
    chosen = chosen_model(setting)
    if not chosen:
        return BuiltInDescriber()
    path = Path(chosen).expanduser()
    if not path.exists():
        raise VoiceEditError(
            f"The describer model {path} is not there; set {ENVIRONMENT} to a model file or "
            "folder on this machine, or to built-in.")
    backend = backend_for(path)
    if importlib.util.find_spec(backend) is None:
        raise VoiceEditError(
            f"Describing with {path.name} needs the {PACKAGES[backend]} package, which is not "
            f"installed; install it, or set {ENVIRONMENT} to built-in.")
    if backend == "llama_cpp":
        return LlamaCppDescriber(path)
    return TransformersDescriber(path)


def _short(text: str) -> str:
    words = " ".join(str(text).split()).split(" ")
    return " ".join(words[:MAX_WORDS]).strip()


class TransformersDescriber:
    """A local image-to-text model folder through transformers (offline only)."""

    name = "transformers"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pipe = None

    def describe(self, frame: Frame) -> str:
        from PIL import Image

        if self._pipe is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder, never the hub
            from transformers import pipeline

            self._pipe = pipeline("image-to-text", model=str(self.path),
                                  model_kwargs={"local_files_only": True})
        image = Image.fromarray(cv2.cvtColor(load_frame(frame), cv2.COLOR_BGR2RGB))
        found = self._pipe(image)
        return _short(found[0]["generated_text"] if found else "")


class LlamaCppDescriber:
    """A local GGUF vision model through llama-cpp-python, with its projector beside it."""

    name = "llama_cpp"

    def __init__(self, path: Path) -> None:
        self.path = path
        projectors = sorted(path.parent.glob("*mmproj*.gguf"))
        if not projectors:
            raise VoiceEditError(
                f"{path.name} needs its image projector, a file named mmproj….gguf, in the "
                "same folder; I found none.")
        self.projector = projectors[0]
        self._model = None

    def describe(self, frame: Frame) -> str:
        import base64

        if self._model is None:
            from llama_cpp import Llama
            from llama_cpp.llama_chat_format import Llava15ChatHandler

            handler = Llava15ChatHandler(clip_model_path=str(self.projector), verbose=False)
            self._model = Llama(model_path=str(self.path), chat_handler=handler, n_ctx=4096,
                                verbose=False)
        ok, encoded = cv2.imencode(".jpg", load_frame(frame))
        url = "data:image/jpeg;base64," + base64.b64encode(encoded.tobytes()).decode()
        answer = self._model.create_chat_completion(messages=[{"role": "user", "content": [
            {"type": "image_url", "image_url": {"url": url}},
            {"type": "text", "text": PROMPT}]}], max_tokens=96)
        return _short(answer["choices"][0]["message"]["content"])
