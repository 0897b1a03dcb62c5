"""gemini-migrate: move Gemini code to the Interactions API and keep it there."""

__version__ = "0.1.0"
