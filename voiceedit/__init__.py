"""voiceedit: edit video by voice and from the transcript, with spoken readback.

The pipeline is hear -> understand -> act -> answer, then render or export.
Each stage is a subpackage named for it; `core.py` (the Editor) is the one place that wires them.
"""

__version__ = "0.1.0"
