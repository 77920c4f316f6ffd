"""Speech to text: the one faster-whisper adapter, and the file pipeline around it."""
