"""Verify migrated snippets by running them: a loopback emulator of the Gemini API
(emulator.py), the request meaning both API generations share (meaning.py, wire.py), and the
subprocess runner with differential comparison (runner.py).

Nothing here imports google-genai or google-generativeai: snippets import them in their own
subprocess."""
