"""A loopback emulator of the Gemini API that the real SDKs talk to unchanged.

It speaks the Interactions API as google-genai sends it (create / get / delete / cancel, SSE,
chaining, function calls, store, background; the steps dialect for google-genai>=2 and the
outputs dialect for 1.x, chosen from `x-goog-api-client`), and the generateContent REST surface
google-generativeai uses with transport="rest" (generateContent, streamGenerateContent,
countTokens, embedContent, batchEmbedContents, models, files). Answers are deterministic
functions of the request's meaning (meaning.py); every request is logged in normalised form.

Run it alone: `python -m migrator.verify.emulator --port 8765 [--log requests.jsonl]`.
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import json
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from migrator.verify import meaning as M
from migrator.verify import wire
from migrator.verify.meaning import Answer, Meaning, RequestError, invalid

FILES_URI_BASE = "https://generativelanguage.googleapis.com/v1beta/"
_VERSION = r"(v1|v1beta|v1alpha)"
_MAX_BODY = 64 * 1024 * 1024
EMBED_DIMENSIONS = 768


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _not_found(what: str) -> RequestError:
    return RequestError(404, "NOT_FOUND", f"{what} was not found.")


def substitute(model: str, overrides: dict[str, Any] | None = None) -> str:
    """The model id after the substitution a migration makes (models.toml + overrides)."""
    from migrator.knowledge import model_table

    return model_table(overrides).interactions_name(model)[0]


def not_on_api_version(model: str, route: str,
                       overrides: dict[str, Any] | None = None) -> RequestError | None:
    """The real service's 404 for an id that exists only on another API version (the
    `-latest` aliases exist on v1beta; google-genai 3.x calls /v1)."""
    from migrator.knowledge import model_table

    version = route.strip("/").split("/", 1)[0]
    info = model_table(overrides).lookup(model)
    if info is None or not info.api or info.api == version:
        return None
    return RequestError(404, "NOT_FOUND",
                        f"models/{model.removeprefix('models/')} is not found for API version "
                        f"{version}, or is not supported for this method.")


def refused_by_interactions(model: str, overrides: dict[str, Any] | None = None) -> bool:
    from migrator.knowledge import model_table

    info = model_table(overrides).lookup(model)
    return info is not None and not info.interactions


def embedding(text: str, dims: int, task: str | None) -> list[float]:
    """Deterministic vector; values are multiples of 1/256 so float32 (legacy proto) and
    float64 (google-genai) print the same."""
    out: list[float] = []
    counter = 0
    seed = f"{task or ''}\x00{text}".encode()
    while len(out) < dims:
        digest = hashlib.sha256(seed + counter.to_bytes(4, "big")).digest()
        out.extend((b - 128) / 128 for b in digest)
        counter += 1
    return out[:dims]


class Emulator:
    """The state and the HTTP server. Use as a context manager or call start()/stop()."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, log_path: str | None = None,
                 require_key: bool = True, model_overrides: dict[str, Any] | None = None
                 ) -> None:
        self.host, self.port = host, port
        # the project's [tool.gemini-migrate.models], so substitutions match its migration
        self.model_overrides = model_overrides or None
        self.log_path = log_path
        self.require_key = require_key
        self.lock = threading.RLock()
        self.interactions: dict[str, dict[str, Any]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.caches: dict[str, tuple[dict[str, Any], Meaning]] = {}
        self.uploads: dict[str, dict[str, Any]] = {}
        self.log: list[dict[str, Any]] = []
        self._seq = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------
    def start(self, sock: socket.socket | None = None) -> Emulator:
        """Serve on (host, port), or on `sock`: a listening socket made elsewhere, such as
        inside a snippet's own network namespace (sandbox.py), where nothing else listens."""
        handler = type("Handler", (_Handler,), {"emulator": self})
        if sock is None:
            self._server = ThreadingHTTPServer((self.host, self.port), handler)
        else:
            self._server = ThreadingHTTPServer(sock.getsockname()[:2], handler,
                                               bind_and_activate=False)
            self._server.socket.close()
            self._server.socket = sock
            self._server.server_address = sock.getsockname()[:2]
            self.host = str(self._server.server_address[0])
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True,
                                        name=f"gemini-emulator:{self.port}")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def reset(self) -> None:
        with self.lock:
            self.interactions.clear()
            self.files.clear()
            self.caches.clear()
            self.uploads.clear()
            self.log.clear()
            self._seq = 0

    def next_id(self, prefix: str) -> str:
        with self.lock:
            self._seq += 1
            return f"{prefix}-{self._seq:06d}"

    def record(self, entry: dict[str, Any]) -> None:
        with self.lock:
            entry = {"seq": len(self.log) + 1, **entry}
            self.log.append(entry)
            if self.log_path:
                with open(self.log_path, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n")

    def requests(self) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(self.log)


# --- responses in the two Interactions dialects ------------------------------------------------

def _usage(answer: Answer) -> dict[str, int]:
    out_tokens = answer.output_tokens
    return {"total_input_tokens": answer.input_tokens, "total_output_tokens": out_tokens,
            "total_tokens": answer.input_tokens + out_tokens}


def _status(answer: Answer) -> str:
    if answer.function_calls:
        return "requires_action"
    return "incomplete" if answer.truncated else "completed"


def _output_blocks(answer: Answer, dialect: str) -> list[dict[str, Any]]:
    if answer.text is not None:
        text = {"type": "text", "text": answer.text}
        return [text] if dialect == "outputs" else [{"type": "model_output", "content": [text]}]
    return [{"type": "function_call", "id": c["id"], "name": c["name"], "arguments": c["args"]}
            for c in answer.function_calls]


def _input_steps(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    steps = []
    for turn in turns:
        content = []
        for part in turn["parts"]:
            if "text" in part:
                content.append({"type": "text", "text": part["text"]})
        if content:
            kind = "user_input" if turn["role"] == "user" else "model_output"
            steps.append({"type": kind, "content": content})
    return steps


def interaction_json(rec: dict[str, Any], dialect: str, include_input: bool = False
                     ) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": rec["id"], "status": rec["status"], "model": rec["model"],
        "created": rec["created"], "updated": rec["updated"],
    }
    if rec.get("previous_interaction_id"):
        body["previous_interaction_id"] = rec["previous_interaction_id"]
    if rec["status"] in ("in_progress", "cancelled"):
        blocks: list[dict[str, Any]] = []
    else:
        body["usage"] = _usage(rec["answer"])
        blocks = _output_blocks(rec["answer"], dialect)
    if dialect == "outputs":
        body.update({"object": "interaction", "role": "model", "outputs": blocks})
    else:
        if include_input:
            blocks = _input_steps(rec["input_turns"]) + blocks
        body["steps"] = blocks
    return body


def interaction_events(rec: dict[str, Any], dialect: str) -> list[dict[str, Any]]:
    answer: Answer = rec["answer"]
    start = {"id": rec["id"], "model": rec["model"], "status": "in_progress"}
    events: list[dict[str, Any]] = []
    if dialect == "outputs":
        events.append({"event_type": "interaction.start", "interaction": start})
        if answer.text is not None:
            events.append({"event_type": "content.start", "index": 0,
                           "content": {"type": "text", "text": ""}})
            events += [{"event_type": "content.delta", "index": 0,
                        "delta": {"type": "text", "text": chunk}}
                       for chunk in M.stream_chunks(answer.text)]
            events.append({"event_type": "content.stop", "index": 0})
        else:
            for i, block in enumerate(_output_blocks(answer, dialect)):
                events.append({"event_type": "content.start", "index": i, "content": block})
                events.append({"event_type": "content.delta", "index": i, "delta": block})
                events.append({"event_type": "content.stop", "index": i})
        events.append({"event_type": "interaction.complete",
                       "interaction": interaction_json(rec, dialect)})
    else:
        events.append({"event_type": "interaction.created", "interaction": start})
        if answer.text is not None:
            events.append({"event_type": "step.start", "index": 0,
                           "step": {"type": "model_output", "content": []}})
            events += [{"event_type": "step.delta", "index": 0,
                        "delta": {"type": "text", "text": chunk}}
                       for chunk in M.stream_chunks(answer.text)]
            events.append({"event_type": "step.stop", "index": 0})
        else:
            for i, step in enumerate(_output_blocks(answer, dialect)):
                events.append({"event_type": "step.start", "index": i, "step": step})
                events.append({"event_type": "step.stop", "index": i})
        events.append({"event_type": "interaction.completed",
                       "interaction": interaction_json(rec, dialect)})
    for n, event in enumerate(events, 1):
        event["event_id"] = f"evt-{n}"
    return events


# --- legacy generateContent responses ----------------------------------------------------------

def _legacy_parts(answer: Answer, text: str | None = None) -> list[dict[str, Any]]:
    if answer.text is not None:
        return [{"text": answer.text if text is None else text}]
    return [{"functionCall": {"name": c["name"], "args": c["args"]}}
            for c in answer.function_calls]


def _legacy_usage(answer: Answer) -> dict[str, int]:
    return {"promptTokenCount": answer.input_tokens,
            "candidatesTokenCount": answer.output_tokens,
            "totalTokenCount": answer.input_tokens + answer.output_tokens}


def legacy_response(answer: Answer, model: str) -> dict[str, Any]:
    return {
        "candidates": [{
            "content": {"role": "model", "parts": _legacy_parts(answer)},
            "finishReason": "MAX_TOKENS" if answer.truncated else "STOP", "index": 0,
        }],
        "usageMetadata": _legacy_usage(answer),
        "modelVersion": model,
    }


def legacy_chunks(answer: Answer, model: str) -> list[dict[str, Any]]:
    if answer.text is None:
        return [legacy_response(answer, model)]
    pieces = M.stream_chunks(answer.text)
    chunks = []
    for i, piece in enumerate(pieces):
        chunk: dict[str, Any] = {
            "candidates": [{"content": {"role": "model", "parts": [{"text": piece}]},
                            "index": 0}],
            "modelVersion": model,
        }
        if i == len(pieces) - 1:
            chunk["candidates"][0]["finishReason"] = "MAX_TOKENS" if answer.truncated \
                else "STOP"
            chunk["usageMetadata"] = _legacy_usage(answer)
        chunks.append(chunk)
    return chunks


def model_resource(model_id: str) -> dict[str, Any]:
    embed = "embedding" in model_id
    return {
        "name": f"models/{model_id}", "baseModelId": model_id, "version": "001",
        "displayName": model_id, "description": f"Emulated {model_id}",
        "inputTokenLimit": 1048576 if not embed else 2048,
        "outputTokenLimit": 65536 if not embed else 1,
        "supportedGenerationMethods": ["embedContent"] if embed
        else ["generateContent", "countTokens", "createCachedContent"],
        "temperature": 1.0, "topP": 0.95, "topK": 64, "maxTemperature": 2.0,
    }


def _listed_models() -> list[str]:
    from migrator.knowledge import model_table

    table = model_table()
    return sorted(mid for mid, info in table.exact.items() if not info.outdated
                  and not mid.startswith("deep-research"))


def _known_model(model_id: str) -> bool:
    from migrator.knowledge import model_table

    return model_table().lookup(model_id) is not None or model_id.startswith("gemini-")


# --- the HTTP handler ---------------------------------------------------------------------------

class _Handler(BaseHTTPRequestHandler):
    emulator: Emulator
    protocol_version = "HTTP/1.1"
    server_version = "gemini-migrate-emulator"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # the normalised request log replaces the access log

    # -- plumbing --
    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        self.route = parts.path
        self.query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.entry: dict[str, Any] = {"method": method, "path": self.route}
        self.committed = False
        entry = self.entry
        try:
            length = int(self.headers.get("content-length") or 0)
            if length > _MAX_BODY:
                raise RequestError(413, "INVALID_ARGUMENT", "Request payload too large")
            self.raw = self.rfile.read(length) if length else b""
            if self.emulator.require_key and not self._has_key():
                raise RequestError(401, "UNAUTHENTICATED",
                                   "Method doesn't allow unregistered callers (callers without "
                                   "established identity). Please use API Key or other form of "
                                   "API consumer identity to call this API.")
            self._route(method, entry)
        except RequestError as exc:
            entry["error"] = exc.message
            self._json(exc.code, exc.body())
        except (BrokenPipeError, ConnectionResetError):
            entry.setdefault("error", "client went away")
        except Exception as exc:  # an emulator bug must be visible, not a hang
            entry["error"] = f"{type(exc).__name__}: {exc}"
            if self.committed:  # the response has started; the connection is all we can end
                self.close_connection = True
                return
            self._json(500, {"error": {"code": 500, "message": f"emulator error: {exc}",
                                       "status": "INTERNAL"}})
        self._commit(499)

    def _commit(self, status: int) -> None:
        """Log the request before its response goes out: once a client has its answer, the
        log already holds the request (the runner reads it as soon as the snippet exits)."""
        if not self.committed:
            self.committed = True
            self.entry.setdefault("status", status)
            self.emulator.record(self.entry)

    def _has_key(self) -> bool:
        # an upload URL handed out by the emulator is itself the credential, as with Google's
        return bool(self.headers.get("x-goog-api-key") or self.query.get("key")
                    or self.query.get("upload_id")
                    or (self.headers.get("authorization") or "").startswith("Bearer "))

    def _body(self) -> dict[str, Any]:
        if not self.raw:
            return {}
        try:
            body = json.loads(self.raw)
        except (ValueError, UnicodeDecodeError):
            raise invalid("Invalid JSON payload received. Unexpected token.") from None
        if not isinstance(body, dict):
            raise invalid("Invalid JSON payload received. Expected an object.")
        return body

    def _send(self, code: int, data: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
        self._commit(code)
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _json(self, code: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self._send(code, json.dumps(body).encode(), "application/json; charset=UTF-8", headers)

    def _sse(self, payloads: list[dict[str, Any]], named: bool) -> None:
        self._commit(200)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        for payload in payloads:
            lines = ""
            if named:
                lines += f"event: {payload['event_type']}\nid: {payload['event_id']}\n"
            lines += f"data: {json.dumps(payload)}\n\n"
            self.wfile.write(lines.encode())
            self.wfile.flush()

    def _json_array_stream(self, payloads: list[dict[str, Any]]) -> None:
        """What google-api-core's REST ResponseIterator reads: one streamed JSON array."""
        self._commit(200)
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        self.wfile.write(b"[")
        for i, payload in enumerate(payloads):
            self.wfile.write((b",\n" if i else b"") + json.dumps(payload).encode())
            self.wfile.flush()
        self.wfile.write(b"]")

    def _dialect(self) -> str:
        client = self.headers.get("x-goog-api-client") or ""
        match = re.search(r"google-genai-sdk/(\d+)\.", client)
        return "outputs" if match and match.group(1) == "1" else "steps"

    # -- routing --
    def _route(self, method: str, entry: dict[str, Any]) -> None:
        path = self.route
        if path == "/$discovery/rest":
            entry["kind"] = "transport"
            return self._json(200, discovery_document(self.emulator.url))
        m = re.fullmatch(rf"/{_VERSION}/interactions", path)
        if m and method == "POST":
            return self._create_interaction(entry)
        m = re.fullmatch(rf"/{_VERSION}/interactions/([^/:]+)(/cancel|:cancel)?", path)
        if m:
            return self._interaction_op(method, m.group(2), bool(m.group(3)), entry)
        m = re.fullmatch(rf"/{_VERSION}/cachedContents(?:/([^/:]+))?", path)
        if m:
            return self._cache_op(method, m.group(2), entry)
        m = re.fullmatch(rf"/{_VERSION}/(?:tunedModels|models)/([^/:]+):(\w+)", path)
        if m and method == "POST":
            return self._model_method(m.group(2), m.group(3), entry)
        m = re.fullmatch(rf"/{_VERSION}/models", path)
        if m and method == "GET":
            entry["kind"] = "models.list"
            models = [model_resource(mid) for mid in _listed_models()]
            return self._json(200, {"models": models})
        m = re.fullmatch(rf"/{_VERSION}/models/([^/:]+)", path)
        if m and method == "GET":
            entry.update({"kind": "models.get",
                          "model": substitute(m.group(2), self.emulator.model_overrides)})
            if not _known_model(m.group(2)):
                raise _not_found(f"models/{m.group(2)} is not found for API version "
                                 f"{m.group(1)}, or is not supported for this method")
                # (the wording of the real service)
            return self._json(200, model_resource(m.group(2)))
        if re.fullmatch(rf"/(?:upload/)?{_VERSION}/files", path) and method == "POST" or \
                path.startswith("/upload/") or self.query.get("upload_id"):
            return self._upload(method, entry)
        m = re.fullmatch(rf"/{_VERSION}/files", path)
        if m and method == "GET":
            entry["kind"] = "files.list"
            with self.emulator.lock:
                listed = list(self.emulator.files.values())
            return self._json(200, {"files": listed} if listed else {})
        m = re.fullmatch(rf"/{_VERSION}/files/([^/:]+)", path)
        if m and method in ("GET", "DELETE"):
            name = f"files/{m.group(2)}"
            entry.update({"kind": "files.get" if method == "GET" else "files.delete",
                          "file": name})
            with self.emulator.lock:
                if name not in self.emulator.files:
                    raise RequestError(403, "PERMISSION_DENIED",
                                       f"You do not have permission to access the File "
                                       f"{m.group(2)} or it may not exist.")
                if method == "DELETE":
                    del self.emulator.files[name]
                    return self._json(200, {})
                return self._json(200, self.emulator.files[name])
        raise _not_found(f"{method} {path}")

    # -- Interactions --
    def _create_interaction(self, entry: dict[str, Any]) -> None:
        emu = self.emulator
        body = self._body()
        dialect = self._dialect()
        stream = body.get("stream", False)
        entry.update({"kind": "generate", "api": "interactions", "dialect": dialect,
                      "stream": stream is True})
        if not isinstance(stream, bool):
            raise invalid(f"Invalid value at 'stream' (TYPE_BOOL), {json.dumps(stream)}")
        model = body.get("model")
        agent = body.get("agent")
        if not model and not agent:
            raise invalid("* CreateInteractionRequest: one of model or agent is required")
        if model and agent:
            raise invalid("* CreateInteractionRequest: model and agent are mutually exclusive")
        if model is not None and not isinstance(model, str):
            raise invalid("Invalid value at 'model' (TYPE_STRING)")
        model_id = str(model or agent).removeprefix("models/")
        entry["model_requested"] = model_id
        overrides = emu.model_overrides
        entry["model"] = substitute(model_id, overrides)
        if model and (missing := not_on_api_version(model_id, self.route, overrides)):
            raise missing
        if model and refused_by_interactions(model_id, overrides):
            raise invalid(f"Model '{model_id}' is not supported by the Interactions API. "
                          f"Use a current model such as {substitute(model_id, overrides)}.")
        prev = body.get("previous_interaction_id")
        with emu.lock:
            if prev is not None:
                parent = emu.interactions.get(str(prev))
                if parent is None:
                    raise _not_found(f"Interaction '{prev}'")
                history = parent["conversation"]
                call_names = dict(parent["call_names"])
            else:
                history, call_names = [], {}
        meaning = _guarded(wire.interaction_meaning, body, history, call_names)
        meaning = self._cached(meaning, body.get("cached_content"), entry)
        entry.update(meaning.as_dict())
        answer = M.answer_for(meaning)
        conversation = [dict(t) for t in meaning.conversation]
        M.add_turn(conversation, "model", answer.model_parts())
        for call in answer.function_calls:
            call_names[call["id"]] = call["name"]
        now = _now()
        rec: dict[str, Any] = {
            "id": emu.next_id("int"), "model": model_id, "created": now, "updated": now,
            "previous_interaction_id": prev, "answer": answer,
            "status": "in_progress" if body.get("background") else _status(answer),
            "final_status": _status(answer), "conversation": conversation,
            "call_names": call_names, "input_turns": meaning.conversation[len(history):],
        }
        entry["interaction_id"] = rec["id"]
        if body.get("store", True) is not False:
            with emu.lock:
                emu.interactions[rec["id"]] = rec
        if stream:
            return self._sse(interaction_events(rec, dialect), named=True)
        self._json(200, interaction_json(rec, dialect))

    def _interaction_op(self, method: str, iid: str, cancel: bool,
                        entry: dict[str, Any]) -> None:
        emu = self.emulator
        dialect = self._dialect()
        kind = "cancel" if cancel else {"GET": "get", "DELETE": "delete"}.get(method)
        if kind is None or (cancel and method != "POST"):
            raise _not_found(f"{method} {self.route}")
        entry.update({"kind": f"interactions.{kind}", "api": "interactions",
                      "interaction_id": iid})
        with emu.lock:
            rec = emu.interactions.get(iid)
            if rec is None:
                raise _not_found(f"Interaction '{iid}'")
            if kind == "delete":
                del emu.interactions[iid]
                return self._json(200, {})
            if kind == "cancel":
                if rec["status"] == "in_progress":
                    rec["status"] = "cancelled"
                rec["updated"] = _now()
                return self._json(200, interaction_json(rec, dialect))
            # a background interaction has finished by the time anyone asks again
            if rec["status"] == "in_progress":
                rec["status"] = rec["final_status"]
                rec["updated"] = _now()
        stream = self.query.get("stream", "false").lower()
        if stream not in ("true", "false"):
            raise invalid(f"Invalid value at 'stream' (TYPE_BOOL), \"{stream}\"")
        entry["stream"] = stream == "true"
        if stream == "true":
            events = interaction_events(rec, dialect)
            last = self.query.get("last_event_id")
            if last is not None:
                ids = [e["event_id"] for e in events]
                if last not in ids:
                    raise invalid(f"Invalid value at 'last_event_id': unknown event '{last}'")
                events = events[ids.index(last) + 1:]
            return self._sse(events, named=True)
        include = self.query.get("include_input", "false").lower() == "true"
        self._json(200, interaction_json(rec, dialect, include_input=include))

    # -- legacy generateContent surface (google-generativeai REST, google-genai client.models)
    def _model_method(self, model: str, method: str, entry: dict[str, Any]) -> None:
        body = self._body()
        entry.update({"api": "generate_content", "model_requested": model,
                      "model": substitute(model, self.emulator.model_overrides)})
        if method in ("generateContent", "streamGenerateContent"):
            missing = not_on_api_version(model, self.route, self.emulator.model_overrides)
            if missing is not None:
                raise missing
            stream = method == "streamGenerateContent"
            entry.update({"kind": "generate", "stream": stream})
            meaning, dropped = _guarded(wire.legacy_meaning, body)
            meaning = self._cached(meaning, body.get("cachedContent"), entry)
            entry.update(meaning.as_dict())
            if dropped:
                entry["dropped_config"] = dropped
            answer = M.answer_for(meaning)
            if not stream:
                return self._json(200, legacy_response(answer, model))
            chunks = legacy_chunks(answer, model)
            alt = self.query.get("alt") or self.query.get("$alt") or ""
            if alt == "sse":
                for n, chunk in enumerate(chunks, 1):
                    chunk["event_id"] = f"evt-{n}"
                return self._sse(chunks, named=False)
            if alt and not alt.startswith("json"):
                raise invalid(f"Invalid value at 'alt': {alt!r}")
            return self._json_array_stream(chunks)
        if method == "countTokens":
            inner = body.get("generateContentRequest") or body
            if not isinstance(inner, dict):
                raise invalid("Invalid value at 'generate_content_request': expected an object")
            if "contents" not in inner:
                raise invalid("* CountTokensRequest.contents: contents is not specified")
            meaning, _ = _guarded(wire.legacy_meaning, inner)
            # generation config never changes a token count; the legacy SDK sends the model's
            # anyway, google-genai does not, so it is not part of the meaning here
            counted = {k: v for k, v in meaning.as_dict().items() if k != "config"}
            entry.update({"kind": "count_tokens", **counted})
            total = sum(len(p["text"].split()) for t in meaning.conversation
                        for p in t["parts"] if "text" in p)
            total += len((meaning.system_instruction or "").split())
            return self._json(200, {"totalTokens": total})
        if method in ("embedContent", "batchEmbedContents"):
            requests = body.get("requests") if method == "batchEmbedContents" else [body]
            if not isinstance(requests, list) or not requests:
                raise invalid("* BatchEmbedContentsRequest.requests: requests is not specified")
            items, vectors = [], []
            for req in requests:
                item, vector = _guarded(_embed_request, req)
                items.append(item)
                vectors.append({"values": vector})
            entry.update({"kind": "embed", "contents": items})
            if method == "embedContent":
                return self._json(200, {"embedding": vectors[0]})
            return self._json(200, {"embeddings": vectors})
        raise _not_found(f"Method {method} on models/{model}")

    # -- explicit caching --
    def _cached(self, meaning: Meaning, name: Any, entry: dict[str, Any]) -> Meaning:
        if not name:
            return meaning
        name = str(name)
        if not name.startswith("cachedContents/"):
            name = f"cachedContents/{name}"
        with self.emulator.lock:
            cached = self.emulator.caches.get(name)
        if cached is None:
            raise RequestError(403, "PERMISSION_DENIED",
                               f"CachedContent not found (or permission denied): {name}")
        entry["cached_content"] = name
        return wire.with_cache(meaning, cached[1])

    def _cache_op(self, method: str, cid: str | None, entry: dict[str, Any]) -> None:
        emu = self.emulator
        if cid is None and method == "POST":
            body = self._body()
            model = str(body.get("model") or "").removeprefix("models/")
            if not model:
                raise invalid("* CreateCachedContentRequest.cached_content.model: model is "
                              "required")
            meaning = _guarded(wire.cache_meaning, body)
            # named after what it means, so an original and its migration name it alike
            digest = M.short_hash([substitute(model, emu.model_overrides), meaning.as_dict()])
            with emu.lock:
                name, n = f"cachedContents/{digest}", 1
                while name in emu.caches:
                    n += 1
                    name = f"cachedContents/{digest}-{n}"
                now = _now()
                tokens = sum(len(p["text"].split()) for t in meaning.conversation
                             for p in t["parts"] if "text" in p)
                resource = {"name": name, "model": f"models/{model}", "createTime": now,
                            "updateTime": now, "expireTime": now,
                            "usageMetadata": {"totalTokenCount": tokens}}
                if body.get("displayName") or body.get("display_name"):
                    resource["displayName"] = body.get("displayName") or body["display_name"]
                emu.caches[name] = (resource, meaning)
            entry.update({"kind": "caches.create", "cache": name,
                          "model": substitute(model, emu.model_overrides), **meaning.as_dict()})
            return self._json(200, resource)
        if cid is None and method == "GET":
            entry["kind"] = "caches.list"
            with emu.lock:
                listed = [resource for resource, _ in emu.caches.values()]
            return self._json(200, {"cachedContents": listed} if listed else {})
        if cid is None:
            raise _not_found(f"{method} {self.route}")
        name = f"cachedContents/{cid}"
        kinds = {"GET": "caches.get", "PATCH": "caches.update", "DELETE": "caches.delete"}
        if method not in kinds:
            raise _not_found(f"{method} {self.route}")
        entry.update({"kind": kinds[method], "cache": name})
        with emu.lock:
            if name not in emu.caches:
                raise RequestError(403, "PERMISSION_DENIED",
                                   f"CachedContent not found (or permission denied): {name}")
            resource, meaning = emu.caches[name]
            if method == "DELETE":
                del emu.caches[name]
                return self._json(200, {})
            if method == "PATCH":
                self._body()  # ttl / expireTime: accepted, time does not pass here
                resource["updateTime"] = _now()
            return self._json(200, resource)

    # -- files --
    def _upload(self, method: str, entry: dict[str, Any]) -> None:
        """google-genai (Python and JS): X-Goog-Upload-Protocol resumable (start, then
        upload+finalize). google-generativeai: googleapiclient media upload, uploadType=resumable
        or multipart. @google/generative-ai: one X-Goog-Upload-Protocol multipart request."""
        emu = self.emulator
        command = (self.headers.get("x-goog-upload-command") or "").lower()
        upload_id = self.query.get("upload_id")
        entry["kind"] = "transport"
        if command == "start" or self.query.get("uploadType") == "resumable" and not upload_id:
            meta = self._body().get("file") or {}
            size = self.headers.get("x-goog-upload-header-content-length") or \
                self.headers.get("x-upload-content-length")
            mime = self.headers.get("x-goog-upload-header-content-type") or \
                self.headers.get("x-upload-content-type")
            upload_id = emu.next_id("upload")
            with emu.lock:
                emu.uploads[upload_id] = {"meta": meta, "mime": mime, "size": size,
                                          "data": b"", "legacy": command != "start"}
            url = f"{emu.url}/upload/v1beta/files?upload_id={upload_id}"
            if command == "start":
                url += "&upload_protocol=resumable"
            return self._json(200, {}, {"X-Goog-Upload-URL": url, "Location": url,
                                        "X-Goog-Upload-Status": "active"})
        if upload_id:
            with emu.lock:
                upload = emu.uploads.get(upload_id)
                if upload is None:
                    raise _not_found(f"Upload '{upload_id}'")
                upload["data"] += self.raw
            if command and "finalize" not in command:
                return self._json(200, {}, {"X-Goog-Upload-Status": "active"})
            with emu.lock:
                del emu.uploads[upload_id]
            resource = _guarded(self._store_file, upload["meta"], upload["mime"],
                                upload["data"], entry)
            if upload["legacy"]:
                entry["sdk"] = M.LEGACY_SDK
            return self._json(200, {"file": resource}, {"X-Goog-Upload-Status": "final"})
        # googleapiclient says multipart in the query; the legacy JS SDK's GoogleAIFileManager
        # in a header (and, unlike googleapiclient, does not read the new file back)
        python_sdk = self.query.get("uploadType") == "multipart"
        if python_sdk or (self.headers.get("x-goog-upload-protocol") or "").lower() \
                == "multipart":
            meta, mime, data = _parse_multipart(self.headers.get("content-type") or "",
                                                self.raw)
            resource = _guarded(self._store_file, meta.get("file") or {}, mime, data, entry)
            if python_sdk:
                entry["sdk"] = M.LEGACY_SDK
            return self._json(200, {"file": resource})
        raise invalid("Upload request without a supported upload protocol")

    def _store_file(self, meta: dict[str, Any], mime: str | None, data: bytes,
                    entry: dict[str, Any]) -> dict[str, Any]:
        emu = self.emulator
        meta = M.snake_keys(meta)
        with emu.lock:
            name = meta.get("name")
            if not name:
                base = hashlib.sha256(data).hexdigest()[:12]
                name, n = f"files/{base}", 1
                while name in emu.files:
                    n += 1
                    name = f"files/{base}-{n}"
            elif not str(name).startswith("files/"):
                name = f"files/{name}"
            if name in emu.files:
                raise RequestError(409, "ALREADY_EXISTS", f"File {name} already exists.")
            now = _now()
            resource = {
                "name": name, "displayName": meta.get("display_name") or "",
                "mimeType": mime or meta.get("mime_type") or "application/octet-stream",
                "sizeBytes": str(len(data)), "createTime": now, "updateTime": now,
                "expirationTime": now,
                "sha256Hash": base64.b64encode(hashlib.sha256(data).hexdigest().encode())
                .decode(),
                "uri": FILES_URI_BASE + name, "state": "ACTIVE", "source": "UPLOADED",
            }
            if not resource["displayName"]:
                del resource["displayName"]
            emu.files[name] = resource
        entry.update({"kind": "files.upload", "file": name, "mime_type": resource["mimeType"],
                      "size": len(data),
                      "display_name": meta.get("display_name")})
        return resource


_T = TypeVar("_T")


def _guarded(parse: Callable[..., _T], *args: Any) -> _T:
    """Run a request parser; a field of the wrong JSON type is the client's error (400, as
    the service answers), not an emulator crash."""
    try:
        return parse(*args)
    except RequestError:
        raise
    except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
        raise invalid(f"Invalid JSON payload received: a field has the wrong type or shape "
                      f"({type(exc).__name__}: {exc})") from None


_TASK_TYPES = ("TASK_TYPE_UNSPECIFIED", "RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT",
               "SEMANTIC_SIMILARITY", "CLASSIFICATION", "CLUSTERING", "QUESTION_ANSWERING",
               "FACT_VERIFICATION", "CODE_RETRIEVAL_QUERY")


def _embed_request(req: dict[str, Any]) -> tuple[dict[str, Any], list[float]]:
    """One embedContent request: its normalised meaning and its vector."""
    req = M.snake_keys(req)
    parts = wire.legacy_parts((req.get("content") or {}).get("parts"), "content")
    text = " ".join(p.get("text", "") for p in parts)
    task = req.get("task_type")
    if isinstance(task, int):
        task = _TASK_TYPES[task] if 0 <= task < len(_TASK_TYPES) else str(task)
    if task in (None, "TASK_TYPE_UNSPECIFIED"):
        task = None
    dims = int(req.get("output_dimensionality") or EMBED_DIMENSIONS)
    if not 0 < dims <= 4096:
        raise invalid(f"Invalid value at 'output_dimensionality': {dims}")
    item = {"text": text, "task_type": task, "title": req.get("title"),
            "output_dimensionality": req.get("output_dimensionality")}
    return {k: v for k, v in item.items() if v is not None}, embedding(text, dims, task)


def _parse_multipart(content_type: str, raw: bytes) -> tuple[dict[str, Any], str | None, bytes]:
    """A multipart/related upload (googleapiclient, resumable=False): JSON metadata + media."""
    import email
    import email.policy

    if "boundary=" not in content_type:
        raise invalid("multipart upload without a boundary")
    message = email.message_from_bytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw, policy=email.policy.HTTP)
    meta: dict[str, Any] = {}
    mime, data = None, b""
    for part in message.iter_parts() if message.is_multipart() else []:
        payload = part.get_payload(decode=True)
        payload = payload if isinstance(payload, bytes) else b""
        if part.get_content_type() == "application/json" and not meta:
            meta = json.loads(payload or b"{}")
        else:
            mime, data = part.get_content_type(), payload
    return meta, mime, data


def discovery_document(root: str) -> dict[str, Any]:
    """The part of the Generative Language discovery document googleapiclient needs for the
    legacy SDK's `genai.upload_file` (media.upload, resumable and multipart)."""
    return {
        "kind": "discovery#restDescription", "discoveryVersion": "v1",
        "id": "generativelanguage:v1beta", "name": "generativelanguage", "version": "v1beta",
        "rootUrl": root + "/", "servicePath": "", "baseUrl": root + "/", "batchPath": "batch",
        "protocol": "rest", "parameters": {
            "key": {"type": "string", "location": "query"},
            "alt": {"type": "string", "location": "query", "default": "json"},
        },
        "schemas": {
            "CreateFileRequest": {"id": "CreateFileRequest", "type": "object",
                                  "properties": {"file": {"$ref": "File"}}},
            "CreateFileResponse": {"id": "CreateFileResponse", "type": "object",
                                   "properties": {"file": {"$ref": "File"}}},
            "File": {"id": "File", "type": "object", "properties": {
                "name": {"type": "string"}, "displayName": {"type": "string"},
                "mimeType": {"type": "string"}, "uri": {"type": "string"}}},
        },
        "resources": {"media": {"methods": {"upload": {
            "id": "generativelanguage.media.upload", "path": "v1beta/files",
            "flatPath": "v1beta/files", "httpMethod": "POST", "parameters": {},
            "parameterOrder": [], "request": {"$ref": "CreateFileRequest"},
            "response": {"$ref": "CreateFileResponse"}, "supportsMediaUpload": True,
            "mediaUpload": {"accept": ["*/*"], "maxSize": "2147483648", "protocols": {
                "simple": {"multipart": True, "path": "/upload/v1beta/files"},
                "resumable": {"multipart": True, "path": "/upload/v1beta/files"},
            }},
        }}}},
    }


def iter_log_lines(path: str) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m migrator.verify.emulator",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", help="append one JSON line per request to this file")
    args = parser.parse_args(argv)
    emu = Emulator(args.host, args.port, log_path=args.log).start()
    print(emu.port, flush=True)
    print(f"gemini emulator on {emu.url} (Ctrl-C to stop)", file=sys.stderr, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        emu.stop()
    return 0


__all__ = ["Emulator", "Meaning", "main"]

if __name__ == "__main__":
    sys.exit(main())
