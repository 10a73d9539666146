"""Read a CTranslate2 Whisper `model.bin` and rename its tensors to openai-whisper's layout.

The bundled models are CTranslate2 conversions of the original checkpoints, and plain
openai-whisper cannot download its own weights here. The conversion only renamed the tensors,
fused the attention projections and added zero biases for the keys, so the float16 values are
the same numbers: splitting and renaming them back gives openai-whisper the original model.

The file layout (ctranslate2/specs/model_spec.py `_serialize`, little-endian):

    uint32 binary version, string spec name, uint32 spec revision, uint32 variable count,
    per variable: string name, uint8 ndim, uint32 dims[ndim], uint8 dtype, uint32 bytes, data,
    uint32 alias count, per alias: string alias, string target.

A string is a uint16 length (counting a final NUL), the UTF-8 bytes, then the NUL.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

import numpy as np

from voiceedit.errors import VoiceEditError

# Order of ctranslate2's DataType enum (model_spec.py `_dtype_to_type_id`); bfloat16 is widened.
DTYPES = ("float32", "int8", "int16", "int32", "float16", "bfloat16")
SUPPORTED_BINARY_VERSIONS = range(5, 7)


def read_ct2_variables(path: Path) -> dict[str, np.ndarray]:
    """Every variable in a CTranslate2 model.bin by name, aliases included (arrays share memory)."""
    data = memoryview(path.read_bytes())
    reader = _Reader(data)
    version = reader.unpack("I")
    if version not in SUPPORTED_BINARY_VERSIONS:
        raise VoiceEditError(f"{path} is a CTranslate2 model of an unknown version ({version}).")
    spec = reader.string()
    reader.unpack("I")  # spec revision: the tensor names below are what matter
    if spec != "WhisperSpec":
        raise VoiceEditError(f"{path} is not a Whisper model; it holds a {spec}.")
    variables: dict[str, np.ndarray] = {}
    for _ in range(reader.unpack("I")):
        name = reader.string()
        shape = tuple(reader.unpack("I") for _ in range(reader.unpack("B")))
        dtype = DTYPES[reader.unpack("B")]
        raw = reader.take(reader.unpack("I"))
        variables[name] = _to_array(raw, dtype).reshape(shape)
    for _ in range(reader.unpack("I")):
        alias, target = reader.string(), reader.string()
        variables[alias] = variables[target]
    return variables


def to_openai_state_dict(variables: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """openai-whisper's state dict (float32) from CTranslate2 Whisper variables."""
    if any(name.endswith("weight_scale") for name in variables):
        raise VoiceEditError(
            "This Whisper model is quantized; openai-whisper needs a float16 or float32 model."
        )
    state: dict[str, np.ndarray] = {}
    for name, value in variables.items():
        if value.ndim == 0 or name == "decoder/projection/weight":
            continue  # scalar settings, and the output projection is the token embedding
        state.update(_rename(name, value.astype(np.float32)))
    return state


# CTranslate2 name pieces -> openai-whisper module names.
_SIMPLE = {
    "encoder/conv1": "encoder.conv1",
    "encoder/conv2": "encoder.conv2",
    "encoder/position_encodings/encodings": "encoder.positional_embedding",
    "encoder/layer_norm": "encoder.ln_post",
    "decoder/embeddings/weight": "decoder.token_embedding.weight",
    "decoder/position_encodings/encodings": "decoder.positional_embedding",
    "decoder/layer_norm": "decoder.ln",
}
_LAYER_PART = {
    "self_attention/layer_norm": "attn_ln",
    "self_attention/linear_1": "attn.out",
    "attention/layer_norm": "cross_attn_ln",
    "attention/linear_0": "cross_attn.query",
    "attention/linear_2": "cross_attn.out",
    "ffn/layer_norm": "mlp_ln",
    "ffn/linear_0": "mlp.0",
    "ffn/linear_1": "mlp.2",
}
_PARAMETER = {"gamma": "weight", "beta": "bias", "weight": "weight", "bias": "bias"}
_LAYER = re.compile(r"(encoder|decoder)/layer_(\d+)/(.+)/(\w+)")


def _rename(name: str, value: np.ndarray) -> dict[str, np.ndarray]:
    """One CTranslate2 variable as one or more openai-whisper state dict entries."""
    for prefix, target in _SIMPLE.items():
        if name == prefix:
            return {target: value}
        if name.startswith(prefix + "/"):
            return {f"{target}.{_PARAMETER[name.rsplit('/', 1)[1]]}": value}
    match = _LAYER.fullmatch(name)
    if match is None:
        raise VoiceEditError(f"Unexpected tensor {name} in the Whisper model.")
    stack, index, part, parameter = match.groups()
    block = f"{stack}.blocks.{index}"
    if part == "self_attention/linear_0":  # fused query, key, value
        return _split(f"{block}.attn", ("query", "key", "value"), parameter, value)
    if part == "attention/linear_1":  # cross-attention: fused key, value
        return _split(f"{block}.cross_attn", ("key", "value"), parameter, value)
    if part not in _LAYER_PART:
        raise VoiceEditError(f"Unexpected tensor {name} in the Whisper model.")
    return {f"{block}.{_LAYER_PART[part]}.{_PARAMETER[parameter]}": value}


def _split(
    module: str, parts: tuple[str, ...], parameter: str, value: np.ndarray
) -> dict[str, np.ndarray]:
    """Unfuse a stacked projection; Whisper's key projections have no bias (CT2 stored zeros)."""
    pieces = np.split(value, len(parts))
    if parameter == "bias" and "key" in parts and np.any(pieces[parts.index("key")]):
        raise VoiceEditError("The Whisper model has a key bias; it is not an OpenAI Whisper model.")
    return {
        f"{module}.{part}.{parameter}": piece
        for part, piece in zip(parts, pieces, strict=True)
        if not (part == "key" and parameter == "bias")
    }


def _to_array(raw: memoryview, dtype: str) -> np.ndarray:
    if dtype == "bfloat16":  # numpy has no bfloat16: it is the top half of a float32
        return (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
    return np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder("<"))


class _Reader:
    """Sequential little-endian reads over the file's bytes."""

    def __init__(self, data: memoryview):
        self.data = data
        self.offset = 0

    def take(self, size: int) -> memoryview:
        if self.offset + size > len(self.data):
            raise VoiceEditError("The Whisper model file is cut short; reinstall the model.")
        chunk = self.data[self.offset : self.offset + size]
        self.offset += size
        return chunk

    def unpack(self, fmt: str) -> int:
        return struct.unpack("<" + fmt, self.take(struct.calcsize(fmt)))[0]

    def string(self) -> str:
        return bytes(self.take(self.unpack("H"))[:-1]).decode("utf-8")
