"""LLM extraction: wire schemas, prompts, the openai adapter, the embedded server, windows, merge."""
