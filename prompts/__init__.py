"""The prompt templates: plain text files, edited here and shipped inside the package as `assistant.prompts`.

This file only makes the folder a regular package, so that `importlib.resources.files("assistant.prompts")`
finds it in an editable install (this folder) and in an installed wheel (`site-packages/assistant/prompts`).
"""
