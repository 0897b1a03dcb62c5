"""Older `@google/genai` code: `ai.models.generateContent(...)` / `ai.chats.create(...)`."""

from __future__ import annotations

from migrator.js.source import Source


class GenaiPass:
    def __init__(self, src: Source) -> None:
        self.src = src

    def run(self) -> None:
        return None
