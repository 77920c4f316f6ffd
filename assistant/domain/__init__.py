"""Pure data: transcripts, the postmortem document and its review state. No IO here."""
