"""Media: probing sources and rendering timelines to files."""
