"""Code-side detection for the extraction engine: sentences, spoken times, figures, cues and dialogue.

Everything here is exact, fast and deterministic (milliseconds per meeting); the LLM is asked only what
code cannot decide. Nothing in this package calls a model.
"""
