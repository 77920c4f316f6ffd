"""Postmortem meeting assistant: offline transcription and postmortem drafting."""

__version__ = "0.1.0"
