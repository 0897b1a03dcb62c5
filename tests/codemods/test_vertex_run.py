"""The Vertex AI unsafe fix (GM020) produces code google-genai runs on Vertex AI.

The verify emulator does not serve Vertex AI, so the fixed lint fixture is run here against a
loopback stub of the Vertex `generateContent` endpoint that records what google-genai sends.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

genai = pytest.importorskip("google.genai")
credentials = pytest.importorskip("google.auth.credentials")

FIXED = (Path(__file__).resolve().parent.parent / "lint" / "fixtures" / "python" /
         "vertex_unsafe" / "fixed" / "app.py")
CLIENT = ('client = genai.Client(\n'
          '    vertexai=True, project=os.environ["PROJECT"], location="us-central1"\n)')


class _Token(credentials.Credentials):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.token = "token"

    def refresh(self, request: object) -> None:
        self.token = "token"

    @property
    def expired(self) -> bool:
        return False


def test_vertex_fix_runs_on_google_genai(capsys: pytest.CaptureFixture[str]) -> None:
    seen: list[tuple[str, dict[str, Any]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["content-length"]))
            seen.append((self.path, json.loads(body)))
            out = json.dumps({
                "candidates": [{"content": {"role": "model", "parts": [{"text": "ok"}]}}],
                "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 1,
                                  "totalTokenCount": 4},
            }).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        source = FIXED.read_text(encoding="utf-8")
        assert CLIENT in source
        source = source.replace(CLIENT, (
            'client = genai.Client(vertexai=True, project="p", location="us-central1", '
            'credentials=_Token(), http_options={"base_url": '
            f'"http://127.0.0.1:{server.server_port}/"}})'))
        namespace: dict[str, Any] = {"_Token": _Token, "__name__": "__main__"}
        exec(compile(source, str(FIXED), "exec"), namespace)  # noqa: S102
        assert namespace["summarize"]("some text") == "ok"
    finally:
        server.shutdown()
    assert capsys.readouterr().out.split() == ["ok", "ok", "4"]
    paths = {path for path, _ in seen}
    assert paths == {"/v1beta1/projects/p/locations/us-central1/publishers/google/models/"
                     "gemini-2.5-flash:generateContent"}
    first, second, summary = (body for _, body in seen)
    assert first["systemInstruction"]["parts"] == [{"text": "You write one-line summaries."}]
    assert first["generationConfig"] == {"temperature": 0.2, "maxOutputTokens": 64}
    assert first["safetySettings"] == [{"category": "HARM_CATEGORY_HARASSMENT",
                                        "threshold": "BLOCK_ONLY_HIGH"}]
    # The chat resends its history, as Vertex AI's ChatSession did.
    assert [c["role"] for c in second["contents"]] == ["user", "model", "user"]
    assert summary["contents"] == [{"role": "user", "parts": [{"text": "Summarize:"},
                                                              {"text": "some text"}]}]
