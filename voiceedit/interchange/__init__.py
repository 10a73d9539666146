"""Interchange: the edit leaves for other editors (and comes back) through OpenTimelineIO.

`export_timeline(timeline, sources, transcripts, output)` writes .otio, .edl, .xml (FCP7),
.fcpxml, .mlt, .srt, .vtt, .txt or .md; `import_timeline(path)` reads .otio, .edl, .xml or
.fcpxml back into a timeline and its sources. otio_convert.py holds the one ms ⇄ frames
conversion; each format that needs more than an adapter call has its own module.
"""

from voiceedit.interchange.export import FORMATS, ExportResult, export_timeline
from voiceedit.interchange.importer import import_timeline

__all__ = ["FORMATS", "ExportResult", "export_timeline", "import_timeline"]
