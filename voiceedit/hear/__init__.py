"""Hear: audio sources, voice activity, and the Whisper engines that turn speech into words."""
