"""The draft postmortem written before the meeting: reading it (`prepare --draft`) and comparing the
meeting with it (confirmed, corrected, not discussed, added)."""
