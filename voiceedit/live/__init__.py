"""The live session: a surface that hears commands from a microphone or files and drives
the editor (`voiceedit.core.Editor`)."""
