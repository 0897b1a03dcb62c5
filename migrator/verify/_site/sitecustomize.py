"""Loaded by every snippet the verify runner starts (the runner puts this directory first on
PYTHONPATH; Python imports `sitecustomize` at start-up). Two jobs, both driven by environment
variables the runner sets:

GEMINI_MIGRATE_EMULATOR=http://127.0.0.1:PORT
    Force `google-generativeai` onto REST against the emulator, whatever the snippet passes to
    `genai.configure` (or when it never calls it): an import hook patches
    `google.generativeai.client._ClientManager.configure` (transport="rest",
    client_options.api_endpoint=the emulator, the snippet's key kept), points the File API
    discovery URL at the emulator, and serves the async clients (gRPC-only in 0.8.x) from the
    REST client on a worker thread. google-genai needs nothing: it honours
    GOOGLE_GEMINI_BASE_URL.

GEMINI_MIGRATE_BLOCK_NETWORK=1
    Allow only loopback connections: a snippet that tries a real host fails at once with a
    clear OSError instead of hanging or reaching the internet. Covers everything that uses
    Python's socket module (httpx, requests, urllib); gRPC's C core does not, which is why the
    legacy SDK is forced onto REST above. This is the whole network block only where the
    sandbox has no network namespace (sandbox.py); with one, it just makes the error clear.
"""

from __future__ import annotations

import os
import sys

_EMULATOR = os.environ.get("GEMINI_MIGRATE_EMULATOR", "")


def _emulator_url() -> str:
    # Read at configure time, not import time: the fork server imports the SDK once and its
    # children each get their own emulator.
    return os.environ.get("GEMINI_MIGRATE_EMULATOR", "")
_BLOCK = os.environ.get("GEMINI_MIGRATE_BLOCK_NETWORK") == "1"


def _block_network() -> None:
    import ipaddress
    import socket

    loopback_names = {"localhost", "localhost.localdomain", "ip6-localhost"}

    def loopback(host: object) -> bool:
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
        if not isinstance(host, str):
            return False
        host = host.strip("[]").split("%")[0]
        if host.lower() in loopback_names:
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    def refuse(host: object, port: object) -> OSError:
        return ConnectionRefusedError(
            f"gemini-migrate verify: network access to {host}:{port} is blocked "
            f"(snippets may only reach the loopback emulator; use --live for the real API)")

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host is not None and not loopback(host):
            raise refuse(host, port)
        return real_getaddrinfo(host, port, *args, **kwargs)

    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def check(sock: socket.socket, address: object) -> None:
        inet = sock.family in (socket.AF_INET, socket.AF_INET6)
        if inet and isinstance(address, tuple) and not loopback(address[0]):
            raise refuse(address[0], address[1] if len(address) > 1 else "")

    def connect(self, address):  # type: ignore[no-untyped-def]
        check(self, address)
        return real_connect(self, address)

    def connect_ex(self, address):  # type: ignore[no-untyped-def]
        check(self, address)
        return real_connect_ex(self, address)

    socket.getaddrinfo = getaddrinfo
    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]


class _AsyncIterator:
    """A sync iterator consumed from asyncio without blocking the loop."""

    def __init__(self, iterator):  # type: ignore[no-untyped-def]
        self._iterator = iter(iterator)

    def __aiter__(self):  # type: ignore[no-untyped-def]
        return self

    async def __anext__(self):  # type: ignore[no-untyped-def]
        import asyncio

        done = object()
        item = await asyncio.to_thread(next, self._iterator, done)
        if item is done:
            raise StopAsyncIteration
        return item


class _AsyncAdapter:
    """Looks like a google.ai.generativelanguage *AsyncClient; runs the REST sync client."""

    def __init__(self, sync):  # type: ignore[no-untyped-def]
        self._sync = sync

    def __getattr__(self, name):  # type: ignore[no-untyped-def]
        attr = getattr(self._sync, name)
        if name.startswith("_") or not callable(attr):
            return attr

        async def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            import asyncio

            result = await asyncio.to_thread(attr, *args, **kwargs)
            return _AsyncIterator(result) if name.startswith("stream_") else result

        return call


def _patch_legacy() -> None:
    from google.generativeai import client as legacy_client

    manager = legacy_client._ClientManager
    if getattr(manager, "_gemini_migrate_patched", False):
        return
    real_configure = manager.configure
    real_make_client = manager.make_client

    def configure(self, *, transport=None, client_options=None, **kwargs):  # type: ignore[no-untyped-def]
        from google.api_core import client_options as client_options_lib

        if isinstance(client_options, dict):
            client_options = client_options_lib.from_dict(client_options)
        if client_options is None:
            client_options = client_options_lib.ClientOptions()
        url = _emulator_url()
        client_options.api_endpoint = url
        legacy_client.GENAI_API_DISCOVERY_URL = url + "/$discovery/rest"
        return real_configure(self, transport="rest", client_options=client_options, **kwargs)

    def make_client(self, name):  # type: ignore[no-untyped-def]
        if name.endswith("_async") and name != "file_async":
            return _AsyncAdapter(real_make_client(self, name[: -len("_async")]))
        return real_make_client(self, name)

    manager.configure = configure  # type: ignore[method-assign]
    manager.make_client = make_client  # type: ignore[method-assign]
    manager._gemini_migrate_patched = True  # type: ignore[attr-defined]
    # configure() may already have run (a module that imports the package twice)
    if legacy_client._client_manager.client_config:
        legacy_client._client_manager.client_config = {}
        legacy_client._client_manager.clients = {}


def _install_legacy_hook() -> None:
    import importlib.abc
    import importlib.machinery

    class _Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path, target=None):  # type: ignore[no-untyped-def]
            if fullname != "google.generativeai":
                return None
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
            if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
                return spec
            real_exec = spec.loader.exec_module

            def exec_module(module):  # type: ignore[no-untyped-def]
                real_exec(module)
                _patch_legacy()

            spec.loader.exec_module = exec_module  # type: ignore[method-assign]
            return spec

    sys.meta_path.insert(0, _Finder())


def _chain_next_sitecustomize() -> None:
    """This file shadows any other sitecustomize (Debian's, a venv's); run that one too."""
    import importlib.machinery
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None or spec.origin == __file__:
        return
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # as site.py does: report and carry on
        print(f"Error in sitecustomize; set PYTHONVERBOSE for traceback:\n"
              f"{type(exc).__name__}: {exc}", file=sys.stderr)


if _BLOCK:
    _block_network()
if _EMULATOR:
    _install_legacy_hook()
_chain_next_sitecustomize()
